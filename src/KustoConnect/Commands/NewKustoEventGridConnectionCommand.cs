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
    public sealed class NewKustoEventGridConnectionCommand : NewDataConnectionCmdlet
    {
        /// <summary>The name of the new data connection: 1-40 letters, digits, spaces, '.' and '-'.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        public string Name { get; set; } = null!;

        /// <summary>The resource id of the storage account whose blobs are ingested.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string StorageAccountResourceId { get; set; } = null!;

        /// <summary>The resource id of the event hub that receives the Event Grid notifications.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string EventHubResourceId { get; set; } = null!;

        /// <summary>The resource id of the Event Grid subscription ({storage account id}/providers/Microsoft.EventGrid/eventSubscriptions/{name}).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EventGridResourceId { get; set; }

        /// <summary>The event hub's consumer group the connection reads with. Defaults to $Default.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ConsumerGroup { get; set; } = "$Default";

        /// <summary>The table that receives the data (or leave it to each blob's metadata).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TableName { get; set; }

        /// <summary>The ingestion mapping of the table.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("MappingName")]
        public string? MappingRuleName { get; set; }

        /// <summary>The data format of the blobs, e.g. CSV, JSON or PARQUET (case-insensitive).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DataFormatCompleter))]
        public string? DataFormat { get; set; }

        /// <summary>Skip the first record of every file (e.g. a CSV header line).</summary>
        [Parameter]
        public SwitchParameter IgnoreFirstRecord { get; set; }

        /// <summary>The blob event to ingest on: Microsoft.Storage.BlobCreated (the default) or Microsoft.Storage.BlobRenamed.</summary>
        [Parameter]
        [ValidateSet("Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobRenamed", IgnoreCase = true)]
        public string? BlobStorageEventType { get; set; }

        /// <summary>The managed identity that reads the storage account: a user-assigned identity, or the cluster's id for its system identity.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ManagedIdentityResourceId { get; set; }

        /// <summary>Single (the default): data goes to this database only; Multi: blobs may route to other databases.</summary>
        [Parameter]
        [ValidateSet("Single", "Multi", IgnoreCase = true)]
        public string? DatabaseRouting { get; set; }

        /// <inheritdoc />
        protected override string? ConnectionName => Name;

        /// <inheritdoc />
        protected override DataConnectionKindDescription KindDescription => EventGridDataConnection.Description;
    }
}
