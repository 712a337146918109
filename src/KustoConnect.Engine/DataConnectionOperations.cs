using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using KustoConnect.Engine.Internal;

namespace KustoConnect.Engine
{
    /// <summary>Create, read, list and delete data connections through ARM.</summary>
    public interface IDataConnectionOperations
    {
        /// <summary>
        /// PUT, then waits for the long-running operation (reporting each poll to <paramref name="observer"/>), then
        /// returns the resource as ARM stores it. Throws <see cref="KustoOperationFailedException"/> when the operation
        /// ends Failed or Canceled, <see cref="KustoArmException"/> when ARM refuses the request.
        /// </summary>
        Task<DataConnection> CreateOrUpdateAsync(DataConnectionRef target, DataConnection connection, IOperationObserver? observer, CancellationToken cancellationToken);

        /// <summary>GET; a missing data connection throws <see cref="KustoArmException"/> with StatusCode 404, Code ResourceNotFound.</summary>
        Task<DataConnection> GetAsync(DataConnectionRef target, CancellationToken cancellationToken);

        /// <summary>Every data connection of the database (follows nextLink).</summary>
        Task<IReadOnlyList<DataConnection>> ListAsync(DatabaseRef database, CancellationToken cancellationToken);

        /// <summary>
        /// A partial update: ONE PATCH (DataConnections_Update) carrying the kind and only the properties set on
        /// <paramref name="changes"/> (a model of the connection's kind; null = unchanged, "" or an empty list clears an
        /// optional property; location and read-only properties are never sent), then the wait for the long-running
        /// operation; returns the data connection as ARM stores it. Nothing is read first. The client-side rules run on
        /// what is set (normalizing it in place); a value they refuse throws <see cref="KustoValidationException"/> and
        /// nothing is written. A kind that differs from the stored one is refused by ARM.
        /// </summary>
        Task<DataConnection> UpdateAsync(DataConnectionRef target, DataConnection changes, IOperationObserver? observer, CancellationToken cancellationToken);

        /// <summary>DELETE, then waits for the long-running operation.</summary>
        Task DeleteAsync(DataConnectionRef target, IOperationObserver? observer, CancellationToken cancellationToken);

        /// <summary>The PUT of <see cref="CreateOrUpdateAsync"/> without the wait: returns once ARM accepted it.</summary>
        Task<StartedOperation> StartCreateOrUpdateAsync(DataConnectionRef target, DataConnection connection, IOperationObserver? observer, CancellationToken cancellationToken);

        /// <summary>The PATCH of <see cref="UpdateAsync(DataConnectionRef, DataConnection, IOperationObserver, CancellationToken)"/> without the wait: returns once ARM accepted it.</summary>
        Task<StartedOperation> StartUpdateAsync(DataConnectionRef target, DataConnection changes, IOperationObserver? observer, CancellationToken cancellationToken);

        /// <summary>The DELETE of <see cref="DeleteAsync(DataConnectionRef, IOperationObserver, CancellationToken)"/> without the wait: returns once ARM accepted it.</summary>
        Task<StartedOperation> StartDeleteAsync(DataConnectionRef target, IOperationObserver? observer, CancellationToken cancellationToken);

        /// <summary>
        /// Waits for an operation started earlier (in this session or another) by polling <paramref name="operationUrl"/>,
        /// which must be on this session's ARM endpoint; then, for a create or update with a <paramref name="target"/>,
        /// returns the data connection as ARM stores it (null after a delete). Failures as in <see cref="CreateOrUpdateAsync"/>.
        /// </summary>
        Task<DataConnection?> WaitForOperationAsync(KustoOperationKind kind, DataConnectionRef? target, string? operationUrl, IOperationObserver? observer, CancellationToken cancellationToken);

        /// <summary>POST checkNameAvailability: whether a data connection named like <paramref name="target"/> can be created in its database.</summary>
        Task<NameAvailability> CheckNameAvailabilityAsync(DataConnectionRef target, CancellationToken cancellationToken);

        /// <summary>
        /// POST dataConnectionValidation (the same client-side rules as a create first), waits for the long-running
        /// operation and returns the service's error messages: empty when the definition would be accepted.
        /// </summary>
        Task<IReadOnlyList<string>> ValidateAsync(DataConnectionRef target, DataConnection connection, IOperationObserver? observer, CancellationToken cancellationToken);

