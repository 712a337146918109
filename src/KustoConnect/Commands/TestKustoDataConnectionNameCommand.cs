using System;
using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Asks Azure whether a data connection name is free in a database.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "KustoDataConnectionName")]
    [OutputType(typeof(NameAvailability))]
    public sealed class TestKustoDataConnectionNameCommand : KustoCmdlet
    {
        /// <summary>The resource group of the cluster.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; } = null!;

        /// <summary>The Azure Data Explorer cluster.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ClusterName { get; set; } = null!;

        /// <summary>The database the data connection would belong to.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string DatabaseName { get; set; } = null!;

        /// <summary>The name to check: 1-40 letters, digits, spaces, '.' and '-' (checked here before anything is sent).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        public string Name { get; set; } = null!;

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
            try
            {
                target = DataConnectionRef.Create(DatabaseRef.Create(subscription, ResourceGroupName, ClusterName, DatabaseName), Name);
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, Name);
                return;
            }

            try
            {
                WriteObject(RunEngine((observer, token) => session.DataConnections.CheckNameAvailabilityAsync(target, token)));
            }
            catch (Exception e) when (IsItemError(e))
            {
                WriteEngineError(e, target.ResourceId);
            }
        }
    }
}
