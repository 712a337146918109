using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Engine.Tests.Support
{
    /// <summary>A request the engine sent, as the transport saw it.</summary>
    internal sealed record SentRequest(string Method, Uri Uri, string? Body, IReadOnlyDictionary<string, string> Headers);

    /// <summary>
    /// The mock transport: an HttpMessageHandler behind Azure.Core's HttpClientTransport. Each route (method + path, compared
    /// case-insensitively and unescaped) answers with its queued responses in order; anything unexpected gets a 599 and is
    /// reported by <see cref="Unexpected"/>. Nothing leaves the process.
    /// </summary>
    internal sealed class ScriptedHandler : HttpMessageHandler
    {
        private readonly List<Route> _routes = new List<Route>();
        private readonly ConcurrentQueue<SentRequest> _sent = new ConcurrentQueue<SentRequest>();
        private readonly ConcurrentQueue<string> _unexpected = new ConcurrentQueue<string>();

        internal IReadOnlyList<SentRequest> Sent => _sent.ToArray();

        internal IReadOnlyList<string> Unexpected => _unexpected.ToArray();

        /// <summary>Queues a response for METHOD + the path of <paramref name="uri"/> (query ignored).</summary>
        internal ScriptedHandler On(string method, string uri, Func<HttpResponseMessage> response)
        {
            var path = Uri.UnescapeDataString(new Uri(uri.Replace(" ", "%20", StringComparison.Ordinal)).AbsolutePath);
            var route = _routes.FirstOrDefault(r => r.Method == method && string.Equals(r.Path, path, StringComparison.OrdinalIgnoreCase));
            if (route == null)
            {
                route = new Route(method, path);
                _routes.Add(route);
            }

            route.Responses.Enqueue(response);
            return this;
        }

        internal ScriptedHandler On(string method, string uri, int status, string? body = null, params (string Name, string Value)[] headers) =>
            On(method, uri, () => Respond(status, body, headers));

        internal ScriptedHandler On(RecordedExchange exchange, params string[] keepHeaders) =>
            On(exchange.Method, exchange.Uri, () => Respond(
                exchange.Status,
                exchange.Body,
                exchange.Headers.Where(h => keepHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase)).Select(h => (h.Key, h.Value)).ToArray()));

        internal int Remaining => _routes.Sum(r => r.Responses.Count);

        internal static HttpResponseMessage Respond(int status, string? body, params (string Name, string Value)[] headers)
        {
            var response = new HttpResponseMessage((HttpStatusCode)status);
            if (body != null)
            {
                response.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return response;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content == null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            _sent.Enqueue(new SentRequest(request.Method.Method, request.RequestUri!, body, headers));

            var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
            var route = _routes.FirstOrDefault(r => r.Method == request.Method.Method && string.Equals(r.Path, path, StringComparison.OrdinalIgnoreCase));

            if (route != null && route.Responses.TryDequeue(out var next))
            {
                return next();
            }

            _unexpected.Enqueue(request.Method.Method + " " + request.RequestUri);
            return Respond(599, "{\"error\":{\"code\":\"UnexpectedRequest\",\"message\":\"The test did not expect this request.\"}}");
        }

        private sealed class Route
        {
            internal Route(string method, string path)
            {
                Method = method;
                Path = path;
            }

            internal string Method { get; }

            internal string Path { get; }

            internal ConcurrentQueue<Func<HttpResponseMessage>> Responses { get; } = new ConcurrentQueue<Func<HttpResponseMessage>>();
        }
    }

    /// <summary>Collects what the engine reports.</summary>
    internal sealed class RecordingObserver : IOperationObserver
    {
        private readonly ConcurrentQueue<OperationProgress> _progress = new ConcurrentQueue<OperationProgress>();
        private readonly ConcurrentQueue<string> _verbose = new ConcurrentQueue<string>();
        private readonly ConcurrentQueue<string> _userMessages = new ConcurrentQueue<string>();
        private readonly ConcurrentQueue<string> _debug = new ConcurrentQueue<string>();
        private readonly ConcurrentQueue<string> _warnings = new ConcurrentQueue<string>();

        internal Action<OperationProgress>? OnEachProgress { get; set; }

        internal IReadOnlyList<OperationProgress> Progress => _progress.ToArray();

        internal IReadOnlyList<string> Verbose => _verbose.ToArray();

        internal IReadOnlyList<string> Warnings => _warnings.ToArray();

        public void OnProgress(OperationProgress progress)
        {
            _progress.Enqueue(progress);
            OnEachProgress?.Invoke(progress);
        }

        public void OnVerbose(string message) => _verbose.Enqueue(message);

        public void OnDebug(string message) => _debug.Enqueue(message);

        public void OnWarning(string message) => _warnings.Enqueue(message);

        internal IReadOnlyList<string> Debug => _debug.ToArray();

        public void OnUserMessage(string message) => _userMessages.Enqueue(message);

        internal IReadOnlyList<string> UserMessages => _userMessages.ToArray();
    }
}
