using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using KustoConnect.Engine.Internal;

namespace KustoConnect.Engine
{
    /// <summary>The service-side checks: checkNameAvailability and the dataConnectionValidation long-running POST.</summary>
    internal sealed partial class DataConnectionOperations
    {
        private const int MaxPolls = 10000;

        public async Task<NameAvailability> CheckNameAvailabilityAsync(DataConnectionRef target, CancellationToken cancellationToken)
        {
            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            try
            {
                var body = Serialize(writer =>
                {
                    writer.WriteString("name", target.Name);
                    writer.WriteString("type", "Microsoft.Kusto/clusters/databases/dataConnections");
                });
                using var message = await PostAsync(Url(target.Database.ResourceId + "/checkNameAvailability"), body, cancellationToken).ConfigureAwait(false);
                using var document = JsonDocument.Parse(message.Response.Content.ToMemory());
                var root = document.RootElement;
                var available = root.ValueKind == JsonValueKind.Object
                    && root.TryGetProperty("nameAvailable", out var flag)
                    && flag.ValueKind == JsonValueKind.True;
                return new NameAvailability(
                    DataConnectionJson.GetString(root, "name") ?? target.Name,
                    available,
                    DataConnectionJson.GetString(root, "reason"),
                    DataConnectionJson.GetString(root, "message"));
            }
            catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
            {
                throw ErrorTranslator.Translate(ex, _armEndpoint, _secret);
            }
        }

        public async Task<IReadOnlyList<string>> ValidateAsync(DataConnectionRef target, DataConnection connection, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            if (connection == null)
            {
                throw new ArgumentNullException(nameof(connection));
            }

            CheckBeforeSending(connection);
            var context = new OperationContext(observer, "Validating data connection '" + target.Name + "'");
            using (context.Enter())
            {
                try
                {
                    var properties = DataConnectionJson.WriteProperties(connection);
                    var body = Serialize(writer =>
                    {
                        writer.WriteString("dataConnectionName", target.Name);
                        writer.WritePropertyName("properties");
                        writer.WriteStartObject();
                        writer.WriteString("kind", connection.Kind);
                        writer.WriteString("location", connection.Location);
                        writer.WritePropertyName("properties");
                        using (var document = JsonDocument.Parse(properties.ToMemory()))
                        {
                            document.RootElement.WriteTo(writer);
                        }

                        writer.WriteEndObject();
                    });
                    using var initial = await PostAsync(Url(target.Database.ResourceId + "/dataConnectionValidation"), body, cancellationToken).ConfigureAwait(false);
                    var result = await CompleteAsync(initial.Response, context, cancellationToken).ConfigureAwait(false);
                    context.ReportProgress(null, completed: true);
                    return ReadValidationResult(result);
                }
                catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
                {
                    throw ErrorTranslator.Translate(ex, _armEndpoint, _secret);
                }
            }
        }

        /// <summary>
        /// Follows the POST's long-running operation to its result. Azure.Core 1.53 has no public poller that starts from
        /// an arbitrary POST response (its NextLinkOperationImplementation is internal; Operation.Rehydrate needs a token
        /// only Azure.Core itself creates), so this polls through the same ArmClient pipeline (auth, retries, verbose
        /// policy): the Azure-AsyncOperation URL until it is terminal, then the Location URL for the result (ARM's
        /// final-state-via for POST). Each wait is the larger of the configured interval and the service's Retry-After.
        /// </summary>
        private async Task<BinaryData> CompleteAsync(Response initial, OperationContext context, CancellationToken cancellationToken)
        {
            if (initial.Status == 200)
            {
                return BinaryData.FromBytes(initial.Content.ToArray());
            }

            var statusUrl = ErrorTranslator.Header(initial, "Azure-AsyncOperation");
            var location = ErrorTranslator.Header(initial, "Location");
            context.OperationUrl = statusUrl ?? location;
            if (statusUrl == null && location == null)
            {
                return BinaryData.FromString("[]");
            }

            var delayFrom = initial;
            if (statusUrl != null)
            {
                for (var poll = 0; ; poll++)
                {
                    if (poll >= MaxPolls)
                    {
                        throw new KustoOperationFailedException(context.Activity + " did not finish.", "OperationTimedOut", context.OperationUrl, null);
                    }

                    await Task.Delay(NextDelay(delayFrom), cancellationToken).ConfigureAwait(false);
                    using var message = await SendAsync(RequestMethod.Get, PollUri(statusUrl), null, cancellationToken).ConfigureAwait(false);
                    var response = message.Response;
                    var (status, _) = OperationContext.ReadStatus(response);
                    if (IsTerminalFailure(response))
                    {
                        throw OperationFailed(response, context);
                    }

                    if (string.Equals(status, "Succeeded", StringComparison.OrdinalIgnoreCase))
                    {
                        break;
                    }

                    context.ReportProgress(response, completed: false);
                    delayFrom = response;
                }

                if (location == null)
                {
                    return BinaryData.FromString("[]");
                }
            }

            for (var poll = 0; ; poll++)
            {
                if (poll >= MaxPolls)
                {
                    throw new KustoOperationFailedException(context.Activity + " did not finish.", "OperationTimedOut", context.OperationUrl, null);
                }

                if (statusUrl == null)
                {
                    await Task.Delay(NextDelay(delayFrom), cancellationToken).ConfigureAwait(false);
                }

                using var message = await SendAsync(RequestMethod.Get, PollUri(location!), null, cancellationToken).ConfigureAwait(false);
                var response = message.Response;
                if (response.Status != 202)
                {
                    return BinaryData.FromBytes(response.Content.ToArray());
                }

                context.ReportProgress(response, completed: false);
                delayFrom = response;
                statusUrl = null;
            }
        }