        /// <summary>
        /// <see cref="ValidateAsync(DataConnectionRef, DataConnection, IOperationObserver, CancellationToken)"/> with
        /// <paramref name="options"/>: by default a definition without a location gets the cluster's (one GET of the
        /// cluster first, reported as a verbose message).
        /// </summary>
        Task<IReadOnlyList<string>> ValidateAsync(DataConnectionRef target, DataConnection definition, ValidateOptions? options, IOperationObserver? observer, CancellationToken cancellationToken);

        /// <summary>
        /// The whole create, in this order: the existence check (<see cref="CreateOptions.IfExists"/>: by default one GET,
        /// an existing connection is refused with <see cref="DataConnectionExistsException"/> unless its create ended
        /// Failed, which is re-sent with a warning); for an IoT Hub definition without a shared access policy, the choice
        /// of one of the hub's (<see cref="CreateOptions.ChooseIotHubPolicy"/>); the cluster GET, whose location fills a
        /// missing one or must match a given one (LocationNotClusterLocation); the service's validation with
        /// <see cref="CreateOptions.ValidateFirst"/> (<see cref="DataConnectionValidationFailedException"/>); then the PUT,
        /// and the wait unless <see cref="WaitOptions.Wait"/> is false. Warnings, verbose messages, HTTP exchanges and
        /// progress all go to <paramref name="observer"/>. <paramref name="definition"/> is completed in place (location,
        /// policy, normalized values).
        /// </summary>
        Task<DataConnectionResult> CreateAsync(DataConnectionRef target, DataConnection definition, CreateOptions? options, IOperationObserver? observer, CancellationToken cancellationToken);

        /// <summary>
        /// The whole partial update: the kind (<see cref="DataConnectionChanges.Kind"/>, or one GET of the connection when
        /// it is not known, reported as a verbose message), the kind's checks (DataConnectionKindNotSupported,
        /// ParameterNotValidForKind) and rules, one PATCH that carries the kind and only the changed properties, and the
        /// wait unless <see cref="WaitOptions.Wait"/> is false. Warnings (an event system property KustoConnect does not
        /// know), verbose messages, HTTP exchanges and progress go to <paramref name="observer"/>.
        /// </summary>
        Task<DataConnectionResult> UpdateAsync(DataConnectionRef target, DataConnectionChanges changes, UpdateOptions? options, IOperationObserver? observer, CancellationToken cancellationToken);

        /// <summary>
        /// The whole delete: the connection read first unless <see cref="DeleteOptions.RequireExisting"/> is false (a
        /// missing one is a 404 <see cref="KustoArmException"/>; the result keeps the connection as it was), the DELETE,
        /// and the wait unless <see cref="WaitOptions.Wait"/> is false.
        /// </summary>
        Task<DataConnectionResult> DeleteAsync(DataConnectionRef target, DeleteOptions? options, IOperationObserver? observer, CancellationToken cancellationToken);
    }

    internal sealed partial class DataConnectionOperations : IDataConnectionOperations, IClusterOperations
    {
        private readonly ArmClient _client;
        private readonly ArmRequests _requests;
        private readonly TimeSpan _pollInterval;
        private readonly string? _secret;
        private readonly ArmOperationPoller _poller;
        private readonly DataConnectionWorkflows _workflows;

        internal DataConnectionOperations(ArmClient client, ArmRequests requests, TimeSpan pollInterval, string? secret, TimeSpan firstBackoff, TimeSpan maxRetryAfter, IAzureResourceOperations resources)
        {
            _workflows = new DataConnectionWorkflows(this, this, resources);
            _client = client;
            _requests = requests;
            _pollInterval = pollInterval;
            _secret = secret;
            _poller = new ArmOperationPoller(requests.Pipeline, requests.ArmEndpoint, pollInterval, firstBackoff, maxRetryAfter);
        }

        public async Task<DataConnection> CreateOrUpdateAsync(DataConnectionRef target, DataConnection connection, IOperationObserver? observer, CancellationToken cancellationToken)
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
                    var operation = await SendPutAsync(target, connection, cancellationToken).ConfigureAwait(false);
                    var initial = operation.GetRawResponse();
                    context.Activity = (initial.Status == 201 ? "Creating" : "Updating") + " data connection '" + target.Name + "'";
                    var lro = PutOperation(target, initial);
                    context.OperationUrl = lro.StatusUrl ?? lro.LocationUrl;

                    var final = await _poller.WaitAsync(lro, initial, context, context.WaitTimeout, cancellationToken).ConfigureAwait(false);
                    context.ReportProgress(final, completed: true);
                    return final != null && IsResourceBody(final)
                        ? DataConnectionJson.Read(final.Content)
                        : await GetCoreAsync(target, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
                {
                    throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
                }
            }
        }

