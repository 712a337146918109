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

        /// <summary>The resource id of the IoT hub.</summary>
        public string? IotHubResourceId { get; set; }

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

        /// <summary>System properties of the IoT hub messages to ingest.</summary>
        public IList<string> EventSystemProperties { get; set; } = new List<string>();

        /// <summary>When set, events retained by the hub since this date are ingested too.</summary>
        public DateTimeOffset? RetrievalStartDate { get; set; }
    }

    /// <summary>
    /// A data connection of a kind the engine does not model yet (EventHub, EventGrid, CosmosDb for now, and future kinds).
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
