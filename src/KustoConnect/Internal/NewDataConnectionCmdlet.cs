using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Models;

namespace KustoConnect.Internal
{
    /// <summary>
    /// What every New-Kusto*Connection cmdlet shares: where the connection goes (resource group, cluster, database,
    /// name, optional location and subscription), the client-side checks before anything is sent, ShouldProcess, and
    /// ONE engine call, <see cref="IDataConnectionOperations.CreateAsync"/>, which runs the workflow (the refusal to
    /// overwrite an existing connection, an IoT hub's policy, the cluster's location, -Validate, the PUT and the wait).
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

        /// <summary>The kind this cmdlet creates, as the engine describes it (its properties are this cmdlet's parameters of the same names).</summary>
        protected abstract DataConnectionKindDescription KindDescription { get; }

        /// <summary>
        /// Builds the model from the parameters named after the kind's properties, applying the client-side rules (throws
        /// <see cref="KustoValidationException"/>).
        /// </summary>
        protected virtual DataConnection BuildModel() => DataConnectionModelBuilder.Build(KindDescription, this, WriteWarning);

        /// <summary>
        /// The name of the connection when -Name is omitted; throws <see cref="KustoValidationException"/> naming -Name
        /// when the kind has no default (or the default is not a valid name).
        /// </summary>
        protected virtual string DefaultConnectionName(DataConnection model) =>
            throw new KustoValidationException("DataConnectionNameRequired", "Pass -Name: the name of the new data connection.", "Name");

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
        private string ResolveName(DataConnection model)
        {
            if (!string.IsNullOrEmpty(ConnectionName))
            {
                return ConnectionName!;
            }

            var name = DefaultConnectionName(model);
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
                target = DataConnectionRef.Create(ResolveDatabase(session), ResolveName(model));
                KustoRules.ValidateDefinition(model);
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, ConnectionName);
                return;
            }

            var description = $"{KindDescription.DisplayName} data connection '{target.Name}' in {target.Database.ClusterName}/{target.Database.DatabaseName}";
            if (!ShouldProcess(description, "Create"))
            {
                return;
            }

            var options = new CreateOptions { Wait = !NoWait.IsPresent, ValidateFirst = Validate.IsPresent };
            Submit(target.ResourceId, async (observer, token) =>
            {
                var created = await session.DataConnections.CreateAsync(target, model, options, observer, token).ConfigureAwait(false);
                return created.Operation != null ? KustoOperation.From(created.Operation) : (object)KustoDataConnection.From(created.Connection!);
            });
        }
    }
}
