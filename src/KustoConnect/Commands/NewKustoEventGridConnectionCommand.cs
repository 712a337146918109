using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a data connection that ingests the blobs of a storage account, announced by Event Grid through an event hub, into an Azure Data Explorer table.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "KustoEventGridConnection", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(KustoEventGridDataConnection), typeof(KustoOperation), typeof(Job))]
    [KindMembers(KindMembers.NewParameters, "EventGrid")]
    public sealed partial class NewKustoEventGridConnectionCommand : NewDataConnectionCmdlet
    {
        /// <summary>The name of the new data connection: 1-40 letters, digits, spaces, '.' and '-'.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        public string Name { get; set; } = null!;

        /// <inheritdoc />
        protected override string? ConnectionName => Name;

        /// <inheritdoc />
        protected override DataConnectionKindDescription KindDescription => EventGridDataConnection.Description;
    }
}
