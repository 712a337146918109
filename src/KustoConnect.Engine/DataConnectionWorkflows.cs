using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Engine.Internal;

namespace KustoConnect.Engine
{
    /// <summary>What <see cref="IDataConnectionOperations.CreateAsync"/> does when a data connection of that name exists.</summary>
    public enum ExistingConnectionPolicy
    {
        /// <summary>
        /// Refuse (<see cref="DataConnectionExistsException"/>, nothing written), except a connection whose create ended
        /// Failed: its definition is sent again, with a warning through the observer. One GET first.
        /// </summary>
        RefuseUnlessFailed,

        /// <summary>Do not read it: the PUT overwrites whatever exists (no GET).</summary>
        Overwrite,
    }

    /// <summary>How <see cref="IDataConnectionOperations.CreateAsync"/> creates a data connection.</summary>
    public sealed class CreateOptions : WaitOptions
    {
        /// <summary>
        /// Ask the service's dataConnectionValidation first (-Validate): when it finds problems, throw
        /// <see cref="DataConnectionValidationFailedException"/> holding all of its messages, and write nothing.
        /// </summary>
        public bool ValidateFirst { get; set; }

        /// <summary>
        /// For an IoT Hub definition without a shared access policy: choose one of the hub's that grants ServiceConnect
        /// (preferring exactly ServiceConnect; the choice goes to the observer's verbose stream). False leaves the
        /// definition as it is (then the client-side rules refuse it).
        /// </summary>
        public bool ChooseIotHubPolicy { get; set; } = true;

        /// <summary>
        /// Read the cluster to check that a given location is its own (LocationNotClusterLocation), the default. False
        /// trusts a location the definition has (no cluster GET; one is still sent to fill a missing location).
        /// </summary>
        public bool CheckLocation { get; set; } = true;

        /// <summary>What to do with a data connection of that name that exists already.</summary>
        public ExistingConnectionPolicy IfExists { get; set; } = ExistingConnectionPolicy.RefuseUnlessFailed;
    }

    /// <summary>
    /// The create, validate, update and delete workflows, composed of the session's single calls. The session runs them over its guarded
    /// operations, so each step opens its own request target (the cluster GET may only reach the cluster, the listkeys
    /// only the hub, the PUT only the connection).
    /// </summary>
    internal sealed class DataConnectionWorkflows
    {
        private readonly IDataConnectionOperations _dataConnections;
        private readonly IClusterOperations _clusters;
        private readonly IAzureResourceOperations _resources;

        internal DataConnectionWorkflows(IDataConnectionOperations dataConnections, IClusterOperations clusters, IAzureResourceOperations resources)
        {
            _dataConnections = dataConnections;
            _clusters = clusters;
            _resources = resources;
        }

        /// <summary>
        /// Existence check, the IoT hub's policy, the cluster's location (default or check), the service's validation,
        /// then the PUT and the wait (or not) — in this order, as New-Kusto*Connection has always sent them.
        /// </summary>
        internal async Task<DataConnectionResult> CreateAsync(DataConnectionRef target, DataConnection definition, CreateOptions? options, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            if (definition == null)
            {
                throw new ArgumentNullException(nameof(definition));
            }

            options ??= new CreateOptions();
            observer = BudgetObserver.With(observer, options.WaitTimeout);
            if (options.IfExists == ExistingConnectionPolicy.RefuseUnlessFailed)
            {
                await EnsureAbsentAsync(target, observer, cancellationToken).ConfigureAwait(false);
            }

            if (options.ChooseIotHubPolicy && definition is IotHubDataConnection hub && string.IsNullOrEmpty(hub.SharedAccessPolicyName))
            {
                hub.SharedAccessPolicyName = await ChooseIotHubPolicyAsync(hub, observer, cancellationToken).ConfigureAwait(false);
            }

            if (options.CheckLocation || string.IsNullOrEmpty(definition.Location))
            {
                var cluster = await _clusters.GetClusterAsync(target.Database.Cluster, cancellationToken).ConfigureAwait(false);
                if (string.IsNullOrEmpty(definition.Location))
                {
                    definition.Location = cluster.Location;
                    observer?.OnVerbose($"No -Location given: using the location of cluster '{target.Database.ClusterName}', '{cluster.Location}'.");
                }
                else
                {
                    CheckLocation(definition.Location!, cluster, target);
                }
            }

            if (options.ValidateFirst)
            {
                var messages = await _dataConnections.ValidateAsync(target, definition, observer, cancellationToken).ConfigureAwait(false);
                if (messages.Count > 0)
                {
                    throw new DataConnectionValidationFailedException(target, messages);
                }

                observer?.OnVerbose($"Azure validated the definition of data connection '{target.Name}'.");
            }

            if (!options.Wait)
            {
                return new DataConnectionResult(null, await _dataConnections.StartCreateOrUpdateAsync(target, definition, observer, cancellationToken).ConfigureAwait(false));
            }

            return new DataConnectionResult(await _dataConnections.CreateOrUpdateAsync(target, definition, observer, cancellationToken).ConfigureAwait(false), null);
        }

