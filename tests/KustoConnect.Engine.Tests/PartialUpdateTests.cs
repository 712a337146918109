using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>UpdateAsync is ONE PATCH with the kind and only the changed properties (DataConnections_Update).</summary>
    public sealed class PartialUpdateTests : IClassFixture<EmulatorFixture>
    {
        private const string Arm = "https://management.azure.com";
        private readonly EmulatorHost _host;

        public PartialUpdateTests(EmulatorFixture fixture) => _host = fixture.Host;

        private static DatabaseRef Database => DatabaseRef.Create(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, DefaultWorld.ClusterName, DefaultWorld.DatabaseName);

        private KustoSession Session() => KustoSession.Create(Sessions.ForEmulator(_host));

        [Fact]
        public async Task The_PATCH_carries_the_kind_and_only_the_set_properties_normalized_and_nothing_is_read_first()
        {
            var target = DataConnectionRef.Create(Database, "patch-shape");
            var url = Arm + target.ResourceId;
            var stored = "{\"id\":\"" + target.ResourceId + "\",\"name\":\"mykustocluster/mykustodatabase/patch-shape\",\"location\":\"Central US\",\"kind\":\"EventHub\","
                + "\"properties\":{\"eventHubResourceId\":\"" + DefaultWorld.EventHubResourceId + "\",\"consumerGroup\":\"$Default\",\"dataFormat\":\"JSON\",\"provisioningState\":\"Succeeded\"}}";
            var handler = new ScriptedHandler()
                .On("PATCH", url, 200, stored)
                .On("GET", url, 200, stored);
            using var session = Sessions.Replay(handler);

            var result = await session.DataConnections.UpdateAsync(
                target,
                new EventHubDataConnection { DataFormat = "json", MappingRuleName = string.Empty, EventSystemProperties = null, Location = "West Europe" },
                null,
                CancellationToken.None);

            Assert.Empty(handler.Unexpected);
            Assert.Equal(new[] { "PATCH", "GET" }, handler.Sent.Select(r => r.Method));
            Assert.Equal("{\"kind\":\"EventHub\",\"properties\":{\"mappingRuleName\":\"\",\"dataFormat\":\"JSON\"}}", handler.Sent[0].Body);
            Assert.Equal("JSON", Assert.IsType<EventHubDataConnection>(result).DataFormat);
        }

        [Fact]
        public async Task Refused_changes_send_nothing()
        {
            var handler = new ScriptedHandler();
            using var session = Sessions.Replay(handler);
            var target = DataConnectionRef.Create(Database, "patch-refused");

            Assert.Equal("NothingToUpdate", (await Assert.ThrowsAsync<KustoValidationException>(() =>
                session.DataConnections.UpdateAsync(target, DataConnectionProperties.NewModel("IotHub")!, null, CancellationToken.None))).ErrorId);
            Assert.Equal("DataFormatNotSupportedForIotHub", (await Assert.ThrowsAsync<KustoValidationException>(() =>
                session.DataConnections.UpdateAsync(target, new IotHubDataConnection { DataFormat = "raw", EventSystemProperties = null }, null, CancellationToken.None))).ErrorId);
            Assert.Equal("MissingConsumerGroup", (await Assert.ThrowsAsync<KustoValidationException>(() =>
                session.DataConnections.StartUpdateAsync(target, new EventHubDataConnection { ConsumerGroup = string.Empty, EventSystemProperties = null }, null, CancellationToken.None))).ErrorId);
            Assert.Equal("PropertyCannotBeCleared", (await Assert.ThrowsAsync<KustoValidationException>(() =>
                session.DataConnections.UpdateAsync(target, new EventHubDataConnection { Compression = string.Empty, EventSystemProperties = null }, null, CancellationToken.None))).ErrorId);
            Assert.Empty(handler.Sent);
        }

        [Fact]
        public async Task Two_updates_of_different_properties_at_the_same_time_both_survive()
        {
            using var session = Session();
            var target = DataConnectionRef.Create(Database, "patch-concurrent");
            await session.DataConnections.CreateOrUpdateAsync(
                target,
                new IotHubDataConnection
                {
                    Location = DefaultWorld.Location,
                    IotHubResourceId = DefaultWorld.IotHubResourceId,
                    SharedAccessPolicyName = "iothubforread",
                    ConsumerGroup = "$Default",
                    TableName = DefaultWorld.StormEventsTable,
                    MappingRuleName = DefaultWorld.StormEventsCsvMapping,
                    DataFormat = "csv",
                },
                null,
                CancellationToken.None);
            var before = _host.RequestLog.Count;

            // Both PATCHes are sent before either operation is waited for; each carries only its own property.
            var first = session.DataConnections.StartUpdateAsync(target, new IotHubDataConnection { DataFormat = "multijson", EventSystemProperties = null }, null, CancellationToken.None);
            var second = session.DataConnections.StartUpdateAsync(target, new IotHubDataConnection { EventSystemProperties = new[] { "message-id" } }, null, CancellationToken.None);
            var started = await Task.WhenAll(first, second);
            await Task.WhenAll(started.Select(s => session.DataConnections.WaitForOperationAsync(s.Kind, target, s.OperationUrl, null, CancellationToken.None)));

            var after = Assert.IsType<IotHubDataConnection>(await session.DataConnections.GetAsync(target, CancellationToken.None));
            Assert.Equal("MULTIJSON", after.DataFormat);
            Assert.Equal(new[] { "message-id" }, after.EventSystemProperties);
            Assert.Equal(DefaultWorld.StormEventsTable, after.TableName);
            Assert.Equal(DefaultWorld.StormEventsCsvMapping, after.MappingRuleName);
            var writes = _host.RequestLog.Skip(before).Where(e => e.Path.Contains("patch-concurrent", StringComparison.Ordinal) && e.Method is "PUT" or "PATCH").ToList();
            Assert.Equal(new[] { "PATCH", "PATCH" }, writes.Select(w => w.Method));
            await session.DataConnections.DeleteAsync(target, null, CancellationToken.None);
        }

        [Fact]
        public async Task Every_ARM_request_names_KustoConnect_its_version_and_the_host_first_in_its_User_Agent()
        {
            var target = DataConnectionRef.Create(Database, "user-agent");
            var stored = "{\"id\":\"" + target.ResourceId + "\",\"kind\":\"EventHub\",\"properties\":{}}";
            var handler = new ScriptedHandler().On("GET", Arm + target.ResourceId, 200, stored);
            var before = KustoSession.UserAgentHost;
            KustoSession.UserAgentHost = "PowerShell/7.6.9 (Core)";
            try
            {
                using var session = Sessions.Replay(handler);
                await session.DataConnections.GetAsync(target, CancellationToken.None);
            }
            finally
            {
                KustoSession.UserAgentHost = before;
            }

            // The test transport lists the header's product tokens comma-separated; on the wire they are space-separated.
            var userAgent = handler.Sent.Single().Headers["User-Agent"].Replace(',', ' ');
            Assert.StartsWith("KustoConnect/0.1.0 PowerShell/7.6.9 (Core) azsdk-net-", userAgent, StringComparison.Ordinal);
            Assert.Equal(1, userAgent.Split("KustoConnect/").Length - 1);
        }
    }
}
