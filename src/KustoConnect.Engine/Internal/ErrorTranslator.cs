using System;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Identity;

namespace KustoConnect.Engine.Internal
{
    /// <summary>Turns Azure SDK exceptions into the engine's own exceptions (the cmdlets never see Azure SDK types).</summary>
    internal static class ErrorTranslator
    {
        private static readonly Regex AadCodePattern = new Regex(@"AADSTS\d+", RegexOptions.CultureInvariant);

        internal static string? Header(Response response, string name) =>
            response.Headers.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

        /// <summary>A KustoArmException from an ARM error response: {"error":{"code","message"}} (or a bare {"code","message"}).</summary>
        internal static KustoArmException FromResponse(Response response, Exception? inner = null)
        {
            var (code, message) = ReadError(response);
            return new KustoArmException(
                message ?? (response.ReasonPhrase is { Length: > 0 } reason ? reason : "Azure Resource Manager returned HTTP " + response.Status + "."),
                response.Status,
                code,
                Header(response, "x-ms-correlation-request-id"),
                Header(response, "x-ms-request-id"),
                inner);
        }

        internal static (string? Code, string? Message) ReadError(Response response)
        {
            try
            {
                var content = response.Content;
                if (content == null || content.ToMemory().IsEmpty)
                {
                    return (null, null);
                }

                using var document = JsonDocument.Parse(content.ToMemory());
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return (null, null);
                }

                var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : root;
                return (DataConnectionJson.GetString(error, "code"), DataConnectionJson.GetString(error, "message"));
            }
            catch (JsonException)
            {
                return (null, null);
            }
        }

        /// <summary>Maps anything thrown by the Azure SDK; returns the exception itself when it is not the SDK's.</summary>
        internal static Exception Translate(Exception exception, Uri armEndpoint, string? secret)
        {
            switch (exception)
            {
                case KustoException _:
                case OperationCanceledException _:
                    return exception;
                case RequestFailedException failed when failed.GetRawResponse() is Response response:
                    return FromResponse(response, failed);
                case RequestFailedException failed:
                    return new KustoArmException(
                        "Could not reach Azure Resource Manager at " + armEndpoint.GetLeftPart(UriPartial.Authority) + ": "
                        + Scrub(InnermostMessage(failed), secret),
                        0,
                        null,
                        null,
                        null,
                        failed);
                case AuthenticationFailedException _: // CredentialUnavailableException included
                    return Authentication(exception, null, secret);
                default:
                    return exception;
            }
        }

        internal static KustoAuthenticationException Authentication(Exception exception, string? who, string? secret)
        {
            // Azure.Identity wraps MSAL: the AADSTS code and text are in an inner exception's message.
            var text = string.Empty;
            var match = Match.Empty;
            for (var current = exception; current != null && !match.Success; current = current.InnerException)
            {
                text = Scrub(current.Message, secret);
                match = AadCodePattern.Match(text);
            }

            string detail;
            if (match.Success)
            {
                // "AADSTS7000215: Invalid client secret provided. ... Trace ID: ..." -> keep the first sentence-ish line.
                detail = text.Substring(match.Index);
                var cut = detail.IndexOfAny(new[] { '\r', '\n' });
                if (cut > 0)
                {
                    detail = detail.Substring(0, cut);
                }

                var trace = detail.IndexOf(" Trace ID:", StringComparison.Ordinal);
                if (trace > 0)
                {
                    detail = detail.Substring(0, trace);
                }
            }
            else
            {
                detail = Scrub(InnermostMessage(exception), secret);
            }

            var message = "Sign-in failed" + (who == null ? string.Empty : " for " + who) + ": " + detail.Trim();
            return new KustoAuthenticationException("AuthenticationFailed", message, match.Success ? match.Value : null, exception);
        }

        internal static string Scrub(string text, string? secret) =>
            string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(text) ? text : text.Replace(secret, "***");

        private static string InnermostMessage(Exception exception)
        {
            var current = exception;
            while (current.InnerException != null)
            {
                current = current.InnerException;
            }

            return current.Message;
        }
    }
}
