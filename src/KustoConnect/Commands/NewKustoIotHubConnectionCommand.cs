using System;
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
    [OutputType(typeof(KustoIotHubDataConnection))]
    public sealed class NewKustoIotHubConnectionCommand : NewDataConnectionCmdlet
    {
        /// <summary>The resource id of the IoT hub (any casing of its segments).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string IotHubResourceId { get; set; } = null!;

        /// <summary>The hub's shared access policy; it must grant ServiceConnect.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string SharedAccessPolicyName { get; set; } = null!;

        /// <summary>The hub's consumer group the connection reads with. Defaults to $Default.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ConsumerGroup { get; set; } = "$Default";

        /// <summary>The table that receives the data (or leave it to each message's properties).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TableName { get; set; }

        /// <summary>The ingestion mapping of the table.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("MappingName")]
        public string? MappingRuleName { get; set; }

        /// <summary>The data format of the messages, e.g. CSV or JSON (case-insensitive; RAW is not supported for IoT Hub).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DataFormatCompleter))]
        public string? DataFormat { get; set; }

        /// <summary>IoT Hub system properties to add to each record, e.g. message-id, iothub-enqueuedtime.</summary>
        [Parameter]
        [Alias("EventSystemProperties")]
        [ArgumentCompleter(typeof(IotHubEventSystemPropertyCompleter))]
        public string[]? EventSystemProperty { get; set; }

        /// <summary>Single (the default): data goes to this database only; Multi: messages may route to other databases.</summary>
        [Parameter]
        [ValidateSet("Single", "Multi", IgnoreCase = true)]
        public string? DatabaseRouting { get; set; }

        /// <summary>Ingest the events that the hub still retains from this date on.</summary>
        [Parameter]
        public DateTime? RetrievalStartDate { get; set; }

        /// <inheritdoc />
        protected override string KindDisplayName => "IoT Hub";

        /// <inheritdoc />
        protected override DataConnection BuildModel() => new IotHubDataConnection
        {
            IotHubResourceId = KustoRules.ParseIotHubResourceId(IotHubResourceId).ResourceId,
            SharedAccessPolicyName = SharedAccessPolicyName,
            ConsumerGroup = ConsumerGroup,
            TableName = TableName,
            MappingRuleName = MappingRuleName,
            DataFormat = DataFormat == null ? null : KustoRules.NormalizeDataFormat(DataFormat, DataConnectionKind.IotHub),
            DatabaseRouting = DatabaseRouting == null ? null : KustoRules.NormalizeDatabaseRouting(DatabaseRouting),
            RetrievalStartDate = ToInstant(RetrievalStartDate),
            EventSystemProperties = NormalizeEventSystemProperties(EventSystemProperty, DataConnectionKind.IotHub),
        };
    }
}
