using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a data connection that ingests a Cosmos DB container's change feed into an Azure Data Explorer table.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "KustoCosmosDbConnection", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(KustoCosmosDbDataConnection), typeof(KustoOperation), typeof(Job))]
    [KindMembers(KindMembers.NewParameters, "CosmosDb")]
    public sealed partial class NewKustoCosmosDbConnectionCommand : NewDataConnectionCmdlet
    {
        /// <summary>The name of the new data connection: 1-40 letters, digits, spaces, '.' and '-'.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        public string Name { get; set; } = null!;

        /// <inheritdoc />
        protected override string? ConnectionName => Name;

        /// <inheritdoc />
        protected override DataConnectionKindDescription KindDescription => CosmosDbDataConnection.Description;
    }
}
