using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Engine;
using KustoConnect.Models;

namespace KustoConnect.Internal
{
    /// <summary>
    /// What every New-Kusto*Connection cmdlet shares: where the connection goes (resource group, cluster, database,
    /// name, optional location and subscription), the client-side checks before anything is sent, ShouldProcess, the
    /// refusal to overwrite an existing connection, the cluster's location when -Location is omitted, and the create.
    /// </summary>
    public abstract class NewDataConnectionCmdlet : KustoCmdlet
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

        /// <summary>The Azure region of the data connection. Omit it to use the cluster's (read from the cluster first).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Location { get; set; }

        /// <summary>The subscription of the cluster, for this call only; defaults to the context's.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        /// <summary>"IoT Hub", "Event Hub", ...: how ShouldProcess names the kind.</summary>
        protected abstract string KindDisplayName { get; }

        /// <summary>Builds the model from the parameters, applying the client-side rules (throws <see cref="KustoValidationException"/>).</summary>
        protected abstract DataConnection BuildModel();

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            var subscription = ResolveSubscriptionId(session, SubscriptionId);

            DataConnectionRef target;
            DataConnection model;
            try
            {
                target = DataConnectionRef.Create(DatabaseRef.Create(subscription, ResourceGroupName, ClusterName, DatabaseName), Name);
                model = BuildModel();
                model.Location = Location;
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, Name);
                return;
            }

            var description = $"{KindDisplayName} data connection '{target.Name}' in {target.Database.ClusterName}/{target.Database.DatabaseName}";
            if (!ShouldProcess(description, "Create"))
            {
                return;
            }

            try
            {
                var created = RunEngine(async (observer, token) =>
                {
                    await EnsureAbsentAsync(session, target, token).ConfigureAwait(false);
                    if (string.IsNullOrEmpty(model.Location))
                    {
                        var cluster = await session.Clusters.GetClusterAsync(target.Database.Cluster, token).ConfigureAwait(false);
                        model.Location = cluster.Location;
                        observer.OnVerbose($"No -Location given: using the location of cluster '{target.Database.ClusterName}', '{cluster.Location}'.");
                    }

                    return await session.DataConnections.CreateOrUpdateAsync(target, model, observer, token).ConfigureAwait(false);
                });
                WriteObject(KustoDataConnection.From(created));
            }
            catch (Exception e) when (IsItemError(e))
            {
                WriteEngineError(e, target.ResourceId);
            }
        }

        /// <summary>A date the user typed (local or UTC) as the instant it means.</summary>
        protected static DateTimeOffset? ToInstant(DateTime? value) =>
            value.HasValue ? new DateTimeOffset(value.Value.ToUniversalTime()) : (DateTimeOffset?)null;

        /// <summary>
        /// Event system property names in their documented spelling; an unknown name is kept with a warning (the
        /// service's list grows).
        /// </summary>
        protected List<string> NormalizeEventSystemProperties(string[]? names, DataConnectionKind kind)
        {
            var documented = kind == DataConnectionKind.IotHub ? KustoRules.IotHubEventSystemProperties : KustoRules.EventHubEventSystemProperties;
            var result = new List<string>();
            foreach (var name in names ?? Array.Empty<string>())
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    continue;
                }

                var known = documented.FirstOrDefault(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
                if (known == null)
                {
                    WriteWarning($"'{name}' is not an {(kind == DataConnectionKind.IotHub ? "IoT Hub" : "Event Hub")} event system property KustoConnect knows ({string.Join(", ", documented)}). It is sent as given; the service decides.");
                }

                result.Add(known ?? name);
            }

            return result;
        }

        private static async Task EnsureAbsentAsync(KustoSession session, DataConnectionRef target, CancellationToken token)
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
    }
}
