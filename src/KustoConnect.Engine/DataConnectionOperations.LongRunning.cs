using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Resources;
using KustoConnect.Engine.Internal;

namespace KustoConnect.Engine
{
    /// <summary>What a started long-running operation does to its data connection.</summary>
    public enum KustoOperationKind
    {
        /// <summary>A PUT that created the data connection.</summary>
        Create,

        /// <summary>A PUT that replaced an existing data connection.</summary>
        Update,

        /// <summary>A DELETE.</summary>
        Delete,
    }

    /// <summary>
    /// A long-running ARM operation that the service accepted and that may still be running: enough to wait for it later,
    /// in this session or another one (no secret or token in it).
    /// </summary>
    public sealed class StartedOperation
    {
        /// <summary>An operation the service accepted.</summary>
        /// <param name="kind">What the operation does (create, update, delete).</param>
        /// <param name="resourceId">The data connection it acts on.</param>
        /// <param name="operationUrl">Its Azure-AsyncOperation (else Location) URL; null when it finished at once.</param>
        /// <param name="startedAt">When the service accepted it.</param>
        /// <param name="provisioningState">The provisioning state the service answered with.</param>
        /// <param name="accepted">The data connection as the service answered, when it sent one.</param>
        public StartedOperation(KustoOperationKind kind, string resourceId, string? operationUrl, DateTimeOffset startedAt, string? provisioningState, DataConnection? accepted)
        {
            Kind = kind;
            ResourceId = resourceId ?? throw new ArgumentNullException(nameof(resourceId));
            OperationUrl = operationUrl;
            StartedAt = startedAt;
            ProvisioningState = provisioningState;
            Accepted = accepted;
        }

        /// <summary>What the operation does: create, update or delete.</summary>
        public KustoOperationKind Kind { get; }

        /// <summary>The data connection the operation acts on.</summary>
        public string ResourceId { get; }

        /// <summary>The Azure-AsyncOperation URL (else the Location URL); null when the service finished at once (e.g. DELETE 204).</summary>
        public string? OperationUrl { get; }

        /// <summary>When the service accepted the operation (the client's clock).</summary>
        public DateTimeOffset StartedAt { get; }

        /// <summary>The provisioning state the service answered with (Creating, Accepted, Deleting).</summary>
        public string? ProvisioningState { get; }

        /// <summary>The data connection as the PUT answered it (null for a delete).</summary>
        public DataConnection? Accepted { get; }
    }

    /// <summary>
    /// Starting operations without waiting, and waiting for them later. Waiting later goes through the same
    /// <see cref="ArmOperationPoller"/> as a waited call (the operation URL and the resource id are all it needs), so polling,
    /// Retry-After, retries of transient failures, the budget and cancellation behave exactly as in a waited call.
    /// </summary>
    internal sealed partial class DataConnectionOperations
    {
        public async Task<StartedOperation> StartCreateOrUpdateAsync(DataConnectionRef target, DataConnection connection, IOperationObserver? observer, CancellationToken cancellationToken)
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
            var context = new OperationContext(observer, "Saving data connection '" + target.Name + "'");
            using (context.Enter())
            {
                try
                {
                    var startedAt = DateTimeOffset.UtcNow;
                    var operation = await SendPutAsync(target, connection, cancellationToken).ConfigureAwait(false);
                    var initial = operation.GetRawResponse();
                    DataConnection? accepted = IsAcceptedResourceBody(initial) ? DataConnectionJson.Read(initial.Content) : null;
                    return new StartedOperation(
                        initial.Status == 201 ? KustoOperationKind.Create : KustoOperationKind.Update,
                        target.ResourceId,
                        operation.HasCompleted ? null : OperationUrlOf(initial),
                        startedAt,
                        accepted?.ProvisioningState ?? OperationContext.ReadStatus(initial).Status,
                        accepted);
                }
                catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
                {
                    throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
                }
            }
        }

