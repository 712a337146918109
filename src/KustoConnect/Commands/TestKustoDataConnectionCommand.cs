using System;
using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Asks Azure whether a data connection definition would be accepted, without creating it.</para>
    /// <para type="description">Writes the service's error messages as strings, and nothing when the definition is valid.
    /// The IoTHub parameter set takes what New-KustoIotHubConnection takes; -InputObject re-validates an existing data
    /// connection (as Get-KustoDataConnection writes it) as it is stored now.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "KustoDataConnection", DefaultParameterSetName = IotHubSet)]
    [OutputType(typeof(string))]
    public sealed class TestKustoDataConnectionCommand : KustoCmdlet
    {
        private const string IotHubSet = "IotHub";
        private const string InputObjectSet = "InputObject";

        /// <summary>An existing data connection, e.g. from Get-KustoDataConnection: its stored definition is validated again.</summary>
        [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public KustoDataConnection InputObject { get; set; } = null!;

        /// <summary>The resource group of the cluster.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IotHubSet)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; } = null!;

        /// <summary>The Azure Data Explorer cluster.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IotHubSet)]
        [ValidateNotNullOrEmpty]
        public string ClusterName { get; set; } = null!;

        /// <summary>The database that would receive the data.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IotHubSet)]
        [ValidateNotNullOrEmpty]
        public string DatabaseName { get; set; } = null!;

        /// <summary>The name of the data connection: 1-40 letters, digits, spaces, '.' and '-'.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IotHubSet)]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        public string Name { get; set; } = null!;

        /// <summary>The Azure region of the data connection. Omit it to use the cluster's (read from the cluster first).</summary>
        [Parameter(ParameterSetName = IotHubSet)]
        [ValidateNotNullOrEmpty]
        public string? Location { get; set; }

        /// <summary>The subscription of the cluster, for this call only; defaults to the context's.</summary>
        [Parameter(ParameterSetName = IotHubSet)]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        /// <summary>The resource id of the IoT hub (any casing of its segments).</summary>
        [Parameter(Mandatory = true, ParameterSetName = IotHubSet)]
        [ValidateNotNullOrEmpty]
        public string IotHubResourceId { get; set; } = null!;

        /// <summary>The hub's shared access policy; it must grant ServiceConnect.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IotHubSet)]
        [ValidateNotNullOrEmpty]
        public string SharedAccessPolicyName { get; set; } = null!;

        /// <summary>The hub's consumer group the connection would read with. Defaults to $Default.</summary>
        [Parameter(ParameterSetName = IotHubSet)]
        [ValidateNotNullOrEmpty]
        public string ConsumerGroup { get; set; } = "$Default";

        /// <summary>The table that would receive the data.</summary>
        [Parameter(ParameterSetName = IotHubSet)]
        [ValidateNotNullOrEmpty]
        public string? TableName { get; set; }

        /// <summary>The ingestion mapping of the table.</summary>
        [Parameter(ParameterSetName = IotHubSet)]
        [ValidateNotNullOrEmpty]
        [Alias("MappingName")]
        public string? MappingRuleName { get; set; }

        /// <summary>The data format of the messages, e.g. CSV or JSON (case-insensitive; RAW is not supported for IoT Hub).</summary>
        [Parameter(ParameterSetName = IotHubSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DataFormatCompleter))]
        public string? DataFormat { get; set; }

        /// <summary>IoT Hub system properties to add to each record, e.g. message-id, iothub-enqueuedtime.</summary>
        [Parameter(ParameterSetName = IotHubSet)]
        [Alias("EventSystemProperties")]
        [ArgumentCompleter(typeof(IotHubEventSystemPropertyCompleter))]
        public string[]? EventSystemProperty { get; set; }

        /// <summary>Single (the default): data goes to this database only; Multi: messages may route to other databases.</summary>
        [Parameter(ParameterSetName = IotHubSet)]
        [ValidateSet("Single", "Multi", IgnoreCase = true)]
        public string? DatabaseRouting { get; set; }

        /// <summary>Ingest the events that the hub still retains from this date on.</summary>
        [Parameter(ParameterSetName = IotHubSet)]
        public DateTime? RetrievalStartDate { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            DataConnectionRef target;
            DataConnection? model = null;
            try
            {
                if (ParameterSetName == InputObjectSet)
                {
                    if (string.IsNullOrEmpty(InputObject.Id))
                    {
                        throw new KustoValidationException("MissingResourceId", "The input object has no Id: pass a data connection written by Get-KustoDataConnection.", "InputObject");
                    }

                    target = DataConnectionRef.Parse(InputObject.Id!);
                }
                else
                {
                    var subscription = ResolveSubscriptionId(session, SubscriptionId);
                    target = DataConnectionRef.Create(DatabaseRef.Create(subscription, ResourceGroupName, ClusterName, DatabaseName), Name);
                    model = BuildIotHubModel();
                    KustoRules.ValidateDefinition(model);
                }
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, InputObject?.Id ?? Name);
                return;
            }

            try
            {
                var messages = RunEngine(async (observer, token) =>
                {
                    var definition = model ?? await session.DataConnections.GetAsync(target, token).ConfigureAwait(false);
                    if (string.IsNullOrEmpty(definition.Location))
                    {
                        var cluster = await session.Clusters.GetClusterAsync(target.Database.Cluster, token).ConfigureAwait(false);
                        definition.Location = cluster.Location;
                        observer.OnVerbose($"No -Location given: using the location of cluster '{target.Database.ClusterName}', '{cluster.Location}'.");
                    }

                    return await session.DataConnections.ValidateAsync(target, definition, observer, token).ConfigureAwait(false);
                });
                foreach (var message in messages)
                {
                    WriteObject(message);
                }
            }
            catch (Exception e) when (IsItemError(e))
            {
                WriteEngineError(e, target.ResourceId);
            }
        }

        /// <summary>The same model New-KustoIotHubConnection builds from the same parameters.</summary>
        private IotHubDataConnection BuildIotHubModel()
        {
            var model = DataConnectionModelBuilder.IotHub(
                IotHubResourceId,
                SharedAccessPolicyName,
                ConsumerGroup,
                TableName,
                MappingRuleName,
                DataFormat,
                EventSystemProperty,
                DatabaseRouting,
                RetrievalStartDate,
                WriteWarning);
            model.Location = Location;
            return model;
        }
    }
}
