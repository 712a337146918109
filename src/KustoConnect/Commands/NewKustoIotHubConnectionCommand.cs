using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a data connection that ingests an IoT hub's messages into an Azure Data Explorer table.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "KustoIotHubConnection", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(KustoIotHubDataConnection), typeof(KustoOperation), typeof(Job))]
    [KindMembers(KindMembers.NewParameters, "IotHub")]
    public sealed partial class NewKustoIotHubConnectionCommand : NewDataConnectionCmdlet
    {
        /// <summary>
        /// The name of the new data connection: 1-40 letters, digits, spaces, '.' and '-'. Omit it to name the connection
        /// after the IoT hub. A piped hub's own Name never binds here.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        public string? Name { get; set; }

        /// <summary>
        /// The resource id of the IoT hub (any casing of its segments). Binds from a piped hub's Id (Get-AzIotHub), except
        /// when the piped object is the database.
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
        [Parameter(Mandatory = true, ParameterSetName = ByDatabaseObjectSet)]
        [ValidateNotNullOrEmpty]
        [Alias("Id")]
        public string IotHubResourceId { get; set; } = null!;

        /// <summary>
        /// The hub's shared access policy; it must grant ServiceConnect. Omit it to use one the hub has: a policy with
        /// exactly ServiceConnect is preferred over broader ones such as iothubowner (the choice is written to the verbose
        /// stream).
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SharedAccessPolicyName { get; set; }

        /// <inheritdoc />
        protected override string? ConnectionName => Name;

        /// <inheritdoc />
        protected override DataConnectionKindDescription KindDescription => IotHubDataConnection.Description;

        /// <summary>The hub's name, when it is a valid data connection name.</summary>
        protected override string DefaultConnectionName(DataConnection model)
        {
            var hubName = ((IotHubDataConnection)model).IotHubIdentity!.Name;
            try
            {
                KustoRules.ValidateDataConnectionName(hubName);
            }
            catch (KustoValidationException)
            {
                throw new KustoValidationException(
                    "DefaultDataConnectionNameNotValid",
                    $"No -Name was given, and the IoT hub's name '{hubName}' is not a valid data connection name (1 to 40 characters: letters, digits, spaces, '.' and '-'). Pass -Name.",
                    "Name");
            }

            return hubName;
        }
    }
}
