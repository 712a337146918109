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
            var passed = ChangeParameters.Where(p => MyInvocation.BoundParameters.ContainsKey(p)).ToList();
            DataConnectionRef target;
            string? knownKind;
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
                knownKind = ParameterSetName == ByInputObjectSet && !string.IsNullOrEmpty(InputObject.Kind)
                    ? InputObject.Kind
                    : DataConnectionProperties.CanonicalKind(Kind);
                if (knownKind != null)
                {
                    CheckApplicable(knownKind, passed);

                    // The changes pass the engine's rules now, so that a bad value is refused before ShouldProcess.
                    if (DataConnectionProperties.NewModel(knownKind) != null)
                    {
                        new Changes(this, passed).Build(knownKind, new ConcurrentQueue<string>());
                    }
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

            var changes = new Changes(this, passed);
            var noWait = NoWait.IsPresent;
            Submit(target.ResourceId, async (item, token) =>
            {
                var warnings = new ConcurrentQueue<string>();
                try
                {
                    var kind = knownKind;
                    if (kind == null)
                    {
                        item.OnVerbose($"No -Kind given: reading data connection '{target.Name}' once to learn its kind.");
                        kind = (await session.DataConnections.GetAsync(target, token).ConfigureAwait(false)).Kind;
                        CheckApplicable(kind, passed);
                    }

                    var model = changes.Build(kind, warnings);
                    if (noWait)
                    {
                        return KustoOperation.From(await session.DataConnections.StartUpdateAsync(target, model, item, token).ConfigureAwait(false));
                    }

                    return KustoDataConnection.From(await session.DataConnections.UpdateAsync(target, model, item, token).ConfigureAwait(false));
                }
                finally
                {
                    while (warnings.TryDequeue(out var warning))
                    {
                        item.OnWarning(warning);
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
        /// The change parameters of one ProcessRecord, copied: the changes model is built in the engine call (maybe in a job
        /// after the cmdlet ended) and never reads the cmdlet.
        /// </summary>
        private sealed class Changes
        {
            private readonly Dictionary<string, object?> _values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);

            public Changes(UpdateKustoDataConnectionCommand command, IEnumerable<string> passed)
            {
                foreach (var name in passed)
                {
                    _values[name] = name switch
                    {
                        nameof(EventSystemProperty) => command.EventSystemProperty?.ToArray(),
                        nameof(IgnoreFirstRecord) => command.IgnoreFirstRecord.IsPresent,
                        nameof(RetrievalStartDate) => command.RetrievalStartDate.HasValue ? new DateTimeOffset(command.RetrievalStartDate.Value.ToUniversalTime()) : (DateTimeOffset?)null,
                        _ => typeof(UpdateKustoDataConnectionCommand).GetProperty(name)!.GetValue(command),
                    };
                }
            }

            /// <summary>
            /// A model of <paramref name="kind"/> with only the passed parameters set ('' and @() clear); the engine's rules
            /// run on it (throws <see cref="KustoValidationException"/>).
            /// </summary>
            public DataConnection Build(string kind, ConcurrentQueue<string> warnings)
            {
                var model = DataConnectionProperties.NewModel(kind)
                    ?? throw new KustoValidationException("DataConnectionKindNotSupported", $"Data connections of kind '{kind}' cannot be updated by this version of KustoConnect.", "Kind");
                var parsedKind = (DataConnectionKind)Enum.Parse(typeof(DataConnectionKind), model.Kind, ignoreCase: true);
                foreach (var property in DataConnectionProperties.Of(model.Kind))
                {
                    var parameter = property.Name == "EventSystemProperties" ? nameof(EventSystemProperty) : property.Name;
                    if (!_values.TryGetValue(parameter, out var value))
                    {
                        continue;
                    }

                    if (parameter == nameof(EventSystemProperty))
                    {
                        value = EventSystemProperties((string[])value!, parsedKind, warnings);
                    }

                    property.SetValue(model, property.Normalize(value, model.Kind));
                }

                return model;
            }

            /// <summary>The names in their documented spelling; unknown ones are kept and reported (the service's list grows).</summary>
            private static List<string> EventSystemProperties(string[] names, DataConnectionKind kind, ConcurrentQueue<string> warnings)
            {
                var documented = kind == DataConnectionKind.IotHub ? KustoRules.IotHubEventSystemProperties : KustoRules.EventHubEventSystemProperties;
                var result = new List<string>();
                foreach (var name in names.Where(n => !string.IsNullOrWhiteSpace(n)))
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
