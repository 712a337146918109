using System;
using System.Collections.Generic;
using static KustoConnect.Engine.DataConnectionKinds;

namespace KustoConnect.Engine
{
    /// <summary>
    /// A Microsoft.Kusto data connection (clusters/databases/dataConnections). One subclass per kind, each with its
    /// <see cref="DataConnectionKindDescription"/> beside it (a static <c>Description</c>: the one place that says what the
    /// kind's properties are); kinds not modelled yet come back as <see cref="OtherDataConnection"/> so that nothing ARM
    /// sends is lost. To add a property to a kind: the property on its model and its line in the model's Description.
    /// </summary>
    public abstract class DataConnection
    {
        /// <summary>The resource id as ARM returned it (ARM capitalises the type segments).</summary>
        public string? Id { get; set; }

        /// <summary>The short name (last segment of the id), not ARM's "cluster/database/name".</summary>
        public string? Name { get; set; }

        /// <summary>The subscription of the cluster (from <see cref="Id"/>).</summary>
        public string? SubscriptionId { get; set; }

        /// <summary>The resource group of the cluster (from <see cref="Id"/>).</summary>
        public string? ResourceGroupName { get; set; }

        /// <summary>The cluster (from <see cref="Id"/>).</summary>
        public string? ClusterName { get; set; }

        /// <summary>The database (from <see cref="Id"/>).</summary>
        public string? DatabaseName { get; set; }

        /// <summary>The location as ARM sent it: a name ("centralus") or a display name ("Central US").</summary>
        public string? Location { get; set; }

        /// <summary>properties.provisioningState (read-only on the service; never sent).</summary>
        public string? ProvisioningState { get; set; }

        /// <summary>The ARM resource type, e.g. "Microsoft.Kusto/Clusters/Databases/DataConnections".</summary>
        public string? Type { get; set; }

        /// <summary>The discriminator sent as "kind": "IotHub", "EventHub", ...</summary>
        public abstract string Kind { get; }

        /// <summary>
        /// The typed identity of the resource id property <paramref name="propertyName"/> (e.g. "EventHubResourceId"), parsed
        /// once when it was set or checked (<see cref="DataConnectionProperty.IdentityOf"/>); null when it is unset, not yet
        /// parsed, changed since, or not a resource id.
        /// </summary>
        public ResourceIdentity? IdentityOf(string propertyName) => DataConnectionKinds.Of(this)?.Find(propertyName)?.IdentityOf(this);

        /// <summary>The resource ids parsed on this model, by property name, with the text each was parsed from.</summary>
        internal Dictionary<string, (string Text, ResourceIdentity Identity)> Identities { get; } =
            new Dictionary<string, (string Text, ResourceIdentity Identity)>(StringComparer.Ordinal);

        /// <inheritdoc />
        public override string ToString() => Kind + " data connection '" + (Name ?? "(unnamed)") + "'";
    }

