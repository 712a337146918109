using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Engine;
using KustoConnect.Models;

namespace KustoConnect.Internal
{
    /// <summary>
    /// What every New-Kusto*Connection cmdlet shares: where the connection goes (resource group, cluster, database,
    /// name, optional location and subscription), the client-side checks before anything is sent, ShouldProcess, the
    /// refusal to overwrite an existing connection, the cluster's location when -Location is omitted, the service's
    /// validation with -Validate, and the create.
    /// </summary>
    public abstract class NewDataConnectionCmdlet : KustoOperationCmdlet
    {
        /// <summary>Parameter set: the database named by resource group, cluster and database.</summary>
        public const string ByNameSet = "ByName";

        /// <summary>Parameter set: a database object from Get-KustoDatabase (piped or given with -Database).</summary>
        public const string ByDatabaseObjectSet = "ByDatabaseObject";

        /// <summary>The resource group of the cluster.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
        public string ResourceGroupName { get; set; } = null!;

        /// <summary>The Azure Data Explorer cluster.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ClusterNameCompleter))]
        public string ClusterName { get; set; } = null!;

        /// <summary>The database that receives the data.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DatabaseNameCompleter))]
        public string DatabaseName { get; set; } = null!;

        /// <summary>
        /// The database that receives the data, as Get-KustoDatabase writes it (piped by value): its subscription, resource
        /// group, cluster and name are used, nothing else of it.
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByDatabaseObjectSet)]
        [ValidateNotNull]
        public KustoDatabase Database { get; set; } = null!;

        /// <summary>The Azure region of the data connection. Omit it to use the cluster's (read from the cluster first).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Location { get; set; }

        /// <summary>The subscription of the cluster, for this call only; defaults to the context's.</summary>
        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        /// <summary>
        /// Return as soon as the service accepted the create, writing a KustoOperation (provisioning state Creating) to pass
        /// to Wait-KustoOperation.
        /// </summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary>
        /// Ask Azure to validate the definition first (the dataConnectionValidation call of Test-KustoDataConnection): when
        /// it finds problems, write one DataConnectionValidationFailed error holding all of its messages and create nothing.
        /// </summary>
        [Parameter]
        public SwitchParameter Validate { get; set; }

        /// <summary>The -Name the user gave (each kind declares the parameter; null when omitted).</summary>
        protected abstract string? ConnectionName { get; }

        /// <summary>"IoT Hub", "Event Hub", ...: how ShouldProcess names the kind.</summary>
        protected abstract string KindDisplayName { get; }

        /// <summary>Builds the model from the parameters, applying the client-side rules (throws <see cref="KustoValidationException"/>).</summary>
        protected abstract DataConnection BuildModel();

        /// <summary>
        /// The name of the connection when -Name is omitted; throws <see cref="KustoValidationException"/> naming -Name
        /// when the kind has no default (or the default is not a valid name).
        /// </summary>
        protected virtual string DefaultConnectionName() =>
            throw new KustoValidationException("DataConnectionNameRequired", "Pass -Name: the name of the new data connection.", "Name");

        /// <summary>
        /// Completes the model with what must be read from Azure before anything is written (e.g. an IoT hub's shared
        /// access policy); runs off the pipeline thread, before the existence check and the PUT. Nothing by default.
        /// </summary>
        protected virtual Task CompleteModelAsync(KustoSession session, DataConnection model, IOperationObserver observer, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        /// <summary>The target database: from -Database (a Get-KustoDatabase object) or from the name parameters.</summary>
        private DatabaseRef ResolveDatabase(KustoSession session)
        {
            if (ParameterSetName == ByDatabaseObjectSet)
            {
                var subscription = string.IsNullOrEmpty(Database.SubscriptionId) ? ResolveSubscriptionId(session, null) : Database.SubscriptionId!;
                return DatabaseRef.Create(
                    subscription,
                    Database.ResourceGroupName ?? string.Empty,
                    (Database.ClusterName ?? string.Empty).ToLowerInvariant(),
                    Database.Name ?? string.Empty);
            }

            return DatabaseRef.Create(ResolveSubscriptionId(session, SubscriptionId), ResourceGroupName, ClusterName, DatabaseName);
        }

        /// <summary>-Name, else the kind's default (written to the verbose stream).</summary>
        private string ResolveName()
        {
            if (!string.IsNullOrEmpty(ConnectionName))
            {
                return ConnectionName!;
            }

            var name = DefaultConnectionName();
            WriteVerbose($"No -Name given: the data connection is named '{name}'.");
            return name;
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();

            DataConnectionRef target;
            DataConnection model;
            try
            {
                model = BuildModel();
                model.Location = Location;
                target = DataConnectionRef.Create(ResolveDatabase(session), ResolveName());
                KustoRules.ValidateDefinition(model);
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, ConnectionName);
                return;
            }

            var description = $"{KindDisplayName} data connection '{target.Name}' in {target.Database.ClusterName}/{target.Database.DatabaseName}";
            if (!ShouldProcess(description, "Create"))
            {
                return;
            }

            var noWait = NoWait.IsPresent;
            var validate = Validate.IsPresent;
            Submit(target.ResourceId, async (observer, token) =>
            {
                await EnsureAbsentAsync(session, target, observer, token).ConfigureAwait(false);
                await CompleteModelAsync(session, model, observer, token).ConfigureAwait(false);
                var cluster = await session.Clusters.GetClusterAsync(target.Database.Cluster, token).ConfigureAwait(false);
                if (string.IsNullOrEmpty(model.Location))
                {
                    model.Location = cluster.Location;
                    observer.OnVerbose($"No -Location given: using the location of cluster '{target.Database.ClusterName}', '{cluster.Location}'.");
                }
                else
                {
                    CheckLocation(model.Location!, cluster, target);
                }

                if (validate)
                {
                    var messages = await session.DataConnections.ValidateAsync(target, model, observer, token).ConfigureAwait(false);
                    if (messages.Count > 0)
                    {
                        throw new DataConnectionValidationFailedException(target, messages);
                    }

                    observer.OnVerbose($"Azure validated the definition of data connection '{target.Name}'.");
                }

                if (noWait)
                {
                    return KustoOperation.From(await session.DataConnections.StartCreateOrUpdateAsync(target, model, observer, token).ConfigureAwait(false));
                }

                return KustoDataConnection.From(await session.DataConnections.CreateOrUpdateAsync(target, model, observer, token).ConfigureAwait(false));
            });
        }

        /// <summary>A date the user typed (local or UTC) as the instant it means.</summary>
        protected static DateTimeOffset? ToInstant(DateTime? value) => DataConnectionModelBuilder.ToInstant(value);

        /// <summary>
        /// Event system property names in their documented spelling; an unknown name is kept with a warning (the
        /// service's list grows).
        /// </summary>
        protected List<string> NormalizeEventSystemProperties(string[]? names, DataConnectionKind kind) =>
            DataConnectionModelBuilder.NormalizeEventSystemProperties(names, kind, WriteWarning);

        /// <summary>
        /// A data connection lives in its cluster's region: the service silently stores the cluster's region whatever is
        /// sent, so a different -Location is refused (nothing is written) with the cluster's location in the message.
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

        /// <summary>
        /// Refuses to overwrite a data connection that exists, except one whose create ended Failed: running the same New-
        /// again re-sends the definition to it (with a warning), as the error of the failed create says.
        /// </summary>
        private static async Task EnsureAbsentAsync(KustoSession session, DataConnectionRef target, OperationItem item, CancellationToken token)
        {
            DataConnection existing;
            try
            {
                existing = await session.DataConnections.GetAsync(target, token).ConfigureAwait(false);
            }
            catch (KustoArmException e) when (e.StatusCode == 404)
            {
                return;
            }

            if (string.Equals(existing.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase))
            {
                item.Warn($"The data connection '{target.Name}' exists in state Failed (an earlier create failed): its definition is sent again.");
                return;
            }

            throw new DataConnectionExistsException(target);
        }
    }
}
