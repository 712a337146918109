using System;
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
    public sealed class NewKustoCosmosDbConnectionCommand : NewDataConnectionCmdlet
    {
        /// <summary>The name of the new data connection: 1-40 letters, digits, spaces, '.' and '-'.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        public string Name { get; set; } = null!;

        /// <summary>The resource id of the Cosmos DB account (Microsoft.DocumentDB/databaseAccounts/{name}; any casing).</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string CosmosDbAccountResourceId { get; set; } = null!;

        /// <summary>The Cosmos DB (SQL) database.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string CosmosDbDatabase { get; set; } = null!;

        /// <summary>The container whose documents are ingested.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string CosmosDbContainer { get; set; } = null!;

        /// <summary>The table that receives the data.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string TableName { get; set; } = null!;

        /// <summary>The ingestion mapping of the table.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("MappingName")]
        public string? MappingRuleName { get; set; }

        /// <summary>The managed identity that reads the Cosmos DB account: a user-assigned identity, or the cluster's id for its system identity.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string ManagedIdentityResourceId { get; set; } = null!;

        /// <summary>Ingest the documents changed from this date on.</summary>
        [Parameter]
        public DateTime? RetrievalStartDate { get; set; }

        /// <inheritdoc />
        protected override string? ConnectionName => Name;

        /// <inheritdoc />
        protected override DataConnectionKindDescription KindDescription => CosmosDbDataConnection.Description;
    }
}
