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

    /// <summary>
    /// Reports every HTTP attempt (retries included) to the current call's observer as a debug line: method, URL with the
    /// values of sensitive query parameters redacted, status, duration in ms, and the request ids. It sits in the ARM
    /// pipeline and in the credential's pipeline (token requests). The only header values it ever shows are the three ids;
    /// bodies never.
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
                context?.Debug(Describe(message, stopwatch.Elapsed, failure));
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
                context?.Debug(Describe(message, stopwatch.Elapsed, failure));
            }
        }

        /// <summary>e.g. "HTTP PUT https://host/path?api-version=2024-04-13 -> 201 in 35 ms; x-ms-request-id: ...".</summary>
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

            return line.ToString();
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

    /// <summary>
    /// The same debug line as <see cref="HttpDebugPolicy"/>, from the transport: for the credentials that build their own
    /// pipeline from the options' transport but drop the options' added policies (the managed identity's).
    /// </summary>
    internal sealed class HttpDebugTransport : HttpPipelineTransport
    {
        private readonly HttpPipelineTransport _inner;

        internal HttpDebugTransport(HttpPipelineTransport inner) => _inner = inner;

        public override Request CreateRequest() => _inner.CreateRequest();

        public override void Process(HttpMessage message)
        {
            var context = OperationContext.Current;
            var stopwatch = Stopwatch.StartNew();
            Exception? failure = null;
            try
            {
                _inner.Process(message);
            }
            catch (Exception e)
            {
                failure = e;
                throw;
            }
            finally
            {
                context?.Debug(HttpDebugPolicy.Describe(message, stopwatch.Elapsed, failure));
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message)
        {
            var context = OperationContext.Current;
            var stopwatch = Stopwatch.StartNew();
            Exception? failure = null;
            try
            {
                await _inner.ProcessAsync(message).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure = e;
                throw;
            }
            finally
            {
                context?.Debug(HttpDebugPolicy.Describe(message, stopwatch.Elapsed, failure));
            }
        }
    }

    /// <summary>
    /// Azure.Core's LRO poller asks this strategy for the delay before each poll: it reports the poll to the observer
    /// and returns the configured interval. Azure.Core itself takes the larger of that and any Retry-After.
    /// </summary>
    internal sealed class ObservingDelayStrategy : DelayStrategy
    {
        private readonly OperationContext _context;
        private readonly TimeSpan _interval;

        internal ObservingDelayStrategy(OperationContext context, TimeSpan interval)
            : base(maxDelay: null, jitterFactor: 0)
        {
            _context = context;
            _interval = interval;
        }

        protected override TimeSpan GetNextDelayCore(Response? response, int retryNumber)
        {
            _context.ReportProgress(response, completed: false);
            return _interval;
        }
    }

    /// <summary>Gives the engine the ArmClient's own pipeline for requests GenericResource does not cover (list).</summary>
    internal sealed class ArmGateway : Azure.ResourceManager.ArmResource
    {
        internal ArmGateway(Azure.ResourceManager.ArmClient client)
            : base(client, ResourceIdentifier.Root)
        {
        }

        internal HttpPipeline HttpPipeline => Pipeline;

        internal Uri ArmEndpoint => Endpoint;
    }
}
