using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// The one way the engine sends a request of its own to ARM and reads a list: every read, list, POST and PATCH of
    /// the data-connection, cluster, database, resource-group, subscription and IoT hub operations goes through here, on
    /// the ArmClient's own pipeline (the request-path guard, the credential, retries, the verbose and debug policies).
    /// Writes that ARM runs as long-running operations go through Azure.ResourceManager's generic resource, and every
    /// wait through <see cref="ArmOperationPoller"/> on the same pipeline.
    /// </summary>
    internal sealed class ArmRequests
    {
        /// <summary>A list longer than this many pages is treated as one that never ends.</summary>
        internal const int MaxPages = 1000;

        internal ArmRequests(ArmGateway gateway)
        {
            Pipeline = gateway.HttpPipeline;
            ArmEndpoint = gateway.ArmEndpoint;
        }

        /// <summary>The ArmClient's pipeline, which every request and poll of the session goes through.</summary>
        internal HttpPipeline Pipeline { get; }

        /// <summary>The ARM endpoint of the session: the only host a request (or a nextLink) may go to.</summary>
        internal Uri ArmEndpoint { get; }

        /// <summary>
        /// The URL of <paramref name="path"/> (a canonical resource id, or a collection under one) on the ARM endpoint,
        /// each segment escaped, with the api-version.
        /// </summary>
        internal Uri Url(string path, string apiVersion)
        {
            var builder = new RequestUriBuilder();
            builder.Reset(ArmEndpoint);
            foreach (var segment in path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries))
            {
                builder.AppendPath("/", escape: false);
                builder.AppendPath(segment, escape: true);
            }

            builder.AppendQuery("api-version", apiVersion, escapeValue: true);
            return builder.ToUri();
        }

        /// <summary>
        /// Sends one request (a JSON body when given) and returns the message with its response; an error status is thrown
        /// as the <see cref="KustoArmException"/> ARM's error body describes, and the message is then disposed.
        /// </summary>
        internal async Task<HttpMessage> SendAsync(RequestMethod method, Uri uri, BinaryData? body, CancellationToken cancellationToken)
        {
            var message = Pipeline.CreateMessage();
            try
            {
                message.Request.Method = method;
                message.Request.Uri.Reset(uri);
                message.Request.Headers.Add("Accept", "application/json");
                if (body != null)
                {
                    message.Request.Headers.Add("Content-Type", "application/json");
                    message.Request.Content = RequestContent.Create(body);
                }

                await Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
                if (message.Response.Status >= 400)
                {
                    throw ErrorTranslator.FromResponse(message.Response);
                }

                return message;
            }
            catch
            {
                message.Dispose();
                throw;
            }
        }

        /// <summary>A GET; returns the response body.</summary>
        internal async Task<BinaryData> GetAsync(Uri uri, CancellationToken cancellationToken)
        {
            using var message = await SendAsync(RequestMethod.Get, uri, null, cancellationToken).ConfigureAwait(false);
            return BinaryData.FromBytes(message.Response.Content.ToArray());
        }

        /// <summary>
        /// Reads a list: sends the first request with <paramref name="firstMethod"/> (a GET, or the POST of a list action),
        /// hands each page's body to <paramref name="readPage"/>, which returns the page's nextLink, and GETs each nextLink
        /// (only on the ARM endpoint, each at most once, at most <see cref="MaxPages"/> pages).
        /// </summary>
        /// <param name="firstMethod">The first request's method.</param>
        /// <param name="first">The first request's URL.</param>
        /// <param name="what">What is listed, for the error of a list that does not end ("data connections").</param>
        /// <param name="readPage">Reads one page and returns its nextLink (null on the last page).</param>
        /// <param name="cancellationToken">Cancels the list.</param>
        internal async Task ReadPagesAsync(RequestMethod firstMethod, Uri first, string what, Func<BinaryData, string?> readPage, CancellationToken cancellationToken)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var method = firstMethod;
            Uri? next = first;
            for (var page = 0; next != null; page++)
            {
                if (page >= MaxPages || !seen.Add(next.AbsoluteUri))
                {
                    throw new KustoArmException("The list of " + what + " does not end (its nextLink repeats).", 0, "NextLinkLoop", null, null);
                }

                BinaryData body;
                using (var message = await SendAsync(method, next, null, cancellationToken).ConfigureAwait(false))
                {
                    body = BinaryData.FromBytes(message.Response.Content.ToArray());
                }

                var nextLink = readPage(body);
                next = nextLink == null ? null : CheckNextLink(nextLink);
                method = RequestMethod.Get;
            }
        }

        /// <summary>
        /// Reads a list of ARM's usual shape ({"value": [...], "nextLink": ...}) as <see cref="ReadPagesAsync"/> does,
        /// handing each item to <paramref name="read"/>.
        /// </summary>
        internal Task ReadItemsAsync(RequestMethod firstMethod, Uri first, string what, Action<JsonElement> read, CancellationToken cancellationToken) =>
            ReadPagesAsync(
                firstMethod,
                first,
                what,
                body =>
                {
                    using var document = JsonDocument.Parse(body.ToMemory());
                    var items = KustoResourceJson.Items(document, out var nextLink);
                    foreach (var item in items)
                    {
                        read(item);
                    }

                    return nextLink;
                },
                cancellationToken);

        /// <summary>The bearer token follows a nextLink only to the ARM endpoint this session talks to.</summary>
        internal Uri CheckNextLink(string nextLink)
        {
            if (!Uri.TryCreate(nextLink, UriKind.Absolute, out var uri)
                || !Servers.Same(uri, ArmEndpoint))
            {
                throw new KustoArmException("ARM returned a nextLink that does not point at " + ArmEndpoint.GetLeftPart(UriPartial.Authority) + ".", 0, "InvalidNextLink", null, null);
            }

            return uri;
        }
    }
}
