using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Models;

namespace KustoConnect.Internal
{
    /// <summary>
    /// Base of the cmdlets that act on one existing data connection (Update-, Remove-KustoDataConnection): the three ways
    /// to name it — by resource group, cluster, database and name; by resource id; or a piped data connection object —
    /// and their resolution to a <see cref="DataConnectionRef"/>, so that every such cmdlet binds and checks them alike.
    /// </summary>
    public abstract class ExistingDataConnectionCmdlet : KustoOperationCmdlet
    {
        /// <summary>Parameter set: by resource group, cluster, database and name.</summary>
        public const string ByNameSet = "ByName";

        /// <summary>Parameter set: a data connection object from Get-KustoDataConnection or New-Kusto*Connection.</summary>
        public const string ByInputObjectSet = "ByInputObject";

        /// <summary>Parameter set: by resource id.</summary>
        public const string ByResourceIdSet = "ByResourceId";

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

        /// <summary>The database.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DatabaseNameCompleter))]
        public string DatabaseName { get; set; } = null!;

        /// <summary>The data connection's name.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        [ArgumentCompleter(typeof(DataConnectionNameCompleter))]
        public string Name { get; set; } = null!;

        /// <summary>A data connection from Get-KustoDataConnection or New-Kusto*Connection.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByInputObjectSet)]
        [ValidateNotNull]
        public KustoDataConnection InputObject { get; set; } = null!;

        /// <summary>The data connection's resource id.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByResourceIdSet)]
        [ValidateNotNullOrEmpty]
        [Alias("Id")]
        public string ResourceId { get; set; } = null!;

        /// <summary>The subscription of the cluster, for this call only; defaults to the context's.</summary>
        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        /// <summary>What an error about this item names: the piped object, the resource id or the name.</summary>
        protected object? ErrorTarget => InputObject ?? (object?)ResourceId ?? Name;

        /// <summary>The data connection this invocation names; <see cref="KustoValidationException"/> when it names none.</summary>
        protected DataConnectionRef ResolveTarget(KustoSession session)
        {
            switch (ParameterSetName)
            {
                case ByInputObjectSet:
                    if (string.IsNullOrEmpty(InputObject.Id))
                    {
                        throw new KustoValidationException("InputObjectHasNoId", "The data connection object has no Id.", nameof(InputObject));
                    }

                    return DataConnectionRef.Parse(InputObject.Id!);
                case ByResourceIdSet:
                    return DataConnectionRef.Parse(ResourceId);
                default:
                    return DataConnectionRef.Create(DatabaseRef.Create(ResolveSubscriptionId(session, SubscriptionId), ResourceGroupName, ClusterName, DatabaseName), Name);
            }
        }
    }
}
