namespace KustoConnect.Engine
{
    /// <summary>A Microsoft.Kusto cluster, as ARM describes it (the properties a data-connection user needs).</summary>
    public sealed class ClusterInfo
    {
        /// <summary>The resource id as ARM returned it.</summary>
        public string? Id { get; set; }

        /// <summary>The cluster's name.</summary>
        public string? Name { get; set; }

        /// <summary>The subscription, read from <see cref="Id"/>.</summary>
        public string? SubscriptionId { get; set; }

        /// <summary>The resource group, read from <see cref="Id"/>.</summary>
        public string? ResourceGroupName { get; set; }

        /// <summary>The location as ARM sent it: a name ("centralus") or a display name ("Central US").</summary>
        public string? Location { get; set; }

        /// <summary>properties.state: Running, Stopped, Creating, ...</summary>
        public string? State { get; set; }

        /// <summary>properties.provisioningState.</summary>
        public string? ProvisioningState { get; set; }

        /// <summary>properties.uri: the query endpoint.</summary>
        public string? Uri { get; set; }

        /// <summary>properties.dataIngestionUri: the ingestion endpoint.</summary>
        public string? DataIngestionUri { get; set; }

        /// <summary>sku.name, e.g. Standard_E2ads_v5.</summary>
        public string? SkuName { get; set; }

        /// <summary>sku.tier: Basic or Standard.</summary>
        public string? SkuTier { get; set; }

        /// <summary>sku.capacity: the instance count.</summary>
        public int? SkuCapacity { get; set; }

        /// <summary>"Kusto cluster 'name'".</summary>
        /// <returns>The display text.</returns>
        public override string ToString() => "Kusto cluster '" + (Name ?? "(unnamed)") + "'";
    }

    /// <summary>A Microsoft.Kusto database, as ARM describes it.</summary>
    public sealed class DatabaseInfo
    {
        /// <summary>The resource id as ARM returned it.</summary>
        public string? Id { get; set; }

        /// <summary>The short name (not ARM's "cluster/database").</summary>
        public string? Name { get; set; }

        /// <summary>The subscription, read from <see cref="Id"/>.</summary>
        public string? SubscriptionId { get; set; }

        /// <summary>The resource group, read from <see cref="Id"/>.</summary>
        public string? ResourceGroupName { get; set; }

        /// <summary>The cluster that holds the database, read from <see cref="Id"/>.</summary>
        public string? ClusterName { get; set; }

        /// <summary>The location as ARM sent it.</summary>
        public string? Location { get; set; }

        /// <summary>ReadWrite or ReadOnlyFollowing.</summary>
        public string? Kind { get; set; }

        /// <summary>properties.provisioningState.</summary>
        public string? ProvisioningState { get; set; }

        /// <summary>properties.softDeletePeriod, an ISO 8601 duration such as P365D.</summary>
        public string? SoftDeletePeriod { get; set; }

        /// <summary>properties.hotCachePeriod, an ISO 8601 duration such as P31D.</summary>
        public string? HotCachePeriod { get; set; }

        /// <summary>"Kusto database 'name'".</summary>
        /// <returns>The display text.</returns>
        public override string ToString() => "Kusto database '" + (Name ?? "(unnamed)") + "'";
    }
}
