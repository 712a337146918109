using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// Reports every HTTP attempt (retries included) to the current call's observer as one debug record: method, URL with
    /// the values of sensitive query parameters redacted, status, duration in ms and the request ids on its first line,
    /// then the request's and the response's headers and bodies with every credential (Authorization, cookies, keys,
    /// secrets, tokens, assertions, passwords) redacted. It sits in the ARM pipeline and in the credential's pipeline
    /// (token requests).
    /// </summary>
    internal sealed class HttpDebugPolicy : HttpPipelinePolicy
    {
        internal const string Redacted = "REDACTED";

        private static readonly string[] IdHeaders = { "x-ms-request-id", "x-ms-correlation-request-id", "x-ms-client-request-id" };

        private static readonly HashSet<string> SensitiveNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "sig", "code", "client_secret", "client_assertion", "access_token", "refresh_token", "id_token", "token", "password",
            "assertion", "secret", "key",
        };

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var context = OperationContext.Current;
            var stopwatch = Stopwatch.StartNew();
            Exception? failure = null;
            try
            {
                ProcessNext(message, pipeline);
            }
            catch (Exception e)
            {
                failure = e;
                throw;
            }
            finally
            {
                context?.Debug(() => Describe(message, stopwatch.Elapsed, failure));
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var context = OperationContext.Current;
            var stopwatch = Stopwatch.StartNew();
            Exception? failure = null;
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure = e;
                throw;
            }
            finally
            {
                context?.Debug(() => Describe(message, stopwatch.Elapsed, failure));
            }
        }

        /// <summary>
        /// The first line, e.g. "HTTP PUT https://host/path?api-version=2024-04-13 -> 201 in 35 ms; x-ms-request-id: ...", then
        /// (as Az's -Debug shows them) the request's and the response's headers and bodies, with Authorization, cookies,
        /// keys, secrets, tokens, assertions and passwords replaced by REDACTED.
        /// </summary>
        internal static string Describe(HttpMessage message, TimeSpan elapsed, Exception? failure)
        {
            var line = new StringBuilder("HTTP ")
                .Append(message.Request.Method.ToString())
                .Append(' ')
                .Append(RedactUri(message.Request.Uri.ToUri()))
                .Append(" -> ");
            if (message.HasResponse)
            {
                line.Append(message.Response.Status.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                line.Append(failure == null ? "no response" : "failed (" + failure.GetType().Name + ")");
            }

            line.Append(" in ").Append(((long)elapsed.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append(" ms");
            foreach (var name in IdHeaders)
            {
                string? value = null;
                if (message.HasResponse && message.Response.Headers.TryGetValue(name, out var fromResponse))
                {
                    value = fromResponse;
                }
                else if (message.Request.Headers.TryGetValue(name, out var fromRequest))
                {
                    value = fromRequest;
                }

                if (!string.IsNullOrEmpty(value))
                {
                    line.Append("; ").Append(name).Append(": ").Append(value);
                }
            }

            line.Append('\n').Append("Request headers:");
            foreach (var header in message.Request.Headers)
            {
                line.Append('\n').Append("  ").Append(header.Name).Append(": ").Append(RedactHeader(header.Name, header.Value));
            }

            AppendBody(line, "Request body:", RequestBody(message.Request), message.Request.Headers.TryGetValue("Content-Type", out var requestType) ? requestType : null);
            if (message.HasResponse)
            {
                line.Append('\n').Append("Response headers:");
                foreach (var header in message.Response.Headers)
                {
                    line.Append('\n').Append("  ").Append(header.Name).Append(": ").Append(RedactHeader(header.Name, header.Value));
                }

                AppendBody(line, "Response body:", ResponseBody(message.Response), message.Response.Headers.ContentType);
            }

            return line.ToString();
        }

        private const int MaxBodyChars = 16384;

        private static readonly string[] SensitiveHeaderParts = { "authorization", "cookie", "key", "secret", "token", "signature", "assertion", "password", "credential" };

        /// <summary>The value of a header that may carry a credential is never shown.</summary>
        internal static string RedactHeader(string name, string value)
        {
            foreach (var part in SensitiveHeaderParts)
            {
                if (name.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return Redacted;
                }
            }

            return value;
        }

        /// <summary>
        /// A body as shown: JSON with the values of sensitive members replaced (recursively), a form with the values of
        /// sensitive fields replaced, anything else by its length only.
        /// </summary>
        internal static string? RedactBody(string? body, string? contentType)
        {
            if (string.IsNullOrEmpty(body))
            {
                return null;
            }

            var text = body!.Trim();
            if (text.StartsWith("{", StringComparison.Ordinal) || text.StartsWith("[", StringComparison.Ordinal))
            {
                try
                {
                    var node = System.Text.Json.Nodes.JsonNode.Parse(text);
                    RedactJson(node);
                    var shown = node?.ToJsonString() ?? "null";
                    return shown.Length > MaxBodyChars ? shown.Substring(0, MaxBodyChars) + "... (" + shown.Length.ToString(CultureInfo.InvariantCulture) + " characters)" : shown;
                }
                catch (System.Text.Json.JsonException)
                {
                    return "(" + text.Length.ToString(CultureInfo.InvariantCulture) + " characters, not JSON: not shown)";
                }
            }

            if ((contentType ?? string.Empty).IndexOf("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) >= 0 || (text.IndexOf('=') > 0 && text.IndexOf(' ') < 0))
            {
                var shown = new StringBuilder();
                foreach (var pair in text.Split('&'))
                {
                    if (shown.Length > 0)
                    {
                        shown.Append('&');
                    }

                    var equals = pair.IndexOf('=');
                    var name = equals < 0 ? pair : pair.Substring(0, equals);
                    shown.Append(equals >= 0 && IsSensitive(Uri.UnescapeDataString(name)) ? name + "=" + Redacted : pair);
                }

                return shown.ToString();
            }

            return "(" + text.Length.ToString(CultureInfo.InvariantCulture) + " characters: not shown)";
        }

        private static void RedactJson(System.Text.Json.Nodes.JsonNode? node)
        {
            switch (node)
            {
                case System.Text.Json.Nodes.JsonObject obj:
                    foreach (var name in new List<string>(EnumerateNames(obj)))
                    {
                        if (IsSensitive(name) || name.IndexOf("key", StringComparison.OrdinalIgnoreCase) >= 0 && !string.Equals(name, "keyName", StringComparison.OrdinalIgnoreCase)
                            || name.IndexOf("connectionString", StringComparison.OrdinalIgnoreCase) >= 0)
                        {
                            obj[name] = Redacted;
                        }
                        else
                        {
                            RedactJson(obj[name]);
                        }
                    }

                    break;
                case System.Text.Json.Nodes.JsonArray array:
                    foreach (var item in array)
                    {
                        RedactJson(item);
                    }

                    break;
            }
        }

        private static IEnumerable<string> EnumerateNames(System.Text.Json.Nodes.JsonObject obj)
        {
            foreach (var pair in obj)
            {
                yield return pair.Key;
            }
        }

        private static void AppendBody(StringBuilder line, string title, string? body, string? contentType)
        {
            var shown = RedactBody(body, contentType);
            if (shown != null)
            {
                line.Append('\n').Append(title).Append('\n').Append("  ").Append(shown);
            }
        }

        private static string? RequestBody(Request request)
        {
            var content = request.Content;
            if (content == null || !content.TryComputeLength(out var length) || length <= 0 || length > 1024 * 1024)
            {
                return null;
            }

            try
            {
                using var stream = new System.IO.MemoryStream();
                content.WriteTo(stream, System.Threading.CancellationToken.None);
                return Encoding.UTF8.GetString(stream.ToArray());
            }
            catch (Exception e) when (e is InvalidOperationException || e is NotSupportedException || e is System.IO.IOException || e is ObjectDisposedException)
            {
                return null;
            }
        }

        private static string? ResponseBody(Response response)
        {
            try
            {
                var stream = response.ContentStream;
                if (stream == null || !(stream is System.IO.MemoryStream) && !stream.CanSeek)
                {
                    return null;
                }

                return response.Content.ToString();
            }
            catch (Exception e) when (e is InvalidOperationException || e is NotSupportedException || e is ObjectDisposedException)
            {
                return null;
            }
        }

        /// <summary>The URL with the value of every sensitive query parameter (sig, code, client_secret, token, ...) replaced.</summary>
        internal static string RedactUri(Uri uri)
        {
            var query = uri.Query.TrimStart('?');
            var shown = new StringBuilder(uri.GetLeftPart(UriPartial.Path));
            var first = true;
            foreach (var pair in query.Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                shown.Append(first ? '?' : '&');
                first = false;
                var equals = pair.IndexOf('=');
                var name = equals < 0 ? pair : pair.Substring(0, equals);
                if (equals >= 0 && IsSensitive(Uri.UnescapeDataString(name)))
                {
                    shown.Append(name).Append('=').Append(Redacted);
                }
                else
                {
                    shown.Append(pair);
                }
            }

            return shown.ToString();
        }

        private static bool IsSensitive(string name) =>
            SensitiveNames.Contains(name)
            || name.IndexOf("secret", StringComparison.OrdinalIgnoreCase) >= 0
            || name.IndexOf("password", StringComparison.OrdinalIgnoreCase) >= 0
            || name.IndexOf("token", StringComparison.OrdinalIgnoreCase) >= 0
            || name.IndexOf("assertion", StringComparison.OrdinalIgnoreCase) >= 0;
    }
}
