using System;
using System.Collections.Concurrent;
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
    /// The current data connection is read first, only the parameters you pass are changed on it, and the result is saved:
    /// kind and location never need repeating. A parameter that the connection's kind does not have (for example
    /// -Compression on an IoT Hub connection) is refused before anything is written.
    /// </remarks>
    [Cmdlet(VerbsData.Update, "KustoDataConnection", DefaultParameterSetName = ExistingDataConnectionCmdlet.ByNameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(KustoDataConnection), typeof(KustoOperation), typeof(Job))]
    public sealed class UpdateKustoDataConnectionCommand : ExistingDataConnectionCmdlet
    {
        /// <summary>The parameters that change a property; each kind accepts only its own (see <see cref="Applicable"/>).</summary>
        private static readonly string[] ChangeParameters =
        {
            nameof(ConsumerGroup), nameof(TableName), nameof(MappingRuleName), nameof(DataFormat), nameof(EventSystemProperty),
            nameof(DatabaseRouting), nameof(RetrievalStartDate), nameof(ManagedIdentityResourceId), nameof(IotHubResourceId),
            nameof(SharedAccessPolicyName), nameof(EventHubResourceId), nameof(Compression), nameof(StorageAccountResourceId),
            nameof(EventGridResourceId), nameof(IgnoreFirstRecord), nameof(BlobStorageEventType), nameof(CosmosDbAccountResourceId),
            nameof(CosmosDbDatabase), nameof(CosmosDbContainer),
        };

        private static readonly Dictionary<string, string[]> Applicable = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["IotHub"] = new[]
            {
                nameof(IotHubResourceId), nameof(SharedAccessPolicyName), nameof(ConsumerGroup), nameof(TableName), nameof(MappingRuleName),
                nameof(DataFormat), nameof(EventSystemProperty), nameof(DatabaseRouting), nameof(RetrievalStartDate),
            },
            ["EventHub"] = new[]
            {
                nameof(EventHubResourceId), nameof(ConsumerGroup), nameof(TableName), nameof(MappingRuleName), nameof(DataFormat),
                nameof(EventSystemProperty), nameof(Compression), nameof(ManagedIdentityResourceId), nameof(DatabaseRouting), nameof(RetrievalStartDate),
            },
            ["EventGrid"] = new[]
            {
                nameof(StorageAccountResourceId), nameof(EventGridResourceId), nameof(EventHubResourceId), nameof(ConsumerGroup), nameof(TableName),
                nameof(MappingRuleName), nameof(DataFormat), nameof(IgnoreFirstRecord), nameof(BlobStorageEventType), nameof(ManagedIdentityResourceId),
                nameof(DatabaseRouting),
            },
            ["CosmosDb"] = new[]
            {
                nameof(CosmosDbAccountResourceId), nameof(CosmosDbDatabase), nameof(CosmosDbContainer), nameof(TableName), nameof(MappingRuleName),
                nameof(ManagedIdentityResourceId), nameof(RetrievalStartDate),
            },
        };

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
            var passed = ChangeParameters.Where(p => MyInvocation.BoundParameters.ContainsKey(p)).ToList();
            DataConnectionRef target;
            try
            {
                target = ResolveTarget(session);
                if (passed.Count == 0)
                {
                    throw new KustoValidationException(
                        "NothingToUpdate",
                        "Pass at least one property to change, e.g. -DataFormat or -TableName. Properties you do not pass stay as they are.",
                        "InputObject");
                }

                CheckResourceIds();
                if (ParameterSetName == ByInputObjectSet && !string.IsNullOrEmpty(InputObject.Kind))
                {
                    CheckApplicable(InputObject.Kind!, passed);
                }
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, ErrorTarget);
                return;
            }

            var description = $"Data connection '{target.Name}' in {target.Database.ClusterName}/{target.Database.DatabaseName} ({string.Join(", ", passed)})";
            if (!ShouldProcess(description, "Update"))
            {
                return;
            }

            var passedSet = new HashSet<string>(passed, StringComparer.OrdinalIgnoreCase);
            var changes = new Changes(this);
            var noWait = NoWait.IsPresent;
            Submit(target.ResourceId, async (item, token) =>
            {
                var warnings = new ConcurrentQueue<string>();
                void Change(DataConnection current)
                {
                    CheckApplicable(current.Kind, passed);
                    changes.Apply(current, passedSet, warnings);
                }

                try
                {
                    if (noWait)
                    {
                        return KustoOperation.From(await session.DataConnections.StartUpdateAsync(target, Change, item, token).ConfigureAwait(false));
                    }

                    return KustoDataConnection.From(await session.DataConnections.UpdateAsync(target, Change, item, token).ConfigureAwait(false));
                }
                finally
                {
                    while (warnings.TryDequeue(out var warning))
                    {
                        item.Warn(warning);
                    }
                }
            });
        }

        /// <summary>Every value passed whose rule does not depend on the kind is checked before any request.</summary>
        private void CheckResourceIds()
        {
            Check(TableName, v => KustoRules.ValidateTableName(v));
            Check(MappingRuleName, v => KustoRules.ValidateMappingRuleName(v));
            Check(ConsumerGroup, v => KustoRules.ValidateConsumerGroup(v));
            Check(SharedAccessPolicyName, v => KustoRules.ValidateSharedAccessPolicyName(v));
            Check(CosmosDbDatabase, v => KustoRules.ValidateCosmosDbDatabase(v));
            Check(CosmosDbContainer, v => KustoRules.ValidateCosmosDbContainer(v));
            foreach (var property in EventSystemProperty ?? Array.Empty<string>())
            {
                Check(property, v => KustoRules.ValidateEventSystemProperty(v));
            }

            IotHubResourceId = IotHubResourceId == null ? null : KustoRules.ParseIotHubResourceId(IotHubResourceId).ResourceId;
            EventHubResourceId = EventHubResourceId == null ? null : KustoRules.ParseEventHubResourceId(EventHubResourceId);
            StorageAccountResourceId = StorageAccountResourceId == null ? null : KustoRules.ParseStorageAccountResourceId(StorageAccountResourceId);
            EventGridResourceId = EventGridResourceId == null ? null : KustoRules.ParseEventGridResourceId(EventGridResourceId);
            CosmosDbAccountResourceId = CosmosDbAccountResourceId == null ? null : KustoRules.ParseCosmosDbAccountResourceId(CosmosDbAccountResourceId);
            ManagedIdentityResourceId = ManagedIdentityResourceId == null ? null : KustoRules.ParseManagedIdentityResourceId(ManagedIdentityResourceId);
        }

        /// <summary>An empty value clears an optional property and is not a name; anything else is checked.</summary>
        private static void Check(string? value, Action<string> rule)
        {
            if (!string.IsNullOrEmpty(value))
            {
                rule(value!);
            }
        }

        private static void CheckApplicable(string kind, IReadOnlyCollection<string> passed)
        {
            if (!Applicable.TryGetValue(kind, out var applicable))
            {
                throw new KustoValidationException(
                    "DataConnectionKindNotSupported",
                    $"Data connections of kind '{kind}' cannot be updated by this version of KustoConnect.",
                    "Kind");
            }

            var wrong = passed.Where(p => !applicable.Contains(p)).ToList();
            if (wrong.Count > 0)
            {
                throw new KustoValidationException(
                    "ParameterNotValidForKind",
                    $"{string.Join(", ", wrong.Select(p => "-" + p))} {(wrong.Count == 1 ? "does" : "do")} not apply to {kind} data connections. "
                    + $"A {kind} data connection accepts: {string.Join(", ", applicable.Select(p => "-" + p))}.",
                    wrong[0]);
            }
        }

        /// <summary>
        /// The change parameters of one ProcessRecord, copied: the change runs in the engine (maybe in a job after the cmdlet
        /// ended) and never reads the cmdlet.
        /// </summary>
        private sealed class Changes
        {
            public Changes(UpdateKustoDataConnectionCommand command)
            {
                IotHubResourceId = command.IotHubResourceId;
                SharedAccessPolicyName = command.SharedAccessPolicyName;
                ConsumerGroup = command.ConsumerGroup;
                TableName = command.TableName;
                MappingRuleName = command.MappingRuleName;
                DataFormat = command.DataFormat;
                EventSystemProperty = command.EventSystemProperty?.ToArray();
                DatabaseRouting = command.DatabaseRouting;
                RetrievalStartDate = command.RetrievalStartDate;
                ManagedIdentityResourceId = command.ManagedIdentityResourceId;
                EventHubResourceId = command.EventHubResourceId;
                Compression = command.Compression;
                StorageAccountResourceId = command.StorageAccountResourceId;
                EventGridResourceId = command.EventGridResourceId;
                IgnoreFirstRecord = command.IgnoreFirstRecord;
                BlobStorageEventType = command.BlobStorageEventType;
                CosmosDbAccountResourceId = command.CosmosDbAccountResourceId;
                CosmosDbDatabase = command.CosmosDbDatabase;
                CosmosDbContainer = command.CosmosDbContainer;
            }

            public string? IotHubResourceId { get; }

            public string? SharedAccessPolicyName { get; }

            public string? ConsumerGroup { get; }

            public string? TableName { get; }

            public string? MappingRuleName { get; }

            public string? DataFormat { get; }

            public string[]? EventSystemProperty { get; }

            public string? DatabaseRouting { get; }

            public DateTime? RetrievalStartDate { get; }

            public string? ManagedIdentityResourceId { get; }

            public string? EventHubResourceId { get; }

            public string? Compression { get; }

            public string? StorageAccountResourceId { get; }

            public string? EventGridResourceId { get; }

            public SwitchParameter IgnoreFirstRecord { get; }

            public string? BlobStorageEventType { get; }

            public string? CosmosDbAccountResourceId { get; }

            public string? CosmosDbDatabase { get; }

            public string? CosmosDbContainer { get; }

            /// <summary>Sets only the passed parameters on the current model (runs in the engine, between its GET and PUT).</summary>
            public void Apply(DataConnection current, HashSet<string> passed, ConcurrentQueue<string> warnings)
            {
                bool Passed(string name) => passed.Contains(name);
                var kind = (DataConnectionKind)Enum.Parse(typeof(DataConnectionKind), current.Kind, ignoreCase: true);
                string? format = Passed(nameof(DataFormat)) && DataFormat!.Length > 0 ? KustoRules.NormalizeDataFormat(DataFormat, kind) : null;
                string? routing = DatabaseRouting == null ? null : KustoRules.NormalizeDatabaseRouting(DatabaseRouting);
                var retrieval = RetrievalStartDate.HasValue ? new DateTimeOffset(RetrievalStartDate.Value.ToUniversalTime()) : (DateTimeOffset?)null;

                switch (current)
                {
                    case IotHubDataConnection iot:
                        iot.IotHubResourceId = IotHubResourceId ?? iot.IotHubResourceId;
                        iot.SharedAccessPolicyName = SharedAccessPolicyName ?? iot.SharedAccessPolicyName;
                        iot.ConsumerGroup = ConsumerGroup ?? iot.ConsumerGroup;
                        iot.TableName = Passed(nameof(TableName)) ? TableName : iot.TableName;
                        iot.MappingRuleName = Passed(nameof(MappingRuleName)) ? MappingRuleName : iot.MappingRuleName;
                        iot.DataFormat = Passed(nameof(DataFormat)) ? format : iot.DataFormat;
                        iot.EventSystemProperties = Passed(nameof(EventSystemProperty)) ? EventSystemProperties(kind, warnings) : iot.EventSystemProperties;
                        iot.DatabaseRouting = routing ?? iot.DatabaseRouting;
                        iot.RetrievalStartDate = retrieval ?? iot.RetrievalStartDate;
                        break;
                    case EventHubDataConnection hub:
                        hub.EventHubResourceId = EventHubResourceId ?? hub.EventHubResourceId;
                        hub.ConsumerGroup = ConsumerGroup ?? hub.ConsumerGroup;
                        hub.TableName = Passed(nameof(TableName)) ? TableName : hub.TableName;
                        hub.MappingRuleName = Passed(nameof(MappingRuleName)) ? MappingRuleName : hub.MappingRuleName;
                        hub.DataFormat = Passed(nameof(DataFormat)) ? format : hub.DataFormat;
                        hub.EventSystemProperties = Passed(nameof(EventSystemProperty)) ? EventSystemProperties(kind, warnings) : hub.EventSystemProperties;
                        hub.Compression = Compression == null ? hub.Compression : KustoRules.NormalizeCompression(Compression);
                        hub.ManagedIdentityResourceId = ManagedIdentityResourceId ?? hub.ManagedIdentityResourceId;
                        hub.DatabaseRouting = routing ?? hub.DatabaseRouting;
                        hub.RetrievalStartDate = retrieval ?? hub.RetrievalStartDate;
                        break;
                    case EventGridDataConnection grid:
                        grid.StorageAccountResourceId = StorageAccountResourceId ?? grid.StorageAccountResourceId;
                        grid.EventGridResourceId = EventGridResourceId ?? grid.EventGridResourceId;
                        grid.EventHubResourceId = EventHubResourceId ?? grid.EventHubResourceId;
                        grid.ConsumerGroup = ConsumerGroup ?? grid.ConsumerGroup;
                        grid.TableName = Passed(nameof(TableName)) ? TableName : grid.TableName;
                        grid.MappingRuleName = Passed(nameof(MappingRuleName)) ? MappingRuleName : grid.MappingRuleName;
                        grid.DataFormat = Passed(nameof(DataFormat)) ? format : grid.DataFormat;
                        grid.IgnoreFirstRecord = Passed(nameof(IgnoreFirstRecord)) ? IgnoreFirstRecord.IsPresent : grid.IgnoreFirstRecord;
                        grid.BlobStorageEventType = BlobStorageEventType == null ? grid.BlobStorageEventType : KustoRules.NormalizeBlobStorageEventType(BlobStorageEventType);
                        grid.ManagedIdentityResourceId = ManagedIdentityResourceId ?? grid.ManagedIdentityResourceId;
                        grid.DatabaseRouting = routing ?? grid.DatabaseRouting;
                        break;
                    case CosmosDbDataConnection cosmos:
                        cosmos.CosmosDbAccountResourceId = CosmosDbAccountResourceId ?? cosmos.CosmosDbAccountResourceId;
                        cosmos.CosmosDbDatabase = CosmosDbDatabase ?? cosmos.CosmosDbDatabase;
                        cosmos.CosmosDbContainer = CosmosDbContainer ?? cosmos.CosmosDbContainer;
                        cosmos.TableName = Passed(nameof(TableName)) ? TableName : cosmos.TableName;
                        cosmos.MappingRuleName = Passed(nameof(MappingRuleName)) ? MappingRuleName : cosmos.MappingRuleName;
                        cosmos.ManagedIdentityResourceId = ManagedIdentityResourceId ?? cosmos.ManagedIdentityResourceId;
                        cosmos.RetrievalStartDate = retrieval ?? cosmos.RetrievalStartDate;
                        break;
                }
            }

            /// <summary>The names in their documented spelling; unknown ones are kept and reported (the service's list grows).</summary>
            private List<string> EventSystemProperties(DataConnectionKind kind, ConcurrentQueue<string> warnings)
            {
                var documented = kind == DataConnectionKind.IotHub ? KustoRules.IotHubEventSystemProperties : KustoRules.EventHubEventSystemProperties;
                var result = new List<string>();
                foreach (var name in EventSystemProperty!.Where(n => !string.IsNullOrWhiteSpace(n)))
                {
                    var known = documented.FirstOrDefault(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
                    if (known == null)
                    {
                        warnings.Enqueue($"'{name}' is not a {kind} event system property KustoConnect knows ({string.Join(", ", documented)}). It is sent as given; the service decides.");
                    }

                    result.Add(known ?? name);
                }

                return result;
            }
        }
    }
}
