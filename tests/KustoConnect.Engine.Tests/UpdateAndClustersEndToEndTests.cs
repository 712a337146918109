using System.Collections.Generic;
using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>UpdateAsync's partial semantics and the cluster/database reads against the real emulator.</summary>
    public sealed class UpdateAndClustersEndToEndTests : IClassFixture<EmulatorFixture>
    {
        private readonly EmulatorHost _host;

        public UpdateAndClustersEndToEndTests(EmulatorFixture fixture) => _host = fixture.Host;

        private static DatabaseRef Database => DatabaseRef.Create(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, DefaultWorld.ClusterName, DefaultWorld.DatabaseName);

        private KustoSession Session() => KustoSession.Create(Sessions.ForEmulator(_host));

        [Fact]
        public async Task UpdateAsync_changes_only_what_the_change_sets_and_keeps_kind_and_location()
        {
            using var session = Session();
            var target = DataConnectionRef.Create(Database, "engine-update-eh");
            await session.DataConnections.CreateOrUpdateAsync(
                target,
                new EventHubDataConnection
                {
                    Location = DefaultWorld.LocationName,
                    EventHubResourceId = DefaultWorld.EventHubResourceId,
                    ConsumerGroup = "kusto",
                    TableName = DefaultWorld.StormEventsTable,
                    MappingRuleName = DefaultWorld.StormEventsCsvMapping,
                    DataFormat = "csv",
                    Compression = "GZip",
                    EventSystemProperties = new List<string> { "x-opt-offset" },
                },
                null,
                CancellationToken.None);
            var before = (EventHubDataConnection)await session.DataConnections.GetAsync(target, CancellationToken.None);

            var updated = await session.DataConnections.UpdateAsync(target, new EventHubDataConnection { DataFormat = "json", EventSystemProperties = null }, null, CancellationToken.None);

            var after = Assert.IsType<EventHubDataConnection>(await session.DataConnections.GetAsync(target, CancellationToken.None));
            Assert.Equal("JSON", ((EventHubDataConnection)updated).DataFormat);
            Assert.Equal("JSON", after.DataFormat);
            Assert.Equal(before.TableName, after.TableName);
            Assert.Equal(before.Location, after.Location);
            Assert.Equal(before.MappingRuleName, after.MappingRuleName);
            Assert.Equal(before.Compression, after.Compression);
            Assert.Equal(before.EventSystemProperties, after.EventSystemProperties);
            Assert.Equal(before.ConsumerGroup, after.ConsumerGroup);
            Assert.Equal(before.RetrievalStartDate, after.RetrievalStartDate);
            await session.DataConnections.DeleteAsync(target, null, CancellationToken.None);
        }

        [Fact]
        public async Task UpdateAsync_writes_nothing_when_the_change_refuses()
        {
            using var session = Session();
            var target = DataConnectionRef.Create(Database, "engine-update-refused");
            await session.DataConnections.CreateOrUpdateAsync(
                target,
                new CosmosDbDataConnection
                {
                    Location = DefaultWorld.Location,
                    CosmosDbAccountResourceId = DefaultWorld.CosmosDbAccountResourceId,
                    CosmosDbDatabase = DefaultWorld.CosmosDbDatabaseName,
                    CosmosDbContainer = DefaultWorld.CosmosDbContainerName,
                    TableName = DefaultWorld.TelemetryTable,
                    ManagedIdentityResourceId = DefaultWorld.ManagedIdentityResourceId,
                },
                null,
                CancellationToken.None);
            var writesBefore = _host.RequestLog.Count(e => e.Method == "PUT" && e.Path.Contains("engine-update-refused", StringComparison.Ordinal));

            var error = await Assert.ThrowsAsync<KustoValidationException>(() => session.DataConnections.UpdateAsync(
                target,
                new CosmosDbDataConnection { CosmosDbContainer = string.Empty },
                null,
                CancellationToken.None));

            Assert.Equal("MissingCosmosDbContainer", error.ErrorId);
            Assert.Equal(writesBefore, _host.RequestLog.Count(e => e.Method is "PUT" or "PATCH" && e.Path.Contains("engine-update-refused", StringComparison.Ordinal)));
            await session.DataConnections.DeleteAsync(target, null, CancellationToken.None);
        }

        [Fact]
        public async Task Clusters_and_databases_are_read_with_their_location_state_and_kind()
        {
            using var session = Session();
            var clusterRef = ClusterRef.Create(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, DefaultWorld.ClusterName);

            var cluster = await session.Clusters.GetClusterAsync(clusterRef, CancellationToken.None);
            var clusters = await session.Clusters.ListClustersAsync(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, CancellationToken.None);
            var database = await session.Clusters.GetDatabaseAsync(Database, CancellationToken.None);
            var databases = await session.Clusters.ListDatabasesAsync(clusterRef, CancellationToken.None);

            Assert.Equal(DefaultWorld.ClusterName, cluster.Name);
            Assert.Equal(DefaultWorld.Location, cluster.Location);
            Assert.Equal("Running", cluster.State);
            Assert.Equal(DefaultWorld.SubscriptionId, cluster.SubscriptionId);
            Assert.False(string.IsNullOrEmpty(cluster.Uri));
            Assert.Contains(clusters, c => c.Name == DefaultWorld.ClusterName);
            Assert.Equal(DefaultWorld.DatabaseName, database.Name);
            Assert.Equal(DefaultWorld.ClusterName, database.ClusterName);
            Assert.Equal("ReadWrite", database.Kind);
            Assert.Equal(DefaultWorld.Location, database.Location);
            Assert.Contains(databases, d => d.Name == DefaultWorld.DatabaseName);
        }

        [Fact]
        public async Task A_missing_cluster_is_a_404()
        {
            using var session = Session();

            var error = await Assert.ThrowsAsync<KustoArmException>(() =>
                session.Clusters.GetClusterAsync(ClusterRef.Create(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, "nosuchcluster"), CancellationToken.None));

            Assert.Equal(404, error.StatusCode);
        }
    }
}