    /// <summary>An IoT Hub data connection: every property of IotHubConnectionProperties (api-version 2024-04-13).</summary>
    public sealed class IotHubDataConnection : DataConnection
    {
        /// <summary>The IoT Hub kind: its ARM kind and every property, once.</summary>
        public static DataConnectionKindDescription Description { get; } = new DataConnectionKindDescription(
            "IotHub",
            "IoT Hub",
            () => new IotHubDataConnection(),
            Text<IotHubDataConnection>("IotHubResourceId", "iotHubResourceId", "The resource id of the IoT hub (any casing of its segments).", c => c.IotHubResourceId, (c, v) => c.IotHubResourceId = v, Identity(ResourceIds.IotHub, required: true)),
            Text<IotHubDataConnection>("ConsumerGroup", "consumerGroup", "The hub's consumer group the connection reads with.", c => c.ConsumerGroup, (c, v) => c.ConsumerGroup = v, Common.ConsumerGroup()),
            Text<IotHubDataConnection>("TableName", "tableName", "The table that receives the data (or leave it to each message's properties).", c => c.TableName, (c, v) => c.TableName = v, Common.Table()),
            Text<IotHubDataConnection>("MappingRuleName", "mappingRuleName", "The ingestion mapping of the table.", c => c.MappingRuleName, (c, v) => c.MappingRuleName = v, Common.Mapping()),
            Text<IotHubDataConnection>("DataFormat", "dataFormat", "The data format of the messages, e.g. CSV or JSON (case-insensitive; RAW is not supported for IoT Hub).", c => c.DataFormat, (c, v) => c.DataFormat = v, Common.DataFormat(DataConnectionKind.IotHub)),
            List<IotHubDataConnection>("EventSystemProperties", "eventSystemProperties", "System properties of each message added to each record, e.g. message-id or iothub-enqueuedtime.", c => c.EventSystemProperties, (c, v) => c.EventSystemProperties = v, Common.EventSystemProperties(KustoRules.IotHubEventSystemProperties)),
            Text<IotHubDataConnection>("SharedAccessPolicyName", "sharedAccessPolicyName", "The hub's shared access policy the connection reads with; it must grant ServiceConnect (its name only: the key is never stored).", c => c.SharedAccessPolicyName, (c, v) => c.SharedAccessPolicyName = v, Name((v, p) => KustoRules.ValidateSharedAccessPolicyName(v, p), required: true)),
            Text<IotHubDataConnection>("DatabaseRouting", "databaseRouting", "Single (the default): data goes to this database only; Multi: messages may route to other databases.", c => c.DatabaseRouting, (c, v) => c.DatabaseRouting = v, Common.DatabaseRouting()),
            Date<IotHubDataConnection>("RetrievalStartDate", "retrievalStartDate", "Ingest the events that the hub still retains from this date on.", c => c.RetrievalStartDate, (c, v) => c.RetrievalStartDate = v));

        /// <inheritdoc />
        public override string Kind => Description.ArmKind;

        /// <summary>The resource id of the IoT hub.</summary>
        public string? IotHubResourceId { get; set; }

