using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes some properties of an existing data connection of any kind; every property you do not pass stays as it is.</para>
    /// </summary>
    /// <remarks>
    /// One PATCH carries the connection's kind and only the parameters you pass, and Azure merges it into what it has: two
    /// updates of different properties at the same time both survive, and nothing is read and written back. The kind comes
    /// from the piped object or -Kind; when you name the connection without -Kind, it is read once to learn its kind. A
    /// parameter that the connection's kind does not have (for example -Compression on an IoT Hub connection) is refused
    /// before anything is written.
    /// </remarks>
    [Cmdlet(VerbsData.Update, "KustoDataConnection", DefaultParameterSetName = ExistingDataConnectionCmdlet.ByNameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(KustoDataConnection), typeof(KustoOperation), typeof(Job))]
    [KindMembers(KindMembers.UpdateParameters)]
    public sealed partial class UpdateKustoDataConnectionCommand : ExistingDataConnectionCmdlet
    {
        /// <summary>
        /// The parameters that change a property: every settable property of every kind, by its parameter name (the kinds'
        /// descriptions in the engine, <see cref="DataConnectionChanges.ParameterNames"/>); each kind accepts only its own, which the engine checks.
        /// </summary>
        private static IReadOnlyList<string> ChangeParameters => DataConnectionChanges.ParameterNames;

        /// <summary>
        /// The connection's kind (IotHub, EventHub, EventGrid, CosmosDb) when you name it by name or resource id: the update is
        /// then sent without reading the connection first. A piped object brings its own kind.
        /// </summary>
        [Parameter(ParameterSetName = ByNameSet)]
        [Parameter(ParameterSetName = ByResourceIdSet)]
        [ValidateSet("IotHub", "EventHub", "EventGrid", "CosmosDb", IgnoreCase = true)]
        public string? Kind { get; set; }

        /// <summary>
        /// Return as soon as the service accepted the change, writing a KustoOperation (provisioning state Accepted) to pass
        /// to Wait-KustoOperation.
        /// </summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            DataConnectionRef target;
            DataConnectionChanges changes;
            try
            {
                target = ResolveTarget(session);
                changes = new DataConnectionChanges(ParameterSetName == ByInputObjectSet && !string.IsNullOrEmpty(InputObject.Kind) ? InputObject.Kind : Kind);
                foreach (var name in ChangeParameters.Where(p => MyInvocation.BoundParameters.ContainsKey(p)))
                {
                    changes.Set(name, typeof(UpdateKustoDataConnectionCommand).GetProperty(name)!.GetValue(this) switch
                    {
                        SwitchParameter flag => flag.IsPresent,
                        var value => value,
                    });
                }

                // Every rule that can run before the kind is known runs now, before ShouldProcess and before any request.
                changes.Check();
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, ErrorTarget);
                return;
            }

            var description = $"Data connection '{target.Name}' in {target.Database.ClusterName}/{target.Database.DatabaseName} ({string.Join(", ", changes.Names)})";
            if (!ShouldProcess(description, "Update"))
            {
                return;
            }

            var options = new UpdateOptions { Wait = !NoWait.IsPresent };
            Submit(target.ResourceId, async (item, token) =>
            {
                var result = await session.DataConnections.UpdateAsync(target, changes, options, item, token).ConfigureAwait(false);
                return result.Operation != null ? KustoOperation.From(result.Operation) : (object?)KustoDataConnection.From(result.Connection!);
            });
        }
    }
}
