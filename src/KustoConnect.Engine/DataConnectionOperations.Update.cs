using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using KustoConnect.Engine.Internal;

namespace KustoConnect.Engine
{
    /// <summary>
    /// The partial update: ONE PATCH (DataConnections_Update) that carries the kind and only the properties to change, so
    /// that two updates of different properties at the same time both survive (ARM merges each PATCH into what it has).
    /// Nothing is read first; the wait is the one every other operation uses.
    /// </summary>
    internal sealed partial class DataConnectionOperations
    {
        public async Task<DataConnection> UpdateAsync(DataConnectionRef target, DataConnection changes, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            var started = await StartUpdateAsync(target, changes, observer, cancellationToken).ConfigureAwait(false);
            var result = await WaitForOperationAsync(KustoOperationKind.Update, target, started.OperationUrl, observer, cancellationToken).ConfigureAwait(false);
            return result!;
        }

        public async Task<StartedOperation> StartUpdateAsync(DataConnectionRef target, DataConnection changes, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            CheckChanges(changes);
            var context = new OperationContext(observer, "Updating data connection '" + target.Name + "'");
            using (context.Enter())
            {
                try
                {
                    var startedAt = DateTimeOffset.UtcNow;
                    var properties = DataConnectionJson.WriteChanges(changes);
                    var body = Serialize(writer =>
                    {
                        writer.WriteString("kind", changes.Kind);
                        writer.WritePropertyName("properties");
                        using var document = JsonDocument.Parse(properties.ToMemory());
                        document.RootElement.WriteTo(writer);
                    });
                    using var message = await SendAsync(RequestMethod.Patch, Url(target.ResourceId), body, cancellationToken).ConfigureAwait(false);
                    var response = message.Response;
                    DataConnection? accepted = IsAcceptedResourceBody(response) ? DataConnectionJson.Read(response.Content) : null;
                    var operationUrl = OperationUrlOf(response);
                    return new StartedOperation(
                        KustoOperationKind.Update,
                        target.ResourceId,
                        operationUrl,
                        startedAt,
                        accepted?.ProvisioningState ?? OperationContext.ReadStatus(response).Status,
                        accepted);
                }
                catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
                {
                    throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
                }
            }
        }

        /// <summary>
        /// The client-side rules on what the changes set (and only that): the kind must be modelled (or carry raw
        /// properties), at least one property must be set, and each set value must pass its rule; values come back
        /// normalized (canonical ids, upper-case data format, ...).
        /// </summary>
        private static void CheckChanges(DataConnection changes)
        {
            if (changes == null)
            {
                throw new ArgumentNullException(nameof(changes));
            }

            if (changes is OtherDataConnection other)
            {
                if (string.IsNullOrWhiteSpace(other.KindName))
                {
                    throw new KustoValidationException("MissingDataConnectionKind", "The data connection has no kind.", "Kind");
                }

                return;
            }

            var properties = DataConnectionProperties.Of(changes.Kind);
            if (!properties.Any(p => p.GetValue(changes) != null))
            {
                throw new KustoValidationException(
                    "NothingToUpdate",
                    "Pass at least one property to change, e.g. -DataFormat or -TableName. Properties you do not pass stay as they are.",
                    "InputObject");
            }

            foreach (var property in properties)
            {
                var value = property.GetValue(changes);
                if (value != null)
                {
                    // Normalized by the property's rule; a resource id Build already parsed is taken as it is.
                    property.Assign(changes, value);
                }
            }
        }
    }
}