        /// <summary>
        /// The IoT hub, parsed once (<see cref="DataConnection.IdentityOf"/>); setting it sets <see cref="IotHubResourceId"/>
        /// to its canonical id. The checks before sending, the policy choice and the listkeys request use it as it is.
        /// </summary>
        public ResourceIdentity? IotHubIdentity
        {
            get => IdentityOf(nameof(IotHubResourceId));
            set
            {
                IotHubResourceId = value?.ResourceId;
                if (value != null)
                {
                    Identities[nameof(IotHubResourceId)] = (value.ResourceId, value);
                }
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
        /// <summary>The Event Hub kind: its ARM kind and every property, once.</summary>
        public static DataConnectionKindDescription Description { get; } = new DataConnectionKindDescription(
            "EventHub",
            "Event Hub",
            () => new EventHubDataConnection(),
            Text<EventHubDataConnection>("EventHubResourceId", "eventHubResourceId", "The resource id of the event hub (Microsoft.EventHub/namespaces/{namespace}/eventhubs/{hub}; any casing).", c => c.EventHubResourceId, (c, v) => c.EventHubResourceId = v, Identity(ResourceIds.EventHub, required: true)),
            Text<EventHubDataConnection>("ConsumerGroup", "consumerGroup", "The event hub's consumer group the connection reads with.", c => c.ConsumerGroup, (c, v) => c.ConsumerGroup = v, Common.ConsumerGroup()),
            Text<EventHubDataConnection>("TableName", "tableName", "The table that receives the data (or leave it to each event's properties).", c => c.TableName, (c, v) => c.TableName = v, Common.Table()),
            Text<EventHubDataConnection>("MappingRuleName", "mappingRuleName", "The ingestion mapping of the table.", c => c.MappingRuleName, (c, v) => c.MappingRuleName = v, Common.Mapping()),
            Text<EventHubDataConnection>("DataFormat", "dataFormat", "The data format of the events, e.g. CSV, JSON or RAW (case-insensitive).", c => c.DataFormat, (c, v) => c.DataFormat = v, Common.DataFormat(DataConnectionKind.EventHub)),
            List<EventHubDataConnection>("EventSystemProperties", "eventSystemProperties", "System properties of each event added to each record, e.g. x-opt-enqueued-time.", c => c.EventSystemProperties, (c, v) => c.EventSystemProperties = v, Common.EventSystemProperties(KustoRules.EventHubEventSystemProperties)),
            Text<EventHubDataConnection>("Compression", "compression", "None (the service's default) or GZip: how the events are compressed.", c => c.Compression, (c, v) => c.Compression = v, OneOf(KustoRules.Compressions, KustoRules.NormalizeCompression)),
            Text<EventHubDataConnection>("ManagedIdentityResourceId", "managedIdentityResourceId", "The managed identity that reads the event hub: a user-assigned identity, or the cluster's id for its system identity.", c => c.ManagedIdentityResourceId, (c, v) => c.ManagedIdentityResourceId = v, Common.ManagedIdentity()),
            Text<EventHubDataConnection>("ManagedIdentityObjectId", "managedIdentityObjectId", "The object id of that managed identity (set by the service).", c => c.ManagedIdentityObjectId, (c, v) => c.ManagedIdentityObjectId = v, ReadOnly()),
            Text<EventHubDataConnection>("DatabaseRouting", "databaseRouting", "Single (the default): data goes to this database only; Multi: events may route to other databases.", c => c.DatabaseRouting, (c, v) => c.DatabaseRouting = v, Common.DatabaseRouting()),
            Date<EventHubDataConnection>("RetrievalStartDate", "retrievalStartDate", "Ingest the events that the event hub still retains from this date on.", c => c.RetrievalStartDate, (c, v) => c.RetrievalStartDate = v));

        /// <inheritdoc />
        public override string Kind => Description.ArmKind;

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
        /// <summary>The Event Grid kind: its ARM kind and every property, once.</summary>
        public static DataConnectionKindDescription Description { get; } = new DataConnectionKindDescription(
            "EventGrid",
            "Event Grid",
            () => new EventGridDataConnection(),
            Text<EventGridDataConnection>("StorageAccountResourceId", "storageAccountResourceId", "The resource id of the storage account whose blobs are ingested.", c => c.StorageAccountResourceId, (c, v) => c.StorageAccountResourceId = v, Identity(ResourceIds.StorageAccount, required: true)),
            Text<EventGridDataConnection>("EventGridResourceId", "eventGridResourceId", "The resource id of the Event Grid subscription ({storage account id}/providers/Microsoft.EventGrid/eventSubscriptions/{name}).", c => c.EventGridResourceId, (c, v) => c.EventGridResourceId = v, Identity(ResourceIds.EventGridSubscription)),
            Text<EventGridDataConnection>("EventHubResourceId", "eventHubResourceId", "The resource id of the event hub that receives the Event Grid notifications.", c => c.EventHubResourceId, (c, v) => c.EventHubResourceId = v, Identity(ResourceIds.EventHub, required: true)),
            Text<EventGridDataConnection>("ConsumerGroup", "consumerGroup", "The event hub's consumer group the connection reads with.", c => c.ConsumerGroup, (c, v) => c.ConsumerGroup = v, Common.ConsumerGroup()),
            Text<EventGridDataConnection>("TableName", "tableName", "The table that receives the data (or leave it to each blob's metadata).", c => c.TableName, (c, v) => c.TableName = v, Common.Table()),
            Text<EventGridDataConnection>("MappingRuleName", "mappingRuleName", "The ingestion mapping of the table.", c => c.MappingRuleName, (c, v) => c.MappingRuleName = v, Common.Mapping()),
            Text<EventGridDataConnection>("DataFormat", "dataFormat", "The data format of the blobs, e.g. CSV, JSON or PARQUET (case-insensitive).", c => c.DataFormat, (c, v) => c.DataFormat = v, Common.DataFormat(DataConnectionKind.EventGrid)),
            Flag<EventGridDataConnection>("IgnoreFirstRecord", "ignoreFirstRecord", "Skip the first record of every file (e.g. a CSV header line).", c => c.IgnoreFirstRecord, (c, v) => c.IgnoreFirstRecord = v),
            Text<EventGridDataConnection>("BlobStorageEventType", "blobStorageEventType", "The blob event to ingest on: Microsoft.Storage.BlobCreated (the default) or Microsoft.Storage.BlobRenamed.", c => c.BlobStorageEventType, (c, v) => c.BlobStorageEventType = v, OneOf(KustoRules.BlobStorageEventTypes, KustoRules.NormalizeBlobStorageEventType)),
            Text<EventGridDataConnection>("ManagedIdentityResourceId", "managedIdentityResourceId", "The managed identity that reads the storage account: a user-assigned identity, or the cluster's id for its system identity.", c => c.ManagedIdentityResourceId, (c, v) => c.ManagedIdentityResourceId = v, Common.ManagedIdentity()),
            Text<EventGridDataConnection>("ManagedIdentityObjectId", "managedIdentityObjectId", "The object id of that managed identity (set by the service).", c => c.ManagedIdentityObjectId, (c, v) => c.ManagedIdentityObjectId = v, ReadOnly()),
            Text<EventGridDataConnection>("DatabaseRouting", "databaseRouting", "Single (the default): data goes to this database only; Multi: blobs may route to other databases.", c => c.DatabaseRouting, (c, v) => c.DatabaseRouting = v, Common.DatabaseRouting()));

        /// <inheritdoc />
        public override string Kind => Description.ArmKind;

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
        /// <summary>The Cosmos DB kind: its ARM kind and every property, once.</summary>
        public static DataConnectionKindDescription Description { get; } = new DataConnectionKindDescription(
            "CosmosDb",
            "Cosmos DB",
            () => new CosmosDbDataConnection(),
            Text<CosmosDbDataConnection>("CosmosDbAccountResourceId", "cosmosDbAccountResourceId", "The resource id of the Cosmos DB account (Microsoft.DocumentDB/databaseAccounts/{name}; any casing).", c => c.CosmosDbAccountResourceId, (c, v) => c.CosmosDbAccountResourceId = v, Identity(ResourceIds.CosmosDbAccount, required: true)),
            Text<CosmosDbDataConnection>("CosmosDbDatabase", "cosmosDbDatabase", "The Cosmos DB (SQL) database.", c => c.CosmosDbDatabase, (c, v) => c.CosmosDbDatabase = v, Name((v, p) => KustoRules.ValidateCosmosDbDatabase(v, p), required: true)),
            Text<CosmosDbDataConnection>("CosmosDbContainer", "cosmosDbContainer", "The container whose documents are ingested.", c => c.CosmosDbContainer, (c, v) => c.CosmosDbContainer = v, Name((v, p) => KustoRules.ValidateCosmosDbContainer(v, p), required: true)),
            Text<CosmosDbDataConnection>("TableName", "tableName", "The table that receives the data.", c => c.TableName, (c, v) => c.TableName = v, Common.Table(required: true)),
            Text<CosmosDbDataConnection>("MappingRuleName", "mappingRuleName", "The ingestion mapping of the table.", c => c.MappingRuleName, (c, v) => c.MappingRuleName = v, Common.Mapping()),
            Text<CosmosDbDataConnection>("ManagedIdentityResourceId", "managedIdentityResourceId", "The managed identity that reads the Cosmos DB account: a user-assigned identity, or the cluster's id for its system identity.", c => c.ManagedIdentityResourceId, (c, v) => c.ManagedIdentityResourceId = v, Common.ManagedIdentity(required: true)),
            Text<CosmosDbDataConnection>("ManagedIdentityObjectId", "managedIdentityObjectId", "The object id of that managed identity (set by the service).", c => c.ManagedIdentityObjectId, (c, v) => c.ManagedIdentityObjectId = v, ReadOnly()),
            Date<CosmosDbDataConnection>("RetrievalStartDate", "retrievalStartDate", "Ingest the documents changed from this date on.", c => c.RetrievalStartDate, (c, v) => c.RetrievalStartDate = v));

        /// <inheritdoc />
        public override string Kind => Description.ArmKind;

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
    /// A data connection of another kind, one the engine does not model (a kind the service adds after api-version
    /// 2024-04-13). Its properties are kept verbatim, so that it can be shown, and sent back unchanged. The cmdlets
    /// write it as KustoOtherDataConnection (engine <c>{Kind}DataConnection</c>, output <c>Kusto{Kind}DataConnection</c>).
    /// </summary>
    public sealed class OtherDataConnection : DataConnection
    {
        /// <inheritdoc />
        public override string Kind => KindName;

        /// <summary>The "kind" ARM sent.</summary>
        public string KindName { get; set; } = string.Empty;

        /// <summary>The "properties" object exactly as ARM sent it ("{}" when absent).</summary>
        public string PropertiesJson { get; set; } = "{}";
    }
}
