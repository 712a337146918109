using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Deletes a data connection and waits until the service has removed it.</para>
    /// </summary>
    /// <remarks>
    /// The connection is read first: one that does not exist is an ObjectNotFound error and nothing is deleted (a DELETE
    /// of a missing resource would succeed silently). -PassThru writes the connection as it was just before removal.
    /// </remarks>
    [Cmdlet(VerbsCommon.Remove, "KustoDataConnection", DefaultParameterSetName = ExistingDataConnectionCmdlet.ByNameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(KustoDataConnection), typeof(KustoOperation), typeof(Job))]
    public sealed class RemoveKustoDataConnectionCommand : ExistingDataConnectionCmdlet
    {
        /// <summary>Delete without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the removed data connection (as it was just before removal) once it is gone.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

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

            var options = new DeleteOptions { Wait = !NoWait.IsPresent };
            var passThru = PassThru.IsPresent;
            Submit(target.ResourceId, async (item, token) =>
            {
                // A missing connection is said so (ObjectNotFound), as Az does: the engine reads it before the DELETE.
                var result = await session.DataConnections.DeleteAsync(target, options, item, token).ConfigureAwait(false);
                if (result.Operation != null)
                {
                    return KustoOperation.From(result.Operation);
                }

                return passThru ? KustoDataConnection.From(result.Connection!) : null;
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
