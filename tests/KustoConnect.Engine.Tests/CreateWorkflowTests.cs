using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>The engine's create workflow (IDataConnectionOperations.CreateAsync and its options) against the real emulator.</summary>
    public sealed class CreateWorkflowTests : IClassFixture<EmulatorFixture>
    {
        private readonly EmulatorHost _host;

        public CreateWorkflowTests(EmulatorFixture fixture) => _host = fixture.Host;

        private static DatabaseRef Database => DatabaseRef.Create(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, DefaultWorld.ClusterName, DefaultWorld.DatabaseName);

        private KustoSession Session() => KustoSession.Create(Sessions.ForEmulator(_host));

        [Fact]
        public async Task CreateAsync_checks_existence_chooses_the_policy_reads_the_cluster_then_puts_and_refuses_a_second_create()
        {
            using var session = Session();
            var target = DataConnectionRef.Create(Database, "engine-create-workflow");
            var observer = new RecordingObserver();
            var before = _host.RequestLog.Select(e => e.Sequence).DefaultIfEmpty(-1).Max();
            var definition = new IotHubDataConnection
            {
                IotHubIdentity = ResourceIds.Parse(DefaultWorld.IotHubResourceId, ResourceIds.IotHub),
                ConsumerGroup = "$Default",
                TableName = DefaultWorld.StormEventsTable,
            };

            try
            {
                var created = await session.DataConnections.CreateAsync(target, definition, new CreateOptions(), observer, CancellationToken.None);

                Assert.Null(created.Operation);
                Assert.Equal("Succeeded", created.Connection!.ProvisioningState);
                Assert.False(string.IsNullOrEmpty(definition.SharedAccessPolicyName));
                Assert.True(DataConnectionWorkflows.SameRegion(DefaultWorld.Location, definition.Location!));
                Assert.Contains(observer.Verbose, m => m.StartsWith("No -SharedAccessPolicyName given: using the shared access policy '" + definition.SharedAccessPolicyName + "'", StringComparison.Ordinal));
                Assert.Contains(observer.Verbose, m => m.StartsWith("No -Location given: using the location of cluster '" + DefaultWorld.ClusterName + "'", StringComparison.Ordinal));
                Assert.Empty(observer.Warnings);

                // The order New-KustoIotHubConnection has always sent: existence GET, listkeys, cluster GET, PUT.
                var steps = _host.RequestLog.Where(e => e.Sequence > before)
                    .Select(e => e.Method + " " + e.Path.Split('?')[0])
                    .Where(s => !s.Contains("/oauth2/", StringComparison.Ordinal) && !s.Contains("operation", StringComparison.OrdinalIgnoreCase))
                    .ToList();
                var clusterPath = Database.Cluster.ResourceId;
                var first = new[]
                {
                    "GET " + target.ResourceId,
                    "POST " + DefaultWorld.IotHubResourceId + "/listkeys",
                    "GET " + clusterPath,
                    "PUT " + target.ResourceId,
                };
                Assert.Equal(first.Select(s => s.ToLowerInvariant()), steps.Take(4).Select(s => s.ToLowerInvariant()));

                var again = await Assert.ThrowsAsync<DataConnectionExistsException>(() =>
                    session.DataConnections.CreateAsync(target, definition, new CreateOptions(), observer, CancellationToken.None));
                Assert.Equal(target.ResourceId, again.ResourceId);
            }
            finally
            {
                await session.DataConnections.DeleteAsync(target, null, CancellationToken.None);
            }
        }

        [Fact]
        public async Task CreateAsync_with_Overwrite_no_wait_and_a_trusted_location_sends_only_the_put()
        {
            using var session = Session();
            var target = DataConnectionRef.Create(Database, "engine-create-nowait");
            var before = _host.RequestLog.Select(e => e.Sequence).DefaultIfEmpty(-1).Max();
            var definition = new IotHubDataConnection
            {
                Location = DefaultWorld.Location,
                IotHubResourceId = DefaultWorld.IotHubResourceId,
                SharedAccessPolicyName = "iothubforread",
                ConsumerGroup = "$Default",
                TableName = DefaultWorld.StormEventsTable,
            };

            try
            {
                var options = new CreateOptions { Wait = false, IfExists = ExistingConnectionPolicy.Overwrite, CheckLocation = false, ChooseIotHubPolicy = false };
                var started = await session.DataConnections.CreateAsync(target, definition, options, null, CancellationToken.None);

                Assert.Null(started.Connection);
                Assert.Equal(KustoOperationKind.Create, started.Operation!.Kind);
                var arm = _host.RequestLog.Where(e => e.Sequence > before)
                    .Where(e => !e.Path.Contains("/oauth2/", StringComparison.Ordinal) && !e.Path.Contains("openid", StringComparison.OrdinalIgnoreCase))
                    .Select(e => e.Method + " " + e.Path.Split('?')[0].ToLowerInvariant())
                    .ToList();
                Assert.Equal(new[] { "PUT " + target.ResourceId.ToLowerInvariant() }, arm);

                await session.DataConnections.WaitForOperationAsync(KustoOperationKind.Create, target, started.Operation.OperationUrl, null, CancellationToken.None);
            }
            finally
            {
                await session.DataConnections.DeleteAsync(target, null, CancellationToken.None);
            }
        }
    }
}