        public Task<DataConnectionResult> CreateAsync(DataConnectionRef target, DataConnection definition, CreateOptions? options, IOperationObserver? observer, CancellationToken cancellationToken) =>
            _workflows.CreateAsync(target, definition, options, observer, cancellationToken);

        public Task<IReadOnlyList<string>> ValidateAsync(DataConnectionRef target, DataConnection definition, ValidateOptions? options, IOperationObserver? observer, CancellationToken cancellationToken) =>
            _workflows.ValidateAsync(target, definition, options, observer, cancellationToken);

        public Task<DataConnectionResult> UpdateAsync(DataConnectionRef target, DataConnectionChanges changes, UpdateOptions? options, IOperationObserver? observer, CancellationToken cancellationToken) =>
            _workflows.UpdateAsync(target, changes, options, observer, cancellationToken);

        public Task<DataConnectionResult> DeleteAsync(DataConnectionRef target, DeleteOptions? options, IOperationObserver? observer, CancellationToken cancellationToken) =>
            _workflows.DeleteAsync(target, options, observer, cancellationToken);

        /// <summary>The long-running operation that a PUT's response started.</summary>
        private LongRunningOperation PutOperation(DataConnectionRef target, Response initial) =>
            new LongRunningOperation(
                LongRunningMethod.Put,
                ErrorTranslator.Header(initial, "Azure-AsyncOperation"),
                ErrorTranslator.Header(initial, "Location"),
                Url(target.ResourceId),
                target.ResourceId,
                initial.Status == 201);

