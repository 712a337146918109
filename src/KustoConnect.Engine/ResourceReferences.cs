using System;
using Azure.Core;

namespace KustoConnect.Engine
{
    /// <summary>A Kusto cluster: the scope of databases.</summary>
    public sealed class ClusterRef
    {
        private ClusterRef(string subscriptionId, string resourceGroupName, string clusterName)
        {
            SubscriptionId = subscriptionId;
            ResourceGroupName = resourceGroupName;
            ClusterName = clusterName;
            ResourceId = "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroupName + "/providers/Microsoft.Kusto/clusters/" + clusterName;
        }

        public string SubscriptionId { get; }

        public string ResourceGroupName { get; }

        public string ClusterName { get; }

        /// <summary>The canonical id, with a lowercase type segment (clusters).</summary>
        public string ResourceId { get; }

        /// <summary>Validates every part (see <see cref="KustoRules"/>) and builds the reference.</summary>
        public static ClusterRef Create(string subscriptionId, string resourceGroupName, string clusterName)
        {
            KustoRules.ValidateSubscriptionId(subscriptionId);
            KustoRules.ValidateResourceGroupName(resourceGroupName);
            KustoRules.ValidateClusterName(clusterName);
            return new ClusterRef(subscriptionId, resourceGroupName, clusterName);
        }

        public override string ToString() => ResourceId;
    }

    /// <summary>A Kusto database: the scope of data connections.</summary>
    public sealed class DatabaseRef
    {
        private DatabaseRef(string subscriptionId, string resourceGroupName, string clusterName, string databaseName)
        {
            SubscriptionId = subscriptionId;
            ResourceGroupName = resourceGroupName;
            ClusterName = clusterName;
            DatabaseName = databaseName;
            ResourceId = "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroupName
                + "/providers/Microsoft.Kusto/clusters/" + clusterName + "/databases/" + databaseName;
        }

        public string SubscriptionId { get; }

        public string ResourceGroupName { get; }

        public string ClusterName { get; }

        public string DatabaseName { get; }

        /// <summary>The cluster that holds the database.</summary>
        public ClusterRef Cluster => ClusterRef.Create(SubscriptionId, ResourceGroupName, ClusterName);

        /// <summary>The canonical id, with lowercase type segments (clusters, databases).</summary>
        public string ResourceId { get; }

        /// <summary>Validates every part (see <see cref="KustoRules"/>) and builds the reference.</summary>
        public static DatabaseRef Create(string subscriptionId, string resourceGroupName, string clusterName, string databaseName)
        {
            KustoRules.ValidateSubscriptionId(subscriptionId);
            KustoRules.ValidateResourceGroupName(resourceGroupName);
            KustoRules.ValidateClusterName(clusterName);
            KustoRules.ValidateDatabaseName(databaseName);
            return new DatabaseRef(subscriptionId, resourceGroupName, clusterName, databaseName);
        }

        public override string ToString() => ResourceId;
    }

    /// <summary>A data connection of a Kusto database.</summary>
    public sealed class DataConnectionRef
    {
        private const string KustoNamespace = "Microsoft.Kusto";
        private const string DataConnectionType = "clusters/databases/dataConnections";

        private DataConnectionRef(DatabaseRef database, string name)
        {
            Database = database;
            Name = name;
            ResourceId = database.ResourceId + "/dataConnections/" + name;
        }

        public DatabaseRef Database { get; }

        public string Name { get; }

        /// <summary>The canonical id, with lowercase type segments (clusters, databases, dataConnections).</summary>
        public string ResourceId { get; }

        /// <summary>Validates the name and builds the reference.</summary>
        public static DataConnectionRef Create(DatabaseRef database, string name)
        {
            if (database == null)
            {
                throw new ArgumentNullException(nameof(database));
            }

            KustoRules.ValidateDataConnectionName(name);
            return new DataConnectionRef(database, name);
        }

        /// <summary>
        /// Parses a data connection resource id in any casing of its segments (ARM itself answers with
        /// "Clusters/.../Databases/.../DataConnections"). Cluster names are case-insensitive in Azure and are lowercased.
        /// </summary>
        public static DataConnectionRef Parse(string resourceId)
        {
            if (string.IsNullOrWhiteSpace(resourceId)
                || !ResourceIdentifier.TryParse(resourceId.Trim(), out var id)
                || id is null
                || !string.Equals(id.ResourceType.Namespace, KustoNamespace, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(id.ResourceType.Type, DataConnectionType, StringComparison.OrdinalIgnoreCase)
                || id.SubscriptionId == null
                || id.ResourceGroupName == null
                || id.Parent?.Parent is null)
            {
                throw new KustoValidationException(
                    "InvalidDataConnectionResourceId",
                    "'" + resourceId + "' is not a data connection resource id. Expected /subscriptions/{subscriptionId}/resourceGroups/"
                    + "{resourceGroup}/providers/Microsoft.Kusto/clusters/{cluster}/databases/{database}/dataConnections/{name}.",
                    "ResourceId");
            }

            var database = DatabaseRef.Create(
                id.SubscriptionId,
                id.ResourceGroupName,
                id.Parent.Parent.Name.ToLowerInvariant(),
                id.Parent.Name);
            return Create(database, id.Name);
        }

        public override string ToString() => ResourceId;
    }
}
