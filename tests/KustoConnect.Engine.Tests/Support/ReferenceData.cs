using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace KustoConnect.Engine.Tests.Support
{
    /// <summary>One recorded HTTP exchange, from either recording format in tests/data/recordings.</summary>
    internal sealed record RecordedExchange(string Method, string Uri, int Status, IReadOnlyDictionary<string, string> Headers, string? Body, string? RequestBody);

    /// <summary>
    /// The recordings and spec examples the tests replay, read from the repository's tests/data folder (see its README.md
    /// for where each file comes from and its licence).
    /// </summary>
    internal static class ReferenceData
    {
        private static readonly Lazy<string> ReferenceRoot = new Lazy<string>(FindReferenceRoot);

        /// <summary>tests/data of the repository: the folder with KustoConnect.sln is found by walking up from the test binaries.</summary>
        internal static string Root => ReferenceRoot.Value;

        internal static IReadOnlyList<RecordedExchange> Load(string recordingFileName)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "recordings", recordingFileName)));
            var root = document.RootElement;
            var exchanges = new List<RecordedExchange>();
            if (root.TryGetProperty("Entries", out var entries))
            {
                // Azure SDK for .NET test-proxy format.
                foreach (var entry in entries.EnumerateArray())
                {
                    exchanges.Add(new RecordedExchange(
                        entry.GetProperty("RequestMethod").GetString()!,
                        entry.GetProperty("RequestUri").GetString()!,
                        entry.GetProperty("StatusCode").GetInt32(),
                        Headers(entry.GetProperty("ResponseHeaders")),
                        Body(entry, "ResponseBody"),
                        Body(entry, "RequestBody")));
                }
            }
            else
            {
                // Azure PowerShell format: { "<description>+<n>": { "Request": {...}, "Response": {...} } }, in file order.
                foreach (var property in root.EnumerateObject())
                {
                    var request = property.Value.GetProperty("Request");
                    var response = property.Value.GetProperty("Response");
                    exchanges.Add(new RecordedExchange(
                        request.GetProperty("Method").GetString()!,
                        request.GetProperty("RequestUri").GetString()!,
                        response.GetProperty("StatusCode").GetInt32(),
                        Headers(response.GetProperty("Headers")),
                        Body(response, "Content"),
                        Body(request, "Content")));
                }
            }

            return exchanges;
        }

        internal static string Example(string relativePath) => File.ReadAllText(Path.Combine(Root, "arm-spec", relativePath));

        private static string? Body(JsonElement owner, string name)
        {
            if (!owner.TryGetProperty(name, out var body) || body.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return body.ValueKind == JsonValueKind.String ? body.GetString() : body.GetRawText();
        }

        private static Dictionary<string, string> Headers(JsonElement headers)
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in headers.EnumerateObject())
            {
                result[header.Name] = header.Value.ValueKind == JsonValueKind.Array
                    ? string.Join(",", header.Value.EnumerateArray().Select(v => v.GetString()))
                    : header.Value.GetString() ?? string.Empty;
            }

            return result;
        }

        private static string FindReferenceRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "KustoConnect.sln")))
                {
                    var data = Path.Combine(directory.FullName, "tests", "data");
                    if (Directory.Exists(data))
                    {
                        return data;
                    }

                    throw new DirectoryNotFoundException("The test data folder " + data + " does not exist.");
                }
            }

            throw new DirectoryNotFoundException("No folder containing KustoConnect.sln above " + AppContext.BaseDirectory + ".");
        }
    }
}