        /// <summary>
        /// The PUT of a create or update (the kind, the location and only the properties that are set), started with
        /// Azure.Core's generic-resource operation so that its poller can wait for it, now or after rehydration.
        /// </summary>
        private Task<ArmOperation<GenericResource>> SendPutAsync(DataConnectionRef target, DataConnection connection, CancellationToken cancellationToken)
        {
            var data = new GenericResourceData(new AzureLocation(connection.Location!))
            {
                Kind = connection.Kind,
                Properties = DataConnectionJson.WriteProperties(connection),
            };
            return _client.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Started, new ResourceIdentifier(target.ResourceId), data, cancellationToken);
        }

        public async Task<DataConnection> GetAsync(DataConnectionRef target, CancellationToken cancellationToken)
        {
            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            try
            {
                return await GetCoreAsync(target, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
            {
                throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
            }
        }

        public async Task<IReadOnlyList<DataConnection>> ListAsync(DatabaseRef database, CancellationToken cancellationToken)
        {
            if (database == null)
            {
                throw new ArgumentNullException(nameof(database));
            }

            try
            {
                var all = new List<DataConnection>();
                await _requests.ReadPagesAsync(
                    RequestMethod.Get,
                    Url(database.ResourceId + "/dataConnections"),
                    "data connections",
                    body =>
                    {
                        all.AddRange(DataConnectionJson.ReadPage(body, out var nextLink));
                        return nextLink;
                    },
                    cancellationToken).ConfigureAwait(false);
                return all;
            }
            catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
            {
                throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
            }
        }

        public async Task DeleteAsync(DataConnectionRef target, IOperationObserver? observer, CancellationToken cancellationToken)
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
                    var operation = await _client.GetGenericResource(new ResourceIdentifier(target.ResourceId))
                        .DeleteAsync(WaitUntil.Started, cancellationToken)
                        .ConfigureAwait(false);
                    var initial = operation.GetRawResponse();
                    if (initial.Status == 202 || !operation.HasCompleted)
                    {
                        var lro = DeleteOperation(initial);
                        context.OperationUrl = lro.StatusUrl ?? lro.LocationUrl;
                        await _poller.WaitAsync(lro, initial, context, context.WaitTimeout, cancellationToken).ConfigureAwait(false);
                    }

                    context.ReportProgress(null, completed: true);
                }
                catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
                {
                    throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
                }
            }
        }

        private static LongRunningOperation DeleteOperation(Response initial) =>
            new LongRunningOperation(
                LongRunningMethod.Delete,
                ErrorTranslator.Header(initial, "Azure-AsyncOperation"),
                ErrorTranslator.Header(initial, "Location"),
                null,
                null,
                false);

        private async Task<DataConnection> GetCoreAsync(DataConnectionRef target, CancellationToken cancellationToken) =>
            DataConnectionJson.Read(await SendGetAsync(Url(target.ResourceId), cancellationToken).ConfigureAwait(false));

        /// <summary>A GET through the session's one request path (<see cref="ArmRequests"/>).</summary>
        private Task<BinaryData> SendGetAsync(Uri uri, CancellationToken cancellationToken) => _requests.GetAsync(uri, cancellationToken);

        /// <summary>The request URL of a canonical id built by <see cref="DatabaseRef"/> / <see cref="DataConnectionRef"/>.</summary>
        private Uri Url(string resourceId) => _requests.Url(resourceId, KustoSession.KustoApiVersion);

        private static void CheckBeforeSending(DataConnection connection)
        {
            KustoRules.ValidateDefinition(connection);
            if (string.IsNullOrWhiteSpace(connection.Location))
            {
                throw new KustoValidationException("LocationRequired", "A location is required, e.g. the location of the cluster.", "Location");
            }

            if (connection is OtherDataConnection other)
            {
                if (string.IsNullOrWhiteSpace(other.KindName))
                {
                    throw new KustoValidationException("MissingDataConnectionKind", "The data connection has no kind.", "Kind");
                }

                try
                {
                    using var properties = JsonDocument.Parse(string.IsNullOrWhiteSpace(other.PropertiesJson) ? "{}" : other.PropertiesJson);
                    if (properties.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        throw new KustoValidationException("InvalidDataConnectionProperties", "The data connection properties must be a JSON object.", "PropertiesJson");
                    }
                }
                catch (JsonException ex)
                {
                    throw new KustoValidationException("InvalidDataConnectionProperties", "The data connection properties are not valid JSON: " + ex.Message, "PropertiesJson");
                }
            }

            // Every set value in its canonical spelling, each resource id from the identity it was parsed into once (by the
            // cmdlet or the check above), and each required resource id present.
            foreach (var property in DataConnectionKinds.Of(connection)?.Settable ?? Array.Empty<DataConnectionProperty>())
            {
                property.Canonicalize(connection);
            }

            switch (connection)
            {
                case EventHubDataConnection hub:
                    RequireConsumerGroup(hub.ConsumerGroup, "An Event Hub");
                    break;
                case EventGridDataConnection grid:
                    RequireConsumerGroup(grid.ConsumerGroup, "An Event Grid");
                    break;
                case CosmosDbDataConnection cosmos:
                    CheckCosmosDb(cosmos);
                    break;
                case IotHubDataConnection iot:
                    if (string.IsNullOrWhiteSpace(iot.ConsumerGroup))
                    {
                        throw new KustoValidationException("MissingConsumerGroup", "An IoT Hub data connection needs a consumer group (e.g. $Default).", "ConsumerGroup");
                    }

                    if (string.IsNullOrWhiteSpace(iot.SharedAccessPolicyName))
                    {
                        throw new KustoValidationException("MissingSharedAccessPolicyName", "An IoT Hub data connection needs the name of a shared access policy with read rights (e.g. iothubowner).", "SharedAccessPolicyName");
                    }

                    break;
            }
        }

        private static void CheckCosmosDb(CosmosDbDataConnection cosmos)
        {
            if (string.IsNullOrWhiteSpace(cosmos.CosmosDbDatabase))
            {
                throw new KustoValidationException("MissingCosmosDbDatabase", "A Cosmos DB data connection needs the name of the Cosmos DB database.", "CosmosDbDatabase");
            }

            if (string.IsNullOrWhiteSpace(cosmos.CosmosDbContainer))
            {
                throw new KustoValidationException("MissingCosmosDbContainer", "A Cosmos DB data connection needs the name of the Cosmos DB container.", "CosmosDbContainer");
            }

            if (string.IsNullOrWhiteSpace(cosmos.TableName))
            {
                throw new KustoValidationException("MissingTableName", "A Cosmos DB data connection needs the table to ingest into.", "TableName");
            }
        }

        private static void RequireConsumerGroup(string? consumerGroup, string what)
        {
            if (string.IsNullOrWhiteSpace(consumerGroup))
            {
                throw new KustoValidationException("MissingConsumerGroup", what + " data connection needs an event hub consumer group (e.g. $Default).", "ConsumerGroup");
            }
        }

        private static string? OperationUrlOf(Response response) =>
            ErrorTranslator.Header(response, "Azure-AsyncOperation") ?? ErrorTranslator.Header(response, "Location");

        private static bool IsResourceBody(Response response)
        {
            try
            {
                if (response.Status != 200 || response.Content == null || response.Content.ToMemory().IsEmpty)
                {
                    return false;
                }

                using var document = JsonDocument.Parse(response.Content.ToMemory());
                return document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("kind", out _)
                    && !document.RootElement.TryGetProperty("status", out _);
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }
}
