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
                throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
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
                    throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
                }
            }
        }

        /// <summary>
        /// Follows the POST's long-running operation to its result with the same <see cref="ArmOperationPoller"/> as every
        /// other wait: the Azure-AsyncOperation URL until it is terminal, then the Location URL for the result (ARM's
        /// final-state-via for POST).
        /// </summary>
        private async Task<BinaryData> CompleteAsync(Response initial, OperationContext context, CancellationToken cancellationToken)
        {
            if (initial.Status == 200)
            {
                return BinaryData.FromBytes(initial.Content.ToArray());
            }

            var lro = new LongRunningOperation(
                LongRunningMethod.Post,
                ErrorTranslator.Header(initial, "Azure-AsyncOperation"),
                ErrorTranslator.Header(initial, "Location"),
                null,
                null,
                false);
            context.OperationUrl = lro.StatusUrl ?? lro.LocationUrl;
            if (context.OperationUrl == null)
            {
                return BinaryData.FromString("[]");
            }

            var result = await _poller.WaitAsync(lro, initial, context, context.WaitTimeout, cancellationToken).ConfigureAwait(false);
            return result == null || result.Content.ToMemory().IsEmpty ? BinaryData.FromString("[]") : BinaryData.FromBytes(result.Content.ToArray());
        }

        private Task<HttpMessage> PostAsync(Uri uri, BinaryData body, CancellationToken cancellationToken) =>
            SendAsync(RequestMethod.Post, uri, body, cancellationToken);

        /// <summary>A request through the session's one request path; an error status is thrown as <see cref="KustoArmException"/>.</summary>
        private Task<HttpMessage> SendAsync(RequestMethod method, Uri uri, BinaryData? body, CancellationToken cancellationToken) =>
            _requests.SendAsync(method, uri, body, cancellationToken);

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
