using System;
using System.Linq;
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

        /// <summary>The subscriptions to look in, for this call only (one or several); defaults to the context's.</summary>
        [Parameter(ParameterSetName = ByResourceGroupSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SubscriptionIdCompleter))]
        public string[]? SubscriptionId { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            var subscriptions = SubscriptionId is { Length: > 0 }
                ? SubscriptionId.Distinct(StringComparer.OrdinalIgnoreCase).ToArray()
                : new[] { ResolveSubscriptionId(session, null) };
            KustoException? notFound = null;
            var found = false;
            WildcardPattern? pattern;
            try
            {
                foreach (var subscription in subscriptions)
                {
                    KustoRules.ValidateSubscriptionId(subscription);
                }

                KustoRules.ValidateResourceGroupName(ResourceGroupName);
                pattern = NamePattern(Name, name => KustoRules.ValidateClusterName(name, "Name"));
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, Name);
                return;
            }

            foreach (var subscription in subscriptions)
            {
                try
                {
                    if (Name != null && pattern == null)
                    {
                        var cluster = ClusterRef.Create(subscription, ResourceGroupName, Name);
                        try
                        {
                            WriteObject(new KustoCluster(RunEngine((o, t) => session.Clusters.GetClusterAsync(cluster, t))));
                            found = true;
                        }
                        catch (KustoArmException e) when (e.StatusCode == 404)
                        {
                            notFound = e;
                        }

                        continue;
                    }
                    foreach (var cluster in RunEngine((o, t) => session.Clusters.ListClustersAsync(subscription, ResourceGroupName, t)))
                    {
                        if (pattern == null || pattern.IsMatch(cluster.Name ?? string.Empty))
                        {
                            WriteObject(new KustoCluster(cluster));
                        }
                    }

                    found = true;
                }
                catch (KustoArmException e) when (e.StatusCode == 404 && subscriptions.Length > 1)
                {
                    notFound = e;
                }
                catch (KustoException e)
                {
                    WriteEngineError(e, Name ?? ResourceGroupName);
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