        /// <summary>The configured interval, or the service's Retry-After (seconds or HTTP date) when that is longer.</summary>
        private TimeSpan NextDelay(Response response)
        {
            var delay = _pollInterval;
            if (response.Headers.TryGetValue("Retry-After", out var value) && !string.IsNullOrWhiteSpace(value))
            {
                if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
                {
                    delay = Max(delay, TimeSpan.FromSeconds(seconds));
                }
                else if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
                {
                    delay = Max(delay, when - DateTimeOffset.UtcNow);
                }
            }

            return delay;
        }

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a >= b ? a : b;

        /// <summary>Poll URLs come from the service: the bearer token goes only to this session's ARM endpoint.</summary>
        private Uri PollUri(string url)
        {
            // The Kusto RP leaves raw spaces (the location's display name) in its Azure-AsyncOperation URL.
            if (!Uri.TryCreate(url.Replace(" ", "%20"), UriKind.Absolute, out var uri)
                || Uri.Compare(uri, _gateway.ArmEndpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            {
                throw new KustoArmException("ARM returned an operation URL that does not point at " + _gateway.ArmEndpoint.GetLeftPart(UriPartial.Authority) + ".", 0, "InvalidOperationUrl", null, null);
            }

            return uri;
        }

        private Task<HttpMessage> PostAsync(Uri uri, BinaryData body, CancellationToken cancellationToken) =>
            SendAsync(RequestMethod.Post, uri, body, cancellationToken);

        /// <summary>A request through the ArmClient's own pipeline; an error status is thrown as <see cref="KustoArmException"/>.</summary>
        private async Task<HttpMessage> SendAsync(RequestMethod method, Uri uri, BinaryData? body, CancellationToken cancellationToken)
        {
            HttpPipeline pipeline = _gateway.HttpPipeline;
            var message = pipeline.CreateMessage();
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

                await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
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

        private static BinaryData Serialize(Action<Utf8JsonWriter> writeMembers)
        {
            using var stream = new System.IO.MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writeMembers(writer);
                writer.WriteEndObject();
            }

            return BinaryData.FromBytes(stream.ToArray());
        }

        /// <summary>The result is {"value":[{"errorMessage":...}]}; the spec's examples show a bare array: both are read.</summary>
        private static IReadOnlyList<string> ReadValidationResult(BinaryData body)
        {
            var messages = new List<string>();
            if (body.ToMemory().IsEmpty)
            {
                return messages;
            }

            using var document = JsonDocument.Parse(body.ToMemory());
            var items = document.RootElement;
            if (items.ValueKind == JsonValueKind.Object && items.TryGetProperty("value", out var value))
            {
                items = value;
            }

            if (items.ValueKind != JsonValueKind.Array)
            {
                return messages;
            }

            foreach (var item in items.EnumerateArray())
            {
                var text = item.ValueKind == JsonValueKind.Object ? DataConnectionJson.GetString(item, "errorMessage") : null;
                if (!string.IsNullOrWhiteSpace(text))
                {
                    messages.Add(text!);
                }
            }

            return messages;
        }
    }
}
