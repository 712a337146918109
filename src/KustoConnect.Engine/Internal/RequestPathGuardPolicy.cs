using System;
using System.Linq;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// Defence in depth, in the ARM pipeline before anything is sent: the path of every outgoing request must be made of
    /// safe segments (no empty segment, no dot segment raw or percent-encoded, no encoded '/', '\', '?', '#' or control
    /// character), must not change when it becomes a <see cref="Uri"/> (System.Uri collapses dot segments), and, while an
    /// engine call has a <see cref="RequestTarget"/>, must be exactly that target or a GET of an operation status. Otherwise
    /// the request is not sent: <see cref="KustoUnsafeRequestException"/> (UnsafeRequestPath).
    /// </summary>
    internal sealed class RequestPathGuardPolicy : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Check(message.Request);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Check(message.Request);
            return ProcessNextAsync(message, pipeline);
        }

        /// <summary>Throws <see cref="KustoUnsafeRequestException"/> when the request must not be sent.</summary>
        internal static void Check(Request request)
        {
            var rawPath = request.Uri.Path;
            var problem = CheckPath(rawPath, out var decodedPath);
            if (problem == null)
            {
                string sentPath;
                try
                {
                    sentPath = Uri.UnescapeDataString(request.Uri.ToUri().AbsolutePath);
                }
                catch (UriFormatException)
                {
                    sentPath = string.Empty;
                }

                if (!string.Equals(sentPath, decodedPath, StringComparison.Ordinal))
                {
                    problem = "the URL's path would change when sent ('" + KustoRules.Clip(decodedPath) + "' became '" + KustoRules.Clip(sentPath) + "')";
                }
            }

            var target = RequestTarget.Current;
            if (problem == null && target != null && !target.Allows(decodedPath)
                && !(request.Method == RequestMethod.Get && IsOperationStatus(decodedPath)))
            {
                problem = "it is not the resource this call is for ('" + KustoRules.Clip(target.Path) + "')";
            }

            if (problem != null)
            {
                throw new KustoUnsafeRequestException(
                    "Refused to send " + request.Method.ToString() + " " + KustoRules.Clip(decodedPath.Length == 0 ? rawPath : decodedPath) + ": " + problem
                    + ". Nothing was sent.",
                    request.Method.ToString(),
                    decodedPath);
            }
        }

        /// <summary>Null when every segment of the raw path is safe; <paramref name="decodedPath"/> is the path with each segment decoded.</summary>
        internal static string? CheckPath(string rawPath, out string decodedPath)
        {
            decodedPath = string.Empty;
            if (string.IsNullOrEmpty(rawPath) || rawPath[0] != '/')
            {
                return "the path does not start with '/'";
            }

            var segments = rawPath.Substring(1).Split('/');
            var decoded = new string[segments.Length];
            for (var i = 0; i < segments.Length; i++)
            {
                var segment = segments[i];
                if (segment.Length == 0)
                {
                    return "it has an empty segment";
                }

                if (!IsCorrectlyEscaped(segment))
                {
                    return "a segment is not correctly escaped";
                }

                var value = Uri.UnescapeDataString(segment);
                if (NameRules.IsDotSegment(segment) || NameRules.IsDotSegment(value))
                {
                    return "it has a dot segment";
                }

                if (value.Trim().Length == 0)
                {
                    return "it has a segment of only white space";
                }

                if (value.IndexOfAny(new[] { '/', '\\', '?', '#' }) >= 0 || value.Any(IsControlOrFormat))
                {
                    return "a segment holds '/', '\\', '?', '#' or a control character";
                }

                decoded[i] = value;
            }

            decodedPath = "/" + string.Join("/", decoded);
            return null;
        }

        /// <summary>Every '%' starts a two-hex-digit escape.</summary>
        private static bool IsCorrectlyEscaped(string segment)
        {
            for (var i = 0; i < segment.Length; i++)
            {
                if (segment[i] == '%' && (i + 2 >= segment.Length || !Uri.IsHexDigit(segment[i + 1]) || !Uri.IsHexDigit(segment[i + 2])))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsControlOrFormat(char c)
        {
            var category = System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c);
            return category == System.Globalization.UnicodeCategory.Control || category == System.Globalization.UnicodeCategory.Format
                || category == System.Globalization.UnicodeCategory.LineSeparator || category == System.Globalization.UnicodeCategory.ParagraphSeparator;
        }

        /// <summary>
        /// ARM operation-status paths: .../providers/{namespace}/locations/{location}/operationResults|operationStatuses/{id},
        /// or an operationResults|operationStatuses child of a resource. Only ever read (GET).
        /// </summary>
        private static bool IsOperationStatus(string decodedPath)
        {
            var segments = decodedPath.Split('/');
            return segments.Length >= 3
                && segments[1].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
                && (segments[segments.Length - 2].Equals("operationResults", StringComparison.OrdinalIgnoreCase)
                    || segments[segments.Length - 2].Equals("operationStatuses", StringComparison.OrdinalIgnoreCase));
        }
    }
}
