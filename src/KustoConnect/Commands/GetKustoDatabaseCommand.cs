using System;
using System.Linq;
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

        /// <summary>The subscriptions to look in, for this call only (one or several); defaults to the context's.</summary>
        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SubscriptionIdCompleter))]
        public string[]? SubscriptionId { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            ClusterRef[] clusters;
            WildcardPattern? pattern;
            try
            {
                clusters = ParameterSetName == ByClusterObjectSet
                    ? new[]
                    {
                        ClusterRef.Create(
                            Cluster.SubscriptionId ?? ResolveSubscriptionId(session, null),
                            Cluster.ResourceGroupName ?? string.Empty,
                            (Cluster.Name ?? string.Empty).ToLowerInvariant()),
                    }
                    : (SubscriptionId is { Length: > 0 } ? SubscriptionId.Distinct(StringComparer.OrdinalIgnoreCase).ToArray() : new[] { ResolveSubscriptionId(session, null) })
                        .Select(subscription => ClusterRef.Create(subscription, ResourceGroupName, ClusterName))
                        .ToArray();
                pattern = NamePattern(Name, name => KustoRules.ValidateDatabaseName(name, "Name"));
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, Name ?? (object?)Cluster ?? ClusterName);
                return;
            }

            KustoException? notFound = null;
            var found = false;
            foreach (var cluster in clusters)
            {
                try
                {
                    if (Name != null && pattern == null)
                    {
                        var database = DatabaseRef.Create(cluster.SubscriptionId, cluster.ResourceGroupName, cluster.ClusterName, Name);
                        try
                        {
                            WriteObject(new KustoDatabase(RunEngine((o, t) => session.Clusters.GetDatabaseAsync(database, t))));
                            found = true;
                        }
                        catch (KustoArmException e) when (e.StatusCode == 404 && clusters.Length > 1)
                        {
                            notFound = e;
                        }

                        continue;
                    }
                    foreach (var database in RunEngine((o, t) => session.Clusters.ListDatabasesAsync(cluster, t)))
                    {
                        if (pattern == null || pattern.IsMatch(database.Name ?? string.Empty))
                        {
                            WriteObject(new KustoDatabase(database));
                        }
                    }

                    found = true;
                }
                catch (KustoArmException e) when (e.StatusCode == 404 && clusters.Length > 1)
                {
                    notFound = e;
                }
                catch (KustoException e)
                {
                    WriteEngineError(e, Name ?? (object?)Cluster ?? ClusterName);
                }
            }

            // A name looked up in several subscriptions is an error only when none has it.
            if (!found && notFound != null)
            {
                WriteEngineError(notFound, Name);
            }
        }
    }
}
