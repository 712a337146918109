using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the databases of an Azure Data Explorer cluster, or one by name (wildcards allowed).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "KustoDatabase", DefaultParameterSetName = ByNameSet)]
    [OutputType(typeof(KustoDatabase))]
    public sealed class GetKustoDatabaseCommand : KustoCmdlet
    {
        /// <summary>Parameter set: by resource group, cluster and optional name.</summary>
        public const string ByNameSet = "ByName";

        /// <summary>Parameter set: the databases of a cluster object from Get-KustoCluster.</summary>
        public const string ByClusterObjectSet = "ByClusterObject";

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

        /// <summary>A cluster from Get-KustoCluster (its subscription, resource group and name are used).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByClusterObjectSet)]
        [ValidateNotNull]
        public KustoCluster Cluster { get; set; } = null!;

        /// <summary>The database's name; wildcards allowed. Omit it to list every database of the cluster.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [Alias("DatabaseName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DatabaseNameCompleter))]
        public string? Name { get; set; }

        /// <summary>The subscription of the cluster, for this call only; defaults to the context's.</summary>
        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            try
            {
                var cluster = ParameterSetName == ByClusterObjectSet
                    ? ClusterRef.Create(
                        Cluster.SubscriptionId ?? ResolveSubscriptionId(session, null),
                        Cluster.ResourceGroupName ?? string.Empty,
                        (Cluster.Name ?? string.Empty).ToLowerInvariant())
                    : ClusterRef.Create(ResolveSubscriptionId(session, SubscriptionId), ResourceGroupName, ClusterName);

                var pattern = NamePattern(Name, name => KustoRules.ValidateDatabaseName(name, "Name"));
                if (Name != null && pattern == null)
                {
                    var database = DatabaseRef.Create(cluster.SubscriptionId, cluster.ResourceGroupName, cluster.ClusterName, Name);
                    WriteObject(new KustoDatabase(RunEngine((o, t) => session.Clusters.GetDatabaseAsync(database, t))));
                    return;
                }

                foreach (var database in RunEngine((o, t) => session.Clusters.ListDatabasesAsync(cluster, t)))
                {
                    if (pattern == null || pattern.IsMatch(database.Name ?? string.Empty))
                    {
                        WriteObject(new KustoDatabase(database));
                    }
                }
            }
            catch (KustoException e)
            {
                WriteEngineError(e, Name ?? (object?)Cluster ?? ClusterName);
            }
        }
    }
}
