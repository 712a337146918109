using KustoConnect.Engine;

namespace KustoConnect.Models
{
    /// <summary>An Azure Data Explorer cluster, as Get-KustoCluster writes it.</summary>
    public sealed class KustoCluster
    {
        /// <summary>Creates an empty one.</summary>
        public KustoCluster()
        {
        }

        internal KustoCluster(ClusterInfo source)
        {
            Name = source.Name;
            Id = source.Id;
            SubscriptionId = source.SubscriptionId;
            ResourceGroupName = source.ResourceGroupName;
            Location = source.Location;
            State = source.State;
            ProvisioningState = source.ProvisioningState;
            Uri = source.Uri;
            DataIngestionUri = source.DataIngestionUri;
            SkuName = source.SkuName;
            SkuTier = source.SkuTier;
            SkuCapacity = source.SkuCapacity;
        }

        /// <summary>The cluster's name.</summary>
        public string? Name { get; set; }

        /// <summary>The ARM resource id.</summary>
        public string? Id { get; set; }

        /// <summary>The subscription that holds the cluster.</summary>
        public string? SubscriptionId { get; set; }

        /// <summary>The resource group of the cluster.</summary>
        public string? ResourceGroupName { get; set; }

        /// <summary>The Azure region.</summary>
        public string? Location { get; set; }

        /// <summary>Running, Stopped, Creating, ...</summary>
        public string? State { get; set; }

        /// <summary>Succeeded, Failed, ...</summary>
        public string? ProvisioningState { get; set; }

        /// <summary>The query endpoint.</summary>
        public string? Uri { get; set; }

        /// <summary>The ingestion endpoint.</summary>
        public string? DataIngestionUri { get; set; }

        /// <summary>The SKU, e.g. Standard_E2ads_v5.</summary>
        public string? SkuName { get; set; }

        /// <summary>Basic or Standard.</summary>
        public string? SkuTier { get; set; }

        /// <summary>The instance count.</summary>
        public int? SkuCapacity { get; set; }

        /// <inheritdoc />
        public override string ToString() => Name ?? string.Empty;
    }

    /// <summary>A database of an Azure Data Explorer cluster, as Get-KustoDatabase writes it.</summary>
    public sealed class KustoDatabase
    {
        /// <summary>Creates an empty one.</summary>
        public KustoDatabase()
        {
        }

        internal KustoDatabase(DatabaseInfo source)
        {
            Name = source.Name;
            Kind = source.Kind;
            Id = source.Id;
            SubscriptionId = source.SubscriptionId;
            ResourceGroupName = source.ResourceGroupName;
            ClusterName = source.ClusterName;
            Location = source.Location;
            ProvisioningState = source.ProvisioningState;
            SoftDeletePeriod = source.SoftDeletePeriod;
            HotCachePeriod = source.HotCachePeriod;
        }

        /// <summary>The database's name.</summary>
        public string? Name { get; set; }

        /// <summary>ReadWrite or ReadOnlyFollowing.</summary>
        public string? Kind { get; set; }

        /// <summary>The ARM resource id.</summary>
        public string? Id { get; set; }

        /// <summary>The subscription that holds the cluster.</summary>
        public string? SubscriptionId { get; set; }

        /// <summary>The resource group of the cluster.</summary>
        public string? ResourceGroupName { get; set; }

        /// <summary>The cluster.</summary>
        public string? ClusterName { get; set; }

        /// <summary>The Azure region (the cluster's).</summary>
        public string? Location { get; set; }

        /// <summary>Succeeded, Failed, ...</summary>
        public string? ProvisioningState { get; set; }

        /// <summary>How long data is kept, an ISO 8601 duration such as P365D.</summary>
        public string? SoftDeletePeriod { get; set; }

        /// <summary>How long data is kept in the hot cache, an ISO 8601 duration such as P31D.</summary>
        public string? HotCachePeriod { get; set; }

        /// <inheritdoc />
        public override string ToString() => Name ?? string.Empty;
    }
}
