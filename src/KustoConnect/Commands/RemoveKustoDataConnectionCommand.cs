using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Deletes a data connection and waits until the service has removed it.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "KustoDataConnection", DefaultParameterSetName = ExistingDataConnectionCmdlet.ByNameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(KustoOperation), typeof(Job))]
    public sealed class RemoveKustoDataConnectionCommand : ExistingDataConnectionCmdlet
    {
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
                target = ResolveTarget(session);
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, ErrorTarget);
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