        /// <summary>
        /// The kind (from the changes, or one GET of the connection, reported as verbose), the kind's checks and rules, then
        /// one PATCH of only the changed properties and the wait (or not).
        /// </summary>
        internal async Task<DataConnectionResult> UpdateAsync(DataConnectionRef target, DataConnectionChanges changes, UpdateOptions? options, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            if (changes == null)
            {
                throw new ArgumentNullException(nameof(changes));
            }

            options ??= new UpdateOptions();
            observer = BudgetObserver.With(observer, options.WaitTimeout);
            var kind = changes.Kind;
            if (kind == null)
            {
                observer?.OnVerbose($"No -Kind given: reading data connection '{target.Name}' once to learn its kind.");
                kind = (await _dataConnections.GetAsync(target, cancellationToken).ConfigureAwait(false)).Kind;
            }

            var model = changes.Build(kind, warning => observer?.OnWarning(warning));
            if (!options.Wait)
            {
                return new DataConnectionResult(null, await _dataConnections.StartUpdateAsync(target, model, observer, cancellationToken).ConfigureAwait(false));
            }

            return new DataConnectionResult(await _dataConnections.UpdateAsync(target, model, observer, cancellationToken).ConfigureAwait(false), null);
        }

        /// <summary>The connection read first (unless told not to: a missing one is ObjectNotFound), then the DELETE and the wait (or not).</summary>
        internal async Task<DataConnectionResult> DeleteAsync(DataConnectionRef target, DeleteOptions? options, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            options ??= new DeleteOptions();
            observer = BudgetObserver.With(observer, options.WaitTimeout);
            var existing = options.RequireExisting ? await _dataConnections.GetAsync(target, cancellationToken).ConfigureAwait(false) : null;
            if (!options.Wait)
            {
                return new DataConnectionResult(existing, await _dataConnections.StartDeleteAsync(target, observer, cancellationToken).ConfigureAwait(false));
            }

            await _dataConnections.DeleteAsync(target, observer, cancellationToken).ConfigureAwait(false);
            return new DataConnectionResult(existing, null);
        }

