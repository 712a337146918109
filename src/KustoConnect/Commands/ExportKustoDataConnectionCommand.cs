using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using KustoConnect.Engine;
using KustoConnect.Engine.DesiredState;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes data connections to a definition file (JSON) that Sync-KustoDataConnection brings Azure back to.</para>
    /// </summary>
    /// <remarks>
    /// One entry per data connection: its subscription, resource group, cluster, database, name, kind, location and the
    /// properties a user sets, in ARM's names. Read-only properties (provisioningState, managedIdentityObjectId) are never
    /// written, and no secret is (a data connection holds none). Give the connections by piping them from
    /// Get-KustoDataConnection, a database from Get-KustoDatabase, or name a database, or a cluster for all of its databases.
    /// KustoDataConnections.schema.json in the module folder is the file's JSON schema.
    /// </remarks>
    [Cmdlet(VerbsData.Export, "KustoDataConnection", DefaultParameterSetName = ByNameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportKustoDataConnectionCommand : KustoCmdlet
    {
        /// <summary>Parameter set: a database (or, without -DatabaseName, every database of the cluster) by name.</summary>
        public const string ByNameSet = "ByName";

        /// <summary>Parameter set: data connection objects from Get-KustoDataConnection.</summary>
        public const string ByInputObjectSet = "ByInputObject";

        /// <summary>Parameter set: database objects from Get-KustoDatabase.</summary>
        public const string ByDatabaseObjectSet = "ByDatabaseObject";

        private readonly List<DataConnection> _connections = new List<DataConnection>();

        /// <summary>The definition file to write (UTF-8 JSON); it is replaced unless -NoClobber.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = null!;

        /// <summary>Data connections from Get-KustoDataConnection (as they are, edited or not).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByInputObjectSet)]
        [ValidateNotNull]
        public KustoDataConnection[] InputObject { get; set; } = null!;

        /// <summary>Databases from Get-KustoDatabase: all their data connections are written.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByDatabaseObjectSet)]
        [ValidateNotNull]
        public KustoDatabase[] Database { get; set; } = null!;

        /// <summary>The resource group of the cluster.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
        public string ResourceGroupName { get; set; } = null!;

        /// <summary>The cluster.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ClusterNameCompleter))]
        public string ClusterName { get; set; } = null!;

        /// <summary>The database; omit it to write the data connections of every database of the cluster.</summary>
        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DatabaseNameCompleter))]
        public string? DatabaseName { get; set; }

        /// <summary>The subscription of the cluster, for this call only; defaults to the context's.</summary>
        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        /// <summary>Refuse to replace an existing file.</summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        /// <summary>Write the file's FileInfo to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            try
            {
                switch (ParameterSetName)
                {
                    case ByInputObjectSet:
                        foreach (var connection in InputObject)
                        {
                            var model = connection.ToModel();
                            if (model == null)
                            {
                                WriteEngineError(
                                    new KustoValidationException("DataConnectionKindNotSupported", $"Data connection '{connection.Name}' is of kind '{connection.Kind}', which this version of KustoConnect cannot export.", "InputObject"),
                                    connection);
                                continue;
                            }

                            _connections.Add(model);
                        }

                        break;
                    case ByDatabaseObjectSet:
                        var session = RequireSession();
                        foreach (var database in Database)
                        {
                            var reference = DatabaseRef.Create(
                                string.IsNullOrEmpty(database.SubscriptionId) ? ResolveSubscriptionId(session, null) : database.SubscriptionId!,
                                database.ResourceGroupName ?? string.Empty,
                                (database.ClusterName ?? string.Empty).ToLowerInvariant(),
                                database.Name ?? string.Empty);
                            _connections.AddRange(RunEngine((o, t) => session.DataConnections.ListAsync(reference, t)));
                        }

                        break;
                    default:
                        var current = RequireSession();
                        var subscription = ResolveSubscriptionId(current, SubscriptionId);
                        var databases = DatabaseName != null
                            ? new[] { DatabaseRef.Create(subscription, ResourceGroupName, ClusterName, DatabaseName) }
                            : RunEngine((o, t) => current.Clusters.ListDatabasesAsync(ClusterRef.Create(subscription, ResourceGroupName, ClusterName), t))
                                .Select(d => DatabaseRef.Create(subscription, ResourceGroupName, ClusterName, d.Name ?? string.Empty))
                                .ToArray();
                        foreach (var database in databases)
                        {
                            _connections.AddRange(RunEngine((o, t) => current.DataConnections.ListAsync(database, t)));
                        }

                        break;
                }
            }
            catch (KustoException e)
            {
                WriteEngineError(e, (object?)InputObject ?? Database ?? (object?)DatabaseName ?? ClusterName);
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path);
            if (NoClobber.IsPresent && File.Exists(path))
            {
                WriteError(new ErrorRecord(
                    new IOException($"The file '{path}' already exists; -NoClobber keeps it."),
                    "DefinitionFileExists",
                    ErrorCategory.ResourceExists,
                    path));
                return;
            }

            var exported = _connections.Where(c => DataConnectionProperties.Of(c.Kind).Count > 0).ToList();
            string text;
            try
            {
                text = DefinitionFile.Write(exported);
            }
            catch (KustoException e)
            {
                WriteEngineError(e, path);
                return;
            }

            foreach (var skipped in _connections.Where(c => DataConnectionProperties.Of(c.Kind).Count == 0))
            {
                WriteWarning($"Data connection '{skipped.Name}' is of kind '{skipped.Kind}', which this version of KustoConnect cannot export; it is left out.");
            }

            if (!ShouldProcess(path, $"Write {exported.Count} data connection(s) to the definition file"))
            {
                return;
            }

            File.WriteAllText(path, text, new UTF8Encoding(false));
            WriteVerbose($"Wrote {exported.Count} data connection(s) to '{path}'.");
            if (PassThru.IsPresent)
            {
                WriteObject(new FileInfo(path));
            }
        }
    }
}
