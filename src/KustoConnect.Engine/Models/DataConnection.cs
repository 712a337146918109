using System;
using System.Collections.Generic;

namespace KustoConnect.Engine
{
    /// <summary>
    /// A Microsoft.Kusto data connection (clusters/databases/dataConnections). One subclass per kind; kinds not modelled
    /// yet come back as <see cref="UnknownDataConnection"/> so that nothing ARM sends is lost.
    /// </summary>
    public abstract class DataConnection
    {
        /// <summary>The resource id as ARM returned it (ARM capitalises the type segments).</summary>
        public string? Id { get; set; }

        /// <summary>The short name (last segment of the id), not ARM's "cluster/database/name".</summary>
        public string? Name { get; set; }

        public string? SubscriptionId { get; set; }

        public string? ResourceGroupName { get; set; }

        public string? ClusterName { get; set; }

        public string? DatabaseName { get; set; }

        /// <summary>The location as ARM sent it: a name ("centralus") or a display name ("Central US").</summary>
        public string? Location { get; set; }

        /// <summary>properties.provisioningState (read-only on the service; never sent).</summary>
        public string? ProvisioningState { get; set; }

        /// <summary>The ARM resource type, e.g. "Microsoft.Kusto/Clusters/Databases/DataConnections".</summary>
        public string? Type { get; set; }

        /// <summary>The discriminator sent as "kind": "IotHub", "EventHub", ...</summary>
        public abstract string Kind { get; }

        public override string ToString() => Kind + " data connection '" + (Name ?? "(unnamed)") + "'";
    }

    /// <summary>An IoT Hub data connection: every property of IotHubConnectionProperties (api-version 2024-04-13).</summary>
    public sealed class IotHubDataConnection : DataConnection
    {
        public override string Kind => "IotHub";

        private string? _iotHubResourceId;
        private ResourceIdentity? _iotHubIdentity;

        /// <summary>The resource id of the IoT hub (setting it drops <see cref="IotHubIdentity"/>: the text is checked again before sending).</summary>
        public string? IotHubResourceId
        {
            get => _iotHubResourceId;
            set
            {
                _iotHubResourceId = value;
                _iotHubIdentity = null;
            }
        }

        /// <summary>
        /// The IoT hub, parsed once (by <see cref="ResourceIds.Parse"/>): setting it sets <see cref="IotHubResourceId"/> to
        /// its canonical id, and the checks before sending, the policy choice and the listkeys request use it as it is.
        /// </summary>
        public ResourceIdentity? IotHubIdentity
        {
            get => _iotHubIdentity;
            set
            {
                _iotHubIdentity = value;
                _iotHubResourceId = value?.ResourceId;
            }
        }

        /// <summary>The IoT hub consumer group, e.g. "$Default".</summary>
        public string? ConsumerGroup { get; set; }

        /// <summary>The table to ingest into (optional: each message may carry it).</summary>
        public string? TableName { get; set; }

        /// <summary>The ingestion mapping (optional: each message may carry it).</summary>
        public string? MappingRuleName { get; set; }

        /// <summary>The data format, canonical upper case (see <see cref="KustoRules.NormalizeDataFormat"/>).</summary>
        public string? DataFormat { get; set; }

        /// <summary>The name of the IoT hub shared access policy used to read.</summary>
        public string? SharedAccessPolicyName { get; set; }

        /// <summary>"Single" (the default) or "Multi".</summary>
        public string? DatabaseRouting { get; set; }

        /// <summary>System properties of the IoT hub messages to ingest (in a partial update's changes, null = unchanged, empty = clear).</summary>
        public IList<string>? EventSystemProperties { get; set; } = new List<string>();

        /// <summary>When set, events retained by the hub since this date are ingested too.</summary>
        public DateTimeOffset? RetrievalStartDate { get; set; }
    }

    /// <summary>An Event Hub data connection: every property of EventHubConnectionProperties (api-version 2024-04-13).</summary>
    public sealed class EventHubDataConnection : DataConnection
    {
        public override string Kind => "EventHub";

        /// <summary>The resource id of the event hub (Microsoft.EventHub/namespaces/eventhubs).</summary>
        public string? EventHubResourceId { get; set; }

        /// <summary>The event hub consumer group, e.g. "$Default".</summary>
        public string? ConsumerGroup { get; set; }

        /// <summary>The table to ingest into (optional: each message may carry it).</summary>
        public string? TableName { get; set; }

        /// <summary>The ingestion mapping (optional: each message may carry it).</summary>
        public string? MappingRuleName { get; set; }

