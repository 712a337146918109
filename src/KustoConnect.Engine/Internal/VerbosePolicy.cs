using System;
using System.Globalization;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// Reports every HTTP attempt (retries included) to the current call's observer: method, URL, status and correlation
    /// id. Never headers or bodies, so neither the Authorization header nor secrets can leak through it.
    /// </summary>
    internal sealed class VerbosePolicy : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                ProcessNext(message, pipeline);
            }
            finally
            {
                Report(message);
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            finally
            {
                Report(message);
            }
        }

        internal static string DisplayUri(Uri uri)
        {
            // Poll URLs carry long signed query strings: keep the api-version only.
            var query = uri.Query.TrimStart('?');
            var shown = uri.GetLeftPart(UriPartial.Path);
            string? apiVersion = null;
            var others = false;
            foreach (var pair in query.Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (pair.StartsWith("api-version=", StringComparison.OrdinalIgnoreCase))
                {
                    apiVersion = pair;
                }
                else
                {
                    others = true;
                }
            }

            if (apiVersion != null)
            {
                shown += "?" + apiVersion + (others ? "&..." : string.Empty);
            }
            else if (others)
            {
                shown += "?...";
            }

            return shown;
        }

        private static void Report(HttpMessage message)
        {
            var context = OperationContext.Current;
            if (context?.Observer == null)
            {
                return;
            }

            var line = message.Request.Method.ToString() + " " + DisplayUri(message.Request.Uri.ToUri());
            if (message.HasResponse)
            {
                var response = message.Response;
                line += " -> " + response.Status.ToString(CultureInfo.InvariantCulture);
                if (response.Headers.TryGetValue("x-ms-correlation-request-id", out var correlation))
                {
                    line += " (correlation id " + correlation + ")";
                }
            }
            else
            {
                line += " -> no response";
            }

            context.Verbose(line);
        }
    }
}