        /// <summary>The service's validation; without a location, the cluster's (one GET first, reported as verbose).</summary>
        internal async Task<IReadOnlyList<string>> ValidateAsync(DataConnectionRef target, DataConnection definition, ValidateOptions? options, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            if (target == null)
            {
                throw new ArgumentNullException(nameof(target));
            }

            if (definition == null)
            {
                throw new ArgumentNullException(nameof(definition));
            }

            options ??= new ValidateOptions();
            if (options.DefaultLocationFromCluster && string.IsNullOrEmpty(definition.Location))
            {
                var cluster = await _clusters.GetClusterAsync(target.Database.Cluster, cancellationToken).ConfigureAwait(false);
                definition.Location = cluster.Location;
                observer?.OnVerbose($"No -Location given: using the location of cluster '{target.Database.ClusterName}', '{cluster.Location}'.");
            }

            return await _dataConnections.ValidateAsync(target, definition, observer, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// A data connection lives in its cluster's region: the service silently stores the cluster's region whatever is
        /// sent, so a different location is refused (nothing is written) with the cluster's location in the message.
        /// </summary>
        internal static void CheckLocation(string location, ClusterInfo cluster, DataConnectionRef target)
        {
            if (string.IsNullOrEmpty(cluster.Location) || SameRegion(location, cluster.Location!))
            {
                return;
            }

            throw new KustoValidationException(
                "LocationNotClusterLocation",
                $"The location {KustoRules.Show(location)} is not the location of cluster '{target.Database.ClusterName}', '{cluster.Location}': a data connection "
                + "is always in its cluster's region. Omit -Location, or pass -Location '" + cluster.Location + "'.",
                "Location");
        }

        /// <summary>"Central US", "centralus" and "CentralUS" name the same region.</summary>
        internal static bool SameRegion(string a, string b) =>
            string.Equals(a.Replace(" ", string.Empty), b.Replace(" ", string.Empty), StringComparison.OrdinalIgnoreCase);

        private async Task EnsureAbsentAsync(DataConnectionRef target, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            DataConnection existing;
            try
            {
                existing = await _dataConnections.GetAsync(target, cancellationToken).ConfigureAwait(false);
            }
            catch (KustoArmException e) when (e.StatusCode == 404)
            {
                return;
            }

            if (string.Equals(existing.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase))
            {
                observer?.OnWarning($"The data connection '{target.Name}' exists in state Failed (an earlier create failed): its definition is sent again.");
                return;
            }

            throw new DataConnectionExistsException(target);
        }

        /// <summary>A policy of the hub that grants ServiceConnect (names and rights only are read).</summary>
        private async Task<string> ChooseIotHubPolicyAsync(IotHubDataConnection hub, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            var hubId = IotHubDataConnection.Description.Find(nameof(IotHubDataConnection.IotHubResourceId))!.Identity(hub);
            var policies = await _resources.ListIotHubAccessPoliciesAsync(hubId, observer, cancellationToken).ConfigureAwait(false);
            var chosen = IotHubAccessPolicy.ChooseForDataConnection(policies);
            if (chosen == null)
            {
                throw new KustoValidationException(
                    "NoServiceConnectPolicy",
                    $"IoT hub '{hubId.Name}' has no shared access policy that grants ServiceConnect"
                    + (policies.Count == 0 ? string.Empty : " (it has " + string.Join(", ", policies.Select(p => p.ToString())) + ")")
                    + ". Add one to the hub, or pass -SharedAccessPolicyName.",
                    "SharedAccessPolicyName");
            }

            observer?.OnVerbose($"No -SharedAccessPolicyName given: using the shared access policy '{chosen.KeyName}' ({chosen.Rights}) of IoT hub '{hubId.Name}'.");
            return chosen.KeyName;
        }

        /// <summary>An observer with a wait budget of its own, forwarding everything else.</summary>
        private sealed class BudgetObserver : IWaitingObserver
        {
            private readonly IOperationObserver? _inner;

            private BudgetObserver(IOperationObserver? inner, TimeSpan waitTimeout)
            {
                _inner = inner;
                WaitTimeout = waitTimeout;
            }

            public TimeSpan WaitTimeout { get; }

            internal static IOperationObserver? With(IOperationObserver? observer, TimeSpan waitTimeout) =>
                waitTimeout > TimeSpan.Zero ? new BudgetObserver(observer, waitTimeout) : observer;

            public void OnProgress(OperationProgress progress) => _inner?.OnProgress(progress);

            public void OnVerbose(string message) => _inner?.OnVerbose(message);

            public void OnDebug(string message) => _inner?.OnDebug(message);

            public void OnUserMessage(string message) => _inner?.OnUserMessage(message);

            public void OnWarning(string message) => _inner?.OnWarning(message);
        }
    }

    /// <summary>How <see cref="IDataConnectionOperations.ValidateAsync(DataConnectionRef, DataConnection, ValidateOptions, IOperationObserver, CancellationToken)"/> validates.</summary>
    public sealed class ValidateOptions
    {
        /// <summary>Without a location on the definition, read the cluster's and use it (the default).</summary>
        public bool DefaultLocationFromCluster { get; set; } = true;
    }
}