        public async Task<StartedOperation> StartDeleteAsync(DataConnectionRef target, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            var context = new OperationContext(observer, "Removing data connection '" + target.Name + "'");
            using (context.Enter())
            {
                try
                {
                    var startedAt = DateTimeOffset.UtcNow;
                    var operation = await _client.GetGenericResource(new ResourceIdentifier(target.ResourceId))
                        .DeleteAsync(WaitUntil.Started, cancellationToken)
                        .ConfigureAwait(false);
                    var initial = operation.GetRawResponse();
                    var done = operation.HasCompleted || initial.Status == 204;
                    return new StartedOperation(KustoOperationKind.Delete, target.ResourceId, done ? null : OperationUrlOf(initial), startedAt, done ? "Deleted" : "Deleting", null);
                }
                catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
                {
                    throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
                }
            }
        }

        public async Task<DataConnection?> WaitForOperationAsync(KustoOperationKind kind, DataConnectionRef? target, string? operationUrl, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            var activity = target == null
                ? "Waiting for the operation"
                : (kind == KustoOperationKind.Delete ? "Removing" : kind == KustoOperationKind.Create ? "Creating" : "Updating") + " data connection '" + target.Name + "'";
            var context = new OperationContext(observer, activity);
            using (context.Enter())
            {
                try
                {
                    Response? final = null;
                    if (!string.IsNullOrEmpty(operationUrl))
                    {
                        CheckOperationUrl(operationUrl!);
                        context.OperationUrl = operationUrl;
                        var lro = new LongRunningOperation(
                            kind == KustoOperationKind.Delete || target == null ? LongRunningMethod.Delete : LongRunningMethod.Put,
                            operationUrl,
                            null,
                            target == null ? null : Url(target.ResourceId),
                            kind == KustoOperationKind.Delete ? null : target?.ResourceId,
                            kind == KustoOperationKind.Create);
                        final = await _poller.WaitAsync(lro, null, context, context.WaitTimeout, cancellationToken).ConfigureAwait(false);
                        context.ReportProgress(final, completed: true);
                    }

                    if (kind != KustoOperationKind.Delete && final != null && IsResourceBody(final))
                    {
                        return DataConnectionJson.Read(final.Content);
                    }

                    return kind == KustoOperationKind.Delete || target == null
                        ? null
                        : await GetCoreAsync(target, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
                {
                    throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
                }
            }
        }

        /// <summary>
        /// The bearer token goes with every poll: an operation URL is followed only when it points at the ARM endpoint of
        /// this session (same scheme, host and port) and is an ARM operation-status URL.
        /// </summary>
        private Uri CheckOperationUrl(string operationUrl)
        {
            // The service sends the location segment raw ("Central US"); escape spaces so that the URL parses as sent.
            var text = operationUrl.Trim().Replace(" ", "%20");
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
                || !Servers.Same(uri, _requests.ArmEndpoint))
            {
                throw new KustoValidationException(
                    "OperationUrlNotOnArmEndpoint",
                    "The operation URL must point at the Azure Resource Manager endpoint of this session, " + _requests.ArmEndpoint.GetLeftPart(UriPartial.Authority) + ".",
                    "OperationUrl");
            }

            if (uri.AbsolutePath.IndexOf("/operationResults/", StringComparison.OrdinalIgnoreCase) < 0
                && uri.AbsolutePath.IndexOf("/operationStatuses/", StringComparison.OrdinalIgnoreCase) < 0)
            {
                throw new KustoValidationException(
                    "InvalidOperationUrl",
                    "The operation URL is not an ARM operation status URL (.../operationResults/... or .../operationStatuses/...).",
                    "OperationUrl");
            }

            return uri;
        }

        private static bool IsAcceptedResourceBody(Response response)
        {
            try
            {
                if (response.Content == null || response.Content.ToMemory().IsEmpty)
                {
                    return false;
                }

                using var document = JsonDocument.Parse(response.Content.ToMemory());
                return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("kind", out _);
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }
}
