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
        /// <summary>
        /// The parameters that change a property: every settable property of every kind, by its parameter name (the kinds'
        /// descriptions in the engine); each kind accepts only its own (<see cref="CheckApplicable"/>).
        /// </summary>
        private static readonly string[] ChangeParameters =
            DataConnectionKinds.All.SelectMany(k => k.Settable).Where(p => p.Updatable).Select(p => p.ParameterName).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

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

                CheckValues();
                knownKind = ParameterSetName == ByInputObjectSet && !string.IsNullOrEmpty(InputObject.Kind)
                    ? InputObject.Kind
                    : DataConnectionProperties.CanonicalKind(Kind);
                if (knownKind != null)
                {
                    CheckApplicable(knownKind, passed);

                    // The changes pass the engine's rules now, so that a bad value is refused before ShouldProcess.
                    new Changes(this, passed).Build(knownKind, new ConcurrentQueue<string>());
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

        /// <summary>
        /// Before the kind is known, every value passed is checked by the rule of the property it sets: it passes when one
        /// kind that has the property accepts it (the kind's own rule runs again once the kind is known). An empty value
        /// clears and is not checked here.
        /// </summary>
        private void CheckValues()
        {
            foreach (var parameter in ChangeParameters.Where(p => MyInvocation.BoundParameters.ContainsKey(p)))
            {
                KustoValidationException? refusal = null;
                foreach (var kind in DataConnectionKinds.All)
                {
                    var property = kind.Settable.FirstOrDefault(p => p.ParameterName == parameter);
                    if (property == null)
                    {
                        continue;
                    }

                    try
                    {
                        var model = kind.NewModel();
                        property.SetValue(model, DataConnectionModelBuilder.FromParameter(property, GetType().GetProperty(parameter)!.GetValue(this), kind, _ => { }));
                        property.Check(model);
                        refusal = null;
                        break;
                    }
                    catch (KustoValidationException e)
                    {
                        refusal ??= e;
                    }
                }

                if (refusal != null)
                {
                    throw refusal;
                }
            }
        }

        private static void CheckApplicable(string kind, IReadOnlyCollection<string> passed)
        {
            var description = DataConnectionKinds.Find(kind)
                ?? throw new KustoValidationException(
                    "DataConnectionKindNotSupported",
                    $"Data connections of kind '{kind}' cannot be updated by this version of KustoConnect.",
                    "Kind");
            var applicable = description.Settable.Where(p => p.Updatable).Select(p => p.ParameterName).ToList();
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
                    _values[name] = typeof(UpdateKustoDataConnectionCommand).GetProperty(name)!.GetValue(command) switch
                    {
                        SwitchParameter flag => flag.IsPresent,
                        DateTime date => DataConnectionModelBuilder.ToInstant(date),
                        string[] list => list.ToArray(),
                        var value => value,
                    };
                }
            }

            /// <summary>
            /// A model of <paramref name="kind"/> with only the passed parameters set ('' and @() clear); the engine's rules
            /// run on it (throws <see cref="KustoValidationException"/>).
            /// </summary>
            public DataConnection Build(string kind, ConcurrentQueue<string> warnings)
            {
                var description = DataConnectionKinds.Find(kind)
                    ?? throw new KustoValidationException("DataConnectionKindNotSupported", $"Data connections of kind '{kind}' cannot be updated by this version of KustoConnect.", "Kind");
                var model = description.NewModel();
                foreach (var property in description.Settable.Where(p => p.Updatable))
                {
                    if (!_values.TryGetValue(property.ParameterName, out var value))
                    {
                        continue;
                    }

                    value = DataConnectionModelBuilder.FromParameter(property, value, description, warnings.Enqueue);
                    property.SetValue(model, property.Normalize(value, model.Kind));
                }

                return model;
            }
        }
    }
}
