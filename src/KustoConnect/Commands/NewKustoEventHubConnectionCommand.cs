using System;
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
    public sealed class NewKustoEventHubConnectionCommand : NewDataConnectionCmdlet
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

        /// <summary>The event hub's consumer group the connection reads with. Defaults to $Default.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ConsumerGroup { get; set; } = "$Default";

        /// <summary>The table that receives the data (or leave it to each event's properties).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TableName { get; set; }

        /// <summary>The ingestion mapping of the table.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("MappingName")]
        public string? MappingRuleName { get; set; }

        /// <summary>The data format of the events, e.g. CSV, JSON or RAW (case-insensitive).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DataFormatCompleter))]
        public string? DataFormat { get; set; }

        /// <summary>Event Hub system properties to add to each record, e.g. x-opt-enqueued-time.</summary>
        [Parameter]
        [Alias("EventSystemProperties")]
        [ArgumentCompleter(typeof(EventHubEventSystemPropertyCompleter))]
        public string[]? EventSystemProperty { get; set; }

        /// <summary>None (the service's default) or GZip: how the events are compressed.</summary>
        [Parameter]
        [ValidateSet("None", "GZip", IgnoreCase = true)]
        public string? Compression { get; set; }

        /// <summary>The managed identity that reads the event hub: a user-assigned identity, or the cluster's id for its system identity.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ManagedIdentityResourceId { get; set; }

        /// <summary>Single (the default): data goes to this database only; Multi: events may route to other databases.</summary>
        [Parameter]
        [ValidateSet("Single", "Multi", IgnoreCase = true)]
        public string? DatabaseRouting { get; set; }

        /// <summary>Ingest the events that the event hub still retains from this date on.</summary>
        [Parameter]
        public DateTime? RetrievalStartDate { get; set; }

        /// <inheritdoc />
        protected override string? ConnectionName => Name;

        /// <inheritdoc />
        protected override DataConnectionKindDescription KindDescription => EventHubDataConnection.Description;
    }
}
