using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a data connection that ingests an event hub's events into an Azure Data Explorer table.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "KustoEventHubConnection", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(KustoEventHubDataConnection), typeof(KustoOperation), typeof(Job))]
    [KindMembers(KindMembers.NewParameters, "EventHub")]
    public sealed partial class NewKustoEventHubConnectionCommand : NewDataConnectionCmdlet
    {
        /// <summary>The name of the new data connection: 1-40 letters, digits, spaces, '.' and '-'.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        public string Name { get; set; } = null!;

        /// <summary>The resource id of the event hub (Microsoft.EventHub/namespaces/{namespace}/eventhubs/{hub}; any casing).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string EventHubResourceId { get; set; } = null!;

        /// <inheritdoc />
        protected override string? ConnectionName => Name;

        /// <inheritdoc />
        protected override DataConnectionKindDescription KindDescription => EventHubDataConnection.Description;
    }
}
