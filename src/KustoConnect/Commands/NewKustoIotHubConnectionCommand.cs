using System;
using System.Collections.Generic;
using System.Linq;
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
    public sealed class NewKustoIotHubConnectionCommand : KustoCmdlet
    {
        /// <summary>The resource group of the cluster.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; } = null!;

        /// <summary>The Azure Data Explorer cluster.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string ClusterName { get; set; } = null!;

        /// <summary>The database that receives the data.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string DatabaseName { get; set; } = null!;

        /// <summary>The name of the new data connection: 1-40 letters, digits, spaces, '.' and '-'.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        public string Name { get; set; } = null!;

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

        /// <summary>The Azure region of the data connection (the cluster's).</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Location { get; set; } = null!;

        /// <summary>The subscription of the cluster, for this call only; defaults to the context's.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            var subscription = ResolveSubscriptionId(session, SubscriptionId);

            DataConnectionRef target;
            IotHubDataConnection model;
            try
            {
                target = DataConnectionRef.Create(DatabaseRef.Create(subscription, ResourceGroupName, ClusterName, DatabaseName), Name);
                var hub = KustoRules.ParseIotHubResourceId(IotHubResourceId);
                model = new IotHubDataConnection
                {
                    Location = Location,
                    IotHubResourceId = hub.ResourceId,
                    SharedAccessPolicyName = SharedAccessPolicyName,
                    ConsumerGroup = ConsumerGroup,
                    TableName = TableName,
                    MappingRuleName = MappingRuleName,
                    DataFormat = DataFormat == null ? null : KustoRules.NormalizeDataFormat(DataFormat, DataConnectionKind.IotHub),
                    DatabaseRouting = DatabaseRouting == null ? null : char.ToUpperInvariant(DatabaseRouting[0]) + DatabaseRouting.Substring(1).ToLowerInvariant(),
                    RetrievalStartDate = RetrievalStartDate.HasValue ? new DateTimeOffset(RetrievalStartDate.Value.ToUniversalTime()) : (DateTimeOffset?)null,
                    EventSystemProperties = NormalizeEventSystemProperties(EventSystemProperty),
                };
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, Name);
                return;
            }

            var description = $"IoT Hub data connection '{target.Name}' in {target.Database.ClusterName}/{target.Database.DatabaseName}";
            if (!ShouldProcess(description, "Create"))
            {
                return;
            }

            try
            {
                var created = RunEngine(async (observer, token) =>
                {
                    await EnsureAbsentAsync(session, target, token).ConfigureAwait(false);
                    return await session.DataConnections.CreateOrUpdateAsync(target, model, observer, token).ConfigureAwait(false);
                });
                WriteObject(KustoDataConnection.From(created));
            }
            catch (Exception e) when (IsItemError(e))
            {
                WriteEngineError(e, target.ResourceId);
            }
        }

        private static async System.Threading.Tasks.Task EnsureAbsentAsync(KustoSession session, DataConnectionRef target, System.Threading.CancellationToken token)
        {
            try
            {
                await session.DataConnections.GetAsync(target, token).ConfigureAwait(false);
            }
            catch (KustoArmException e) when (e.StatusCode == 404)
            {
                return;
            }

            throw new DataConnectionExistsException(target);
        }

        private List<string> NormalizeEventSystemProperties(string[]? names)
        {
            var result = new List<string>();
            foreach (var name in names ?? Array.Empty<string>())
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    continue;
                }

                var known = KustoRules.IotHubEventSystemProperties.FirstOrDefault(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
                if (known == null)
                {
                    WriteWarning($"'{name}' is not an IoT Hub event system property KustoConnect knows ({string.Join(", ", KustoRules.IotHubEventSystemProperties)}). It is sent as given; the service decides.");
                }

                result.Add(known ?? name);
            }

            return result;
        }
    }
}
