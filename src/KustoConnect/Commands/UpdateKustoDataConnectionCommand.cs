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
    public sealed class UpdateKustoDataConnectionCommand : ExistingDataConnectionCmdlet
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

        /// <summary>IoT Hub, Event Hub, Event Grid: the consumer group the connection reads with.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConsumerGroup { get; set; }

        /// <summary>The table that receives the data; '' clears it (IoT Hub, Event Hub, Event Grid: each message then names it).</summary>
        [Parameter]
        [ValidateNotNull]
        [AllowEmptyString]
        public string? TableName { get; set; }

        /// <summary>The ingestion mapping; '' clears it.</summary>
        [Parameter]
        [ValidateNotNull]
        [AllowEmptyString]
        [Alias("MappingName")]
        public string? MappingRuleName { get; set; }

        /// <summary>IoT Hub, Event Hub, Event Grid: the data format (case-insensitive; RAW is not supported for IoT Hub); '' clears it.</summary>
        [Parameter]
        [ValidateNotNull]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(DataFormatCompleter))]
        public string? DataFormat { get; set; }

        /// <summary>IoT Hub, Event Hub: the system properties added to each record (replaces the list; @() clears it).</summary>
        [Parameter]
        [ValidateNotNull]
        [AllowEmptyCollection]
        [Alias("EventSystemProperties")]
        [ArgumentCompleter(typeof(EventSystemPropertyCompleter))]
        public string[]? EventSystemProperty { get; set; }

        /// <summary>IoT Hub, Event Hub, Event Grid: Single or Multi.</summary>
        [Parameter]
        [ValidateSet("Single", "Multi", IgnoreCase = true)]
        public string? DatabaseRouting { get; set; }

        /// <summary>IoT Hub, Event Hub, Cosmos DB: ingest what the source still retains from this date on.</summary>
        [Parameter]
        public DateTime? RetrievalStartDate { get; set; }

        /// <summary>Event Hub, Event Grid, Cosmos DB: the managed identity the connection reads with.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ManagedIdentityResourceId { get; set; }

        /// <summary>IoT Hub: the IoT hub's resource id.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? IotHubResourceId { get; set; }

        /// <summary>IoT Hub: the hub's shared access policy; it must grant ServiceConnect.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SharedAccessPolicyName { get; set; }

        /// <summary>Event Hub, Event Grid: the event hub's resource id.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EventHubResourceId { get; set; }

        /// <summary>Event Hub: None or GZip.</summary>
        [Parameter]
        [ValidateSet("None", "GZip", IgnoreCase = true)]
        public string? Compression { get; set; }

        /// <summary>Event Grid: the storage account's resource id.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StorageAccountResourceId { get; set; }

        /// <summary>Event Grid: the Event Grid subscription's resource id.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EventGridResourceId { get; set; }

        /// <summary>Event Grid: skip the first record of every file (-IgnoreFirstRecord:$false turns it off).</summary>
        [Parameter]
        public SwitchParameter IgnoreFirstRecord { get; set; }

        /// <summary>Event Grid: Microsoft.Storage.BlobCreated or Microsoft.Storage.BlobRenamed.</summary>
        [Parameter]
        [ValidateSet("Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobRenamed", IgnoreCase = true)]
        public string? BlobStorageEventType { get; set; }

        /// <summary>Cosmos DB: the Cosmos DB account's resource id.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CosmosDbAccountResourceId { get; set; }

        /// <summary>Cosmos DB: the Cosmos DB database.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CosmosDbDatabase { get; set; }

        /// <summary>Cosmos DB: the container.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CosmosDbContainer { get; set; }

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
