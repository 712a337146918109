using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using KustoConnect.Engine.Internal;

namespace KustoConnect.Engine
{
    /// <summary>Read Kusto clusters and databases through ARM (the scopes of data connections).</summary>
    public interface IClusterOperations
    {
        /// <summary>GET a cluster; a missing one throws <see cref="KustoArmException"/> with StatusCode 404.</summary>
        Task<ClusterInfo> GetClusterAsync(ClusterRef cluster, CancellationToken cancellationToken);

        /// <summary>Every cluster of a resource group (follows nextLink).</summary>
        Task<IReadOnlyList<ClusterInfo>> ListClustersAsync(string subscriptionId, string resourceGroupName, CancellationToken cancellationToken);

        /// <summary>GET a database; a missing one throws <see cref="KustoArmException"/> with StatusCode 404.</summary>
        Task<DatabaseInfo> GetDatabaseAsync(DatabaseRef database, CancellationToken cancellationToken);

        /// <summary>Every database of a cluster (follows nextLink).</summary>
        Task<IReadOnlyList<DatabaseInfo>> ListDatabasesAsync(ClusterRef cluster, CancellationToken cancellationToken);
    }

    /// <summary>The cluster and database reads share the data connections' pipeline, URL building and nextLink checks.</summary>
    internal sealed partial class DataConnectionOperations
    {
        public Task<ClusterInfo> GetClusterAsync(ClusterRef cluster, CancellationToken cancellationToken)
        {
            if (cluster == null)
            {
                throw new ArgumentNullException(nameof(cluster));
            }

            return GetOneAsync(cluster.ResourceId, KustoResourceJson.ReadCluster, cancellationToken);
        }

        public Task<IReadOnlyList<ClusterInfo>> ListClustersAsync(string subscriptionId, string resourceGroupName, CancellationToken cancellationToken)
        {
            KustoRules.ValidateSubscriptionId(subscriptionId);
            KustoRules.ValidateResourceGroupName(resourceGroupName);
            var scope = "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroupName + "/providers/Microsoft.Kusto/clusters";
            return ListAllAsync(scope, "clusters", KustoResourceJson.ReadCluster, cancellationToken);
        }

        public Task<DatabaseInfo> GetDatabaseAsync(DatabaseRef database, CancellationToken cancellationToken)
        {
            if (database == null)
            {
                throw new ArgumentNullException(nameof(database));
            }

            return GetOneAsync(database.ResourceId, KustoResourceJson.ReadDatabase, cancellationToken);
        }

        public Task<IReadOnlyList<DatabaseInfo>> ListDatabasesAsync(ClusterRef cluster, CancellationToken cancellationToken)
        {
            if (cluster == null)
            {
                throw new ArgumentNullException(nameof(cluster));
            }

            return ListAllAsync(cluster.ResourceId + "/databases", "databases", KustoResourceJson.ReadDatabase, cancellationToken);
        }

        private async Task<T> GetOneAsync<T>(string resourceId, Func<JsonElement, T> read, CancellationToken cancellationToken)
        {
            try
            {
                var body = await SendGetAsync(Url(resourceId), cancellationToken).ConfigureAwait(false);
                using var document = JsonDocument.Parse(body.ToMemory());
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("ARM answered with something other than a JSON object.");
                }

                return read(document.RootElement);
            }
            catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
            {
                throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
            }
        }

        private async Task<IReadOnlyList<T>> ListAllAsync<T>(string collectionId, string what, Func<JsonElement, T> read, CancellationToken cancellationToken)
        {
            try
            {
                var all = new List<T>();
                await _requests.ReadItemsAsync(RequestMethod.Get, Url(collectionId), what, item => all.Add(read(item)), cancellationToken).ConfigureAwait(false);
                return all;
            }
            catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
            {
                throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
            }
        }
    }
}
