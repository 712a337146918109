using System;
using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Asks Azure whether a data connection definition of any kind would be accepted, without creating it.</para>
    /// <para type="description">Writes the service's error messages as strings, and nothing when the definition is valid.
    /// Each kind has its parameter set, with the parameters of its New-Kusto*Connection: -IotHubResourceId (IoT Hub),
    /// -EventHubResourceId (Event Hub), -StorageAccountResourceId with -EventHubResourceId (Event Grid),
    /// -CosmosDbAccountResourceId (Cosmos DB). -InputObject validates a data connection object as it is — also after you
    /// edited it — not as the service stores it.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "KustoDataConnection", DefaultParameterSetName = IotHubSet)]
    [OutputType(typeof(string))]
    [KindMembers(KindMembers.TestParameters)]
    public sealed partial class TestKustoDataConnectionCommand : KustoCmdlet
    {
        private const string IotHubSet = "IotHub";
        private const string EventHubSet = "EventHub";
        private const string EventGridSet = "EventGrid";
        private const string CosmosDbSet = "CosmosDb";
        private const string InputObjectSet = "InputObject";

        /// <summary>A data connection object (e.g. from Get-KustoDataConnection, possibly edited): validated as it is.</summary>
        [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
        [ValidateNotNull]
        public KustoDataConnection InputObject { get; set; } = null!;

        /// <summary>The resource group of the cluster.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IotHubSet)]
        [Parameter(Mandatory = true, ParameterSetName = EventHubSet)]
        [Parameter(Mandatory = true, ParameterSetName = EventGridSet)]
        [Parameter(Mandatory = true, ParameterSetName = CosmosDbSet)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; } = null!;

        /// <summary>The Azure Data Explorer cluster.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IotHubSet)]
        [Parameter(Mandatory = true, ParameterSetName = EventHubSet)]
        [Parameter(Mandatory = true, ParameterSetName = EventGridSet)]
        [Parameter(Mandatory = true, ParameterSetName = CosmosDbSet)]
        [ValidateNotNullOrEmpty]
        public string ClusterName { get; set; } = null!;

        /// <summary>The database that would receive the data.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IotHubSet)]
        [Parameter(Mandatory = true, ParameterSetName = EventHubSet)]
        [Parameter(Mandatory = true, ParameterSetName = EventGridSet)]
        [Parameter(Mandatory = true, ParameterSetName = CosmosDbSet)]
        [ValidateNotNullOrEmpty]
        public string DatabaseName { get; set; } = null!;

        /// <summary>The name of the data connection: 1-40 letters, digits, spaces, '.' and '-'.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IotHubSet)]
        [Parameter(Mandatory = true, ParameterSetName = EventHubSet)]
        [Parameter(Mandatory = true, ParameterSetName = EventGridSet)]
        [Parameter(Mandatory = true, ParameterSetName = CosmosDbSet)]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        public string Name { get; set; } = null!;

        /// <summary>The Azure region of the data connection. Omit it to use the cluster's (read from the cluster first).</summary>
        [Parameter(ParameterSetName = IotHubSet)]
        [Parameter(ParameterSetName = EventHubSet)]
        [Parameter(ParameterSetName = EventGridSet)]
        [Parameter(ParameterSetName = CosmosDbSet)]
        [ValidateNotNullOrEmpty]
        public string? Location { get; set; }

        /// <summary>The subscription of the cluster, for this call only; defaults to the context's.</summary>
        [Parameter(ParameterSetName = IotHubSet)]
        [Parameter(ParameterSetName = EventHubSet)]
        [Parameter(ParameterSetName = EventGridSet)]
        [Parameter(ParameterSetName = CosmosDbSet)]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            DataConnectionRef target;
            DataConnection model;
            try
            {
                if (ParameterSetName == InputObjectSet)
                {
                    if (string.IsNullOrEmpty(InputObject.Id))
                    {
                        throw new KustoValidationException("MissingResourceId", "The input object has no Id: pass a data connection written by Get-KustoDataConnection.", "InputObject");
                    }

                    target = DataConnectionRef.Parse(InputObject.Id!);
                    model = InputObject.ToModel() ?? OtherKind(InputObject);
                }
                else
                {
                    var subscription = ResolveSubscriptionId(session, SubscriptionId);
                    target = DataConnectionRef.Create(DatabaseRef.Create(subscription, ResourceGroupName, ClusterName, DatabaseName), Name);
                    model = BuildModel();
                    model.Location = Location;
                }

                KustoRules.ValidateDefinition(model);
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, InputObject?.Id ?? Name);
                return;
            }

            try
            {
                var messages = RunEngine((observer, token) => session.DataConnections.ValidateAsync(target, model, new ValidateOptions(), observer, token));
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

        /// <summary>A kind this version does not model: its properties as the object holds them.</summary>
        private static OtherDataConnection OtherKind(KustoDataConnection input) => input is KustoOtherDataConnection other
            ? new OtherDataConnection { KindName = other.Kind ?? string.Empty, PropertiesJson = other.PropertiesJson ?? "{}", Location = other.Location }
            : throw new KustoValidationException("DataConnectionKindNotSupported", $"Data connections of kind '{input.Kind}' cannot be validated by this version of KustoConnect.", "InputObject");

        /// <summary>
        /// The model New-Kusto*Connection builds from the same parameters: the parameter set is the kind, and each of the
        /// kind's properties comes from the parameter of its name (the engine's rules run again before sending).
        /// </summary>
        private DataConnection BuildModel() =>
            DataConnectionModelBuilder.Build(DataConnectionKinds.Find(ParameterSetName)!, this, WriteWarning);
    }
}