        /// <summary>The data format, canonical upper case.</summary>
        public string? DataFormat { get; set; }

        /// <summary>System properties of the events to ingest, e.g. x-opt-enqueued-time (in a partial update's changes, null = unchanged, empty = clear).</summary>
        public IList<string>? EventSystemProperties { get; set; } = new List<string>();

        /// <summary>"None" (the service's default) or "GZip".</summary>
        public string? Compression { get; set; }

        /// <summary>The managed identity (user-assigned identity or the cluster, for its system identity) used to read.</summary>
        public string? ManagedIdentityResourceId { get; set; }

        /// <summary>The object id of that identity (read-only on the service; never sent).</summary>
        public string? ManagedIdentityObjectId { get; set; }

        /// <summary>"Single" (the default) or "Multi".</summary>
        public string? DatabaseRouting { get; set; }

        /// <summary>When set, events retained by the event hub since this date are ingested too.</summary>
        public DateTimeOffset? RetrievalStartDate { get; set; }
    }

    /// <summary>An Event Grid (blob storage) data connection: every property of EventGridConnectionProperties (api-version 2024-04-13).</summary>
    public sealed class EventGridDataConnection : DataConnection
    {
        public override string Kind => "EventGrid";

        /// <summary>The resource id of the storage account whose blobs are ingested.</summary>
        public string? StorageAccountResourceId { get; set; }

        /// <summary>The resource id of the Event Grid subscription (optional).</summary>
        public string? EventGridResourceId { get; set; }

        /// <summary>The resource id of the event hub the Event Grid notifications go to.</summary>
        public string? EventHubResourceId { get; set; }

        /// <summary>The event hub consumer group, e.g. "$Default".</summary>
        public string? ConsumerGroup { get; set; }

        /// <summary>The table to ingest into (optional: each blob's metadata may carry it).</summary>
        public string? TableName { get; set; }

        /// <summary>The ingestion mapping (optional).</summary>
        public string? MappingRuleName { get; set; }

        /// <summary>The data format, canonical upper case.</summary>
        public string? DataFormat { get; set; }

        /// <summary>When true, the first record of every file is skipped (e.g. a CSV header).</summary>
        public bool? IgnoreFirstRecord { get; set; }

        /// <summary>"Microsoft.Storage.BlobCreated" (the default) or "Microsoft.Storage.BlobRenamed".</summary>
        public string? BlobStorageEventType { get; set; }

        /// <summary>The managed identity used to read the storage account.</summary>
        public string? ManagedIdentityResourceId { get; set; }

        /// <summary>The object id of that identity (read-only on the service; never sent).</summary>
        public string? ManagedIdentityObjectId { get; set; }

        /// <summary>"Single" (the default) or "Multi".</summary>
        public string? DatabaseRouting { get; set; }
    }

    /// <summary>A Cosmos DB data connection: every property of CosmosDbDataConnectionProperties (api-version 2024-04-13).</summary>
    public sealed class CosmosDbDataConnection : DataConnection
    {
        public override string Kind => "CosmosDb";

        /// <summary>The table to ingest into (required).</summary>
        public string? TableName { get; set; }

        /// <summary>The ingestion mapping (optional).</summary>
        public string? MappingRuleName { get; set; }

        /// <summary>The managed identity used to read the Cosmos DB account (required).</summary>
        public string? ManagedIdentityResourceId { get; set; }

        /// <summary>The object id of that identity (read-only on the service; never sent).</summary>
        public string? ManagedIdentityObjectId { get; set; }

        /// <summary>The resource id of the Cosmos DB account (Microsoft.DocumentDB/databaseAccounts).</summary>
        public string? CosmosDbAccountResourceId { get; set; }

        /// <summary>The Cosmos DB (SQL) database.</summary>
        public string? CosmosDbDatabase { get; set; }

        /// <summary>The container of that database.</summary>
        public string? CosmosDbContainer { get; set; }

        /// <summary>When set, documents changed since this date are ingested too.</summary>
        public DateTimeOffset? RetrievalStartDate { get; set; }
    }

    /// <summary>
    /// A data connection of a kind the engine does not model (a kind the service adds after api-version 2024-04-13).
    /// Its properties are kept verbatim, so that it can be shown, and sent back unchanged.
    /// </summary>
    public sealed class UnknownDataConnection : DataConnection
    {
        public override string Kind => KindName;

        /// <summary>The "kind" ARM sent.</summary>
        public string KindName { get; set; } = string.Empty;

        /// <summary>The "properties" object exactly as ARM sent it ("{}" when absent).</summary>
        public string RawPropertiesJson { get; set; } = "{}";
    }
}
