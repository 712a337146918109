using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Deletes a data connection and waits until the service has removed it.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "KustoDataConnection", DefaultParameterSetName = ByNameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(KustoOperation), typeof(Job))]
    public sealed class RemoveKustoDataConnectionCommand : KustoOperationCmdlet
    {
        /// <summary>Parameter set: by resource group, cluster, database and name.</summary>
        public const string ByNameSet = "ByName";

        /// <summary>Parameter set: a data connection object from Get-KustoDataConnection.</summary>
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

        /// <summary>The data connection to delete.</summary>
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

        /// <summary>Delete without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// Return as soon as the service accepted the delete, writing a KustoOperation (provisioning state Deleting) to pass
        /// to Wait-KustoOperation.
        /// </summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            DataConnectionRef target;
            try
            {
                switch (ParameterSetName)
                {
                    case ByInputObjectSet:
                        if (string.IsNullOrEmpty(InputObject.Id))
                        {
                            throw new PSArgumentException("The data connection object has no Id.", nameof(InputObject));
                        }

                        target = DataConnectionRef.Parse(InputObject.Id!);
                        break;
                    case ByResourceIdSet:
                        target = DataConnectionRef.Parse(ResourceId);
                        break;
                    default:
                        target = DataConnectionRef.Create(DatabaseRef.Create(ResolveSubscriptionId(session, SubscriptionId), ResourceGroupName, ClusterName, DatabaseName), Name);
                        break;
                }
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, InputObject ?? (object?)ResourceId ?? Name);
                return;
            }

            var description = $"Data connection '{target.Name}' in {target.Database.ClusterName}/{target.Database.DatabaseName}";
            if (!Confirmed(description))
            {
                return;
            }

            var noWait = NoWait.IsPresent;
            Submit(target.ResourceId, async (item, token) =>
            {
                if (noWait)
                {
                    return KustoOperation.From(await session.DataConnections.StartDeleteAsync(target, item, token).ConfigureAwait(false));
                }

                await session.DataConnections.DeleteAsync(target, item, token).ConfigureAwait(false);
                return null;
            });
        }

        /// <summary>
        /// -Force skips the confirmation prompt, but never -WhatIf, and an explicit -Confirm still asks.
        /// </summary>
        private bool Confirmed(string description)
        {
            var bound = MyInvocation.BoundParameters;
            var whatIf = bound.ContainsKey("WhatIf") || LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
            if (Force.IsPresent && !whatIf && !bound.ContainsKey("Confirm"))
            {
                return true;
            }

            return ShouldProcess(description, "Remove");
        }
    }
}
