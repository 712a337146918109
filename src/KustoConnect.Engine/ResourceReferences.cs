using System;

namespace KustoConnect.Engine
{
    /// <summary>A Kusto cluster: the scope of databases.</summary>
    public sealed class ClusterRef
    {
        internal ClusterRef(string subscriptionId, string resourceGroupName, string clusterName)
        {
            SubscriptionId = subscriptionId;
            ResourceGroupName = resourceGroupName;
            ClusterName = clusterName;
            ResourceId = "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroupName + "/providers/Microsoft.Kusto/clusters/" + clusterName;
        }

        /// <summary>The subscription (a GUID).</summary>
        public string SubscriptionId { get; }

        /// <summary>The resource group that holds the cluster.</summary>
        public string ResourceGroupName { get; }

        /// <summary>The cluster's name, lowercase (cluster names are case-insensitive in Azure).</summary>
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

        /// <summary>Parses a cluster resource id strictly (<see cref="ResourceIds.Cluster"/>); the name is lowercased.</summary>
        public static ClusterRef Parse(string? resourceId, string parameterName = "ResourceId")
        {
            var id = ResourceIds.Parse(resourceId, ResourceIds.Cluster, parameterName);
            return new ClusterRef(id.SubscriptionId, id.ResourceGroupName, id.Name);
        }

        /// <summary>The canonical <see cref="ResourceId"/>.</summary>
        /// <returns>The resource id.</returns>
        public override string ToString() => ResourceId;
    }

    /// <summary>A Kusto database: the scope of data connections.</summary>
    public sealed class DatabaseRef
    {
        internal DatabaseRef(string subscriptionId, string resourceGroupName, string clusterName, string databaseName)
        {
            SubscriptionId = subscriptionId;
            ResourceGroupName = resourceGroupName;
            ClusterName = clusterName;
            DatabaseName = databaseName;
            ResourceId = "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroupName
                + "/providers/Microsoft.Kusto/clusters/" + clusterName + "/databases/" + databaseName;
        }

        /// <summary>The subscription (a GUID).</summary>
        public string SubscriptionId { get; }

        /// <summary>The resource group that holds the cluster.</summary>
        public string ResourceGroupName { get; }

        /// <summary>The cluster's name, lowercase.</summary>
        public string ClusterName { get; }

        /// <summary>The database's name, as given.</summary>
        public string DatabaseName { get; }

        /// <summary>The cluster that holds the database.</summary>
        public ClusterRef Cluster => new ClusterRef(SubscriptionId, ResourceGroupName, ClusterName);

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

        /// <summary>Parses a database resource id strictly (<see cref="ResourceIds.Database"/>); cluster names are lowercased.</summary>
        public static DatabaseRef Parse(string? resourceId, string parameterName = "ResourceId")
        {
            var id = ResourceIds.Parse(resourceId, ResourceIds.Database, parameterName);
            return new DatabaseRef(id.SubscriptionId, id.ResourceGroupName, id.Names[0], id.Names[1]);
        }

        /// <summary>The canonical <see cref="ResourceId"/>.</summary>
        /// <returns>The resource id.</returns>
        public override string ToString() => ResourceId;
    }

    /// <summary>A data connection of a Kusto database.</summary>
    public sealed class DataConnectionRef
    {
        private DataConnectionRef(DatabaseRef database, string name)
        {
            Database = database;
            Name = name;
            ResourceId = database.ResourceId + "/dataConnections/" + name;
        }

        /// <summary>The database that holds the data connection.</summary>
        public DatabaseRef Database { get; }

        /// <summary>The data connection's name, as given.</summary>
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
        /// Parses a data connection resource id strictly (<see cref="ResourceIds.DataConnection"/>: any casing of its literal
        /// segments, as ARM itself answers "Clusters/.../Databases/.../DataConnections"; no empty, dot or extra segments; every
        /// name by its rule). Cluster names are case-insensitive in Azure and are lowercased.
        /// </summary>
        public static DataConnectionRef Parse(string? resourceId, string parameterName = "ResourceId")
        {
            var id = ResourceIds.Parse(resourceId, ResourceIds.DataConnection, parameterName);
            return new DataConnectionRef(new DatabaseRef(id.SubscriptionId, id.ResourceGroupName, id.Names[0], id.Names[1]), id.Names[2]);
        }

        /// <summary>For tests of the request guard only: a reference whose name is NOT checked.</summary>
        internal static DataConnectionRef CreateUnchecked(DatabaseRef database, string name) => new DataConnectionRef(database, name);

        /// <summary>The canonical <see cref="ResourceId"/>.</summary>
        /// <returns>The resource id.</returns>
        public override string ToString() => ResourceId;
    }
}
