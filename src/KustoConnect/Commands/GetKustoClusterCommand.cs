using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the Azure Data Explorer clusters of a resource group, or one by name (wildcards allowed).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "KustoCluster", DefaultParameterSetName = ByResourceGroupSet)]
    [OutputType(typeof(KustoCluster))]
    public sealed class GetKustoClusterCommand : KustoCmdlet
    {
        /// <summary>Parameter set: by resource group and optional name.</summary>
        public const string ByResourceGroupSet = "ByResourceGroup";

        /// <summary>The resource group that holds the clusters.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByResourceGroupSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
        public string ResourceGroupName { get; set; } = null!;

        /// <summary>The cluster's name; wildcards allowed. Omit it to list every cluster of the resource group.</summary>
        [Parameter(Position = 0, ParameterSetName = ByResourceGroupSet)]
        [ValidateNotNullOrEmpty]
        [Alias("ClusterName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ClusterNameCompleter))]
        public string? Name { get; set; }

        /// <summary>The subscription, for this call only; defaults to the context's.</summary>
        [Parameter(ParameterSetName = ByResourceGroupSet)]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            var subscription = ResolveSubscriptionId(session, SubscriptionId);
            try
            {
                KustoRules.ValidateResourceGroupName(ResourceGroupName);
                var pattern = NamePattern(Name, name => KustoRules.ValidateClusterName(name, "Name"));
                if (Name != null && pattern == null)
                {
                    var cluster = ClusterRef.Create(subscription, ResourceGroupName, Name);
                    WriteObject(new KustoCluster(RunEngine((o, t) => session.Clusters.GetClusterAsync(cluster, t))));
                    return;
                }

                foreach (var cluster in RunEngine((o, t) => session.Clusters.ListClustersAsync(subscription, ResourceGroupName, t)))
                {
                    if (pattern == null || pattern.IsMatch(cluster.Name ?? string.Empty))
                    {
                        WriteObject(new KustoCluster(cluster));
                    }
                }
            }
            catch (KustoException e)
            {
                WriteEngineError(e, Name ?? ResourceGroupName);
            }
        }
    }
}
