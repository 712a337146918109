using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// The session's operations as callers see them: each call opens a <see cref="RequestTarget"/> for the resource it is
    /// about, so that <see cref="RequestPathGuardPolicy"/> refuses any request of the call that would reach another one.
    /// </summary>
    internal sealed class GuardedOperations : IDataConnectionOperations, IClusterOperations, IAzureResourceOperations
    {
        private readonly IDataConnectionOperations _dataConnections;
        private readonly IClusterOperations _clusters;
        private readonly IAzureResourceOperations _resources;
        private readonly DataConnectionWorkflows _workflows;

        internal GuardedOperations(IDataConnectionOperations dataConnections, IClusterOperations clusters, IAzureResourceOperations resources)
        {
            _dataConnections = dataConnections;
            _clusters = clusters;
            _resources = resources;

            // The workflows run over these guarded calls: each step opens the target of its own request(s).
            _workflows = new DataConnectionWorkflows(this, this, this);
        }

        public async Task<DataConnectionResult> CreateAsync(DataConnectionRef target, DataConnection definition, CreateOptions? options, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            using (On(target))
            {
                return await _workflows.CreateAsync(target, definition, options, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<IReadOnlyList<string>> ValidateAsync(DataConnectionRef target, DataConnection definition, ValidateOptions? options, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            using (RequestTarget.Expect(Required(target).Database.ResourceId, "/dataConnectionValidation"))
            {
                return await _workflows.ValidateAsync(target, definition, options, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<DataConnectionResult> UpdateAsync(DataConnectionRef target, DataConnectionChanges changes, UpdateOptions? options, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            using (On(target))
            {
                return await _workflows.UpdateAsync(target, changes, options, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<DataConnectionResult> DeleteAsync(DataConnectionRef target, DeleteOptions? options, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            using (On(target))
            {
                return await _workflows.DeleteAsync(target, options, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<DataConnection> CreateOrUpdateAsync(DataConnectionRef target, DataConnection connection, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            using (On(target))
            {
                return await _dataConnections.CreateOrUpdateAsync(target, connection, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<DataConnection> GetAsync(DataConnectionRef target, CancellationToken cancellationToken)
        {
            using (On(target))
            {
                return await _dataConnections.GetAsync(target, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<IReadOnlyList<DataConnection>> ListAsync(DatabaseRef database, CancellationToken cancellationToken)
        {
            using (RequestTarget.Expect(Required(database).ResourceId, "/dataConnections"))
            {
                return await _dataConnections.ListAsync(database, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<DataConnection> UpdateAsync(DataConnectionRef target, DataConnection changes, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            using (On(target))
            {
                return await _dataConnections.UpdateAsync(target, changes, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task DeleteAsync(DataConnectionRef target, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            using (On(target))
            {
                await _dataConnections.DeleteAsync(target, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<StartedOperation> StartCreateOrUpdateAsync(DataConnectionRef target, DataConnection connection, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            using (On(target))
            {
                return await _dataConnections.StartCreateOrUpdateAsync(target, connection, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<StartedOperation> StartUpdateAsync(DataConnectionRef target, DataConnection changes, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            using (On(target))
            {
                return await _dataConnections.StartUpdateAsync(target, changes, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<StartedOperation> StartDeleteAsync(DataConnectionRef target, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            using (On(target))
            {
                return await _dataConnections.StartDeleteAsync(target, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<DataConnection?> WaitForOperationAsync(KustoOperationKind kind, DataConnectionRef? target, string? operationUrl, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            // Without a target only operation-status GETs may be sent (and the structural checks apply to them).
            using (target == null ? RequestTarget.Expect("/(operation status only)") : On(target))
            {
                return await _dataConnections.WaitForOperationAsync(kind, target, operationUrl, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<NameAvailability> CheckNameAvailabilityAsync(DataConnectionRef target, CancellationToken cancellationToken)
        {
            using (RequestTarget.Expect(Required(target).Database.ResourceId, "/checkNameAvailability"))
            {
                return await _dataConnections.CheckNameAvailabilityAsync(target, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<IReadOnlyList<string>> ValidateAsync(DataConnectionRef target, DataConnection connection, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            using (RequestTarget.Expect(Required(target).Database.ResourceId, "/dataConnectionValidation"))
            {
                return await _dataConnections.ValidateAsync(target, connection, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<ClusterInfo> GetClusterAsync(ClusterRef cluster, CancellationToken cancellationToken)
        {
            using (RequestTarget.Expect(Required(cluster).ResourceId))
            {
                return await _clusters.GetClusterAsync(cluster, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<IReadOnlyList<ClusterInfo>> ListClustersAsync(string subscriptionId, string resourceGroupName, CancellationToken cancellationToken)
        {
            KustoRules.ValidateSubscriptionId(subscriptionId);
            KustoRules.ValidateResourceGroupName(resourceGroupName);
            using (RequestTarget.Expect("/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroupName + "/providers/Microsoft.Kusto/clusters"))
            {
                return await _clusters.ListClustersAsync(subscriptionId, resourceGroupName, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<DatabaseInfo> GetDatabaseAsync(DatabaseRef database, CancellationToken cancellationToken)
        {
            using (RequestTarget.Expect(Required(database).ResourceId))
            {
                return await _clusters.GetDatabaseAsync(database, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<IReadOnlyList<DatabaseInfo>> ListDatabasesAsync(ClusterRef cluster, CancellationToken cancellationToken)
        {
            using (RequestTarget.Expect(Required(cluster).ResourceId, "/databases"))
            {
                return await _clusters.ListDatabasesAsync(cluster, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<IReadOnlyList<string>> ListResourceGroupNamesAsync(string subscriptionId, CancellationToken cancellationToken)
        {
            KustoRules.ValidateSubscriptionId(subscriptionId);
            using (RequestTarget.Expect("/subscriptions/" + subscriptionId + "/resourcegroups"))
            {
                return await _resources.ListResourceGroupNamesAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<IReadOnlyList<KeyValuePair<string, string?>>> ListSubscriptionsAsync(CancellationToken cancellationToken)
        {
            using (RequestTarget.Expect("/subscriptions"))
            {
                return await _resources.ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public Task<IReadOnlyList<IotHubAccessPolicy>> ListIotHubAccessPoliciesAsync(string iotHubResourceId, IOperationObserver? observer, CancellationToken cancellationToken) =>
            ListIotHubAccessPoliciesAsync(ResourceIds.Parse(iotHubResourceId, ResourceIds.IotHub), observer, cancellationToken);

        public async Task<IReadOnlyList<IotHubAccessPolicy>> ListIotHubAccessPoliciesAsync(ResourceIdentity hub, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            using (RequestTarget.Expect(Required(hub).ResourceId, "/listkeys"))
            {
                return await _resources.ListIotHubAccessPoliciesAsync(hub, observer, cancellationToken).ConfigureAwait(false);
            }
        }

        private static IDisposable On(DataConnectionRef target) => RequestTarget.Expect(Required(target).ResourceId);

        private static T Required<T>(T value)
            where T : class => value ?? throw new ArgumentNullException(nameof(value));
    }
}
