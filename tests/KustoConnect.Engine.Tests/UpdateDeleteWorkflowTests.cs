using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>
    /// The engine's update and delete workflows (IDataConnectionOperations.UpdateAsync with DataConnectionChanges and
    /// UpdateOptions, DeleteAsync with DeleteOptions), which Update- and Remove-KustoDataConnection make as their one
    /// engine call, against the real emulator; order from its request log.
    /// </summary>
    public sealed class UpdateDeleteWorkflowTests : IClassFixture<EmulatorFixture>
    {
        private readonly EmulatorHost _host;

        public UpdateDeleteWorkflowTests(EmulatorFixture fixture) => _host = fixture.Host;

        private static DatabaseRef Database => DatabaseRef.Create(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, DefaultWorld.ClusterName, DefaultWorld.DatabaseName);

        private KustoSession Session() => KustoSession.Create(Sessions.ForEmulator(_host));

        private static EventHubDataConnection EventHub() => new EventHubDataConnection
        {
            Location = DefaultWorld.LocationName,
            EventHubResourceId = DefaultWorld.EventHubResourceId,
            ConsumerGroup = "kusto",
            TableName = DefaultWorld.StormEventsTable,
            MappingRuleName = DefaultWorld.StormEventsCsvMapping,
            DataFormat = "csv",
        };

        private long Last() => _host.RequestLog.Select(e => e.Sequence).DefaultIfEmpty(-1).Max();

        private List<string> StepsAfter(long sequence, string name) =>
            _host.RequestLog.Where(e => e.Sequence > sequence && e.Path.Contains(name, StringComparison.Ordinal))
                .Where(e => !e.Path.Contains("operation", StringComparison.OrdinalIgnoreCase))
                .Select(e => e.Method)
                .ToList();

        [Fact]
        public async Task UpdateAsync_without_a_kind_reads_the_connection_once_then_patches_only_the_changes_and_waits()
        {
            using var session = Session();
            var target = DataConnectionRef.Create(Database, "engine-update-workflow");
            await session.DataConnections.CreateOrUpdateAsync(target, EventHub(), null, CancellationToken.None);
            var observer = new RecordingObserver();
            var before = Last();
            var changes = new DataConnectionChanges();
            changes.Set("DataFormat", "json");
            changes.Set("EventSystemProperty", new[] { "X-OPT-OFFSET", "x-opt-something-new" });

            try
            {
                var result = await session.DataConnections.UpdateAsync(target, changes, new UpdateOptions(), observer, CancellationToken.None);

                Assert.Null(result.Operation);
                var updated = Assert.IsType<EventHubDataConnection>(result.Connection);
                Assert.Equal("JSON", updated.DataFormat);
                Assert.Equal(new[] { "x-opt-offset", "x-opt-something-new" }, updated.EventSystemProperties);
                Assert.Equal("kusto", updated.ConsumerGroup);
                // The kind's GET, the PATCH, then the wait's final GET of the resource.
                Assert.Equal(new[] { "GET", "PATCH", "GET" }, StepsAfter(before, "engine-update-workflow"));
                Assert.Contains(observer.Verbose, m => m.StartsWith("No -Kind given: reading data connection 'engine-update-workflow' once", StringComparison.Ordinal));
                Assert.Contains(observer.Warnings, w => w.Contains("'x-opt-something-new'", StringComparison.Ordinal));
            }
            finally
            {
                await session.DataConnections.DeleteAsync(target, null, CancellationToken.None);
            }
        }

        [Fact]
        public async Task UpdateAsync_with_the_kind_and_no_wait_sends_only_the_patch_and_returns_the_operation()
        {
            using var session = Session();
            var target = DataConnectionRef.Create(Database, "engine-update-nowait");
            await session.DataConnections.CreateOrUpdateAsync(target, EventHub(), null, CancellationToken.None);
            var before = Last();
            var changes = new DataConnectionChanges("eventhub");
            changes.Set("TableName", "");

            try
            {
                var result = await session.DataConnections.UpdateAsync(target, changes, new UpdateOptions { Wait = false }, null, CancellationToken.None);

                Assert.Null(result.Connection);
                Assert.Equal(KustoOperationKind.Update, result.Operation!.Kind);
                Assert.Equal("EventHub", changes.Kind);
                Assert.Equal(new[] { "PATCH" }, StepsAfter(before, "engine-update-nowait"));
                await session.DataConnections.WaitForOperationAsync(KustoOperationKind.Update, target, result.Operation.OperationUrl, null, CancellationToken.None);
            }
            finally
            {
                await session.DataConnections.DeleteAsync(target, null, CancellationToken.None);
            }
        }

        [Fact]
        public async Task A_change_the_kind_does_not_have_is_refused_before_the_patch_and_Check_refuses_it_before_any_request()
        {
            using var session = Session();
            var target = DataConnectionRef.Create(Database, "engine-update-wrong-kind");
            await session.DataConnections.CreateOrUpdateAsync(target, EventHub(), null, CancellationToken.None);
            var before = Last();

            try
            {
                var unknownKind = new DataConnectionChanges();
                unknownKind.Set("SharedAccessPolicyName", "iothubforread");
                unknownKind.Check();
                var refused = await Assert.ThrowsAsync<KustoValidationException>(() =>
                    session.DataConnections.UpdateAsync(target, unknownKind, null, null, CancellationToken.None));
                Assert.Equal("ParameterNotValidForKind", refused.ErrorId);
                Assert.Equal("SharedAccessPolicyName", refused.ParameterName);
                Assert.Equal(new[] { "GET" }, StepsAfter(before, "engine-update-wrong-kind"));

                var knownKind = new DataConnectionChanges("EventHub");
                knownKind.Set("SharedAccessPolicyName", "iothubforread");
                Assert.Equal("ParameterNotValidForKind", Assert.Throws<KustoValidationException>(() => knownKind.Check()).ErrorId);
                Assert.Equal("NothingToUpdate", Assert.Throws<KustoValidationException>(() => new DataConnectionChanges("EventHub").Check()).ErrorId);
                var badValue = new DataConnectionChanges();
                badValue.Set("DataFormat", "not-a-format");
                Assert.Equal("InvalidDataFormat", Assert.Throws<KustoValidationException>(() => badValue.Check()).ErrorId);
                Assert.Throws<ArgumentException>(() => badValue.Set("Name", "x"));
                Assert.Equal(new[] { "GET" }, StepsAfter(before, "engine-update-wrong-kind"));
            }
            finally
            {
                await session.DataConnections.DeleteAsync(target, null, CancellationToken.None);
            }
        }

        [Fact]
        public async Task DeleteAsync_reads_the_connection_then_deletes_it_and_returns_it_as_it_was()
        {
            using var session = Session();
            var target = DataConnectionRef.Create(Database, "engine-delete-workflow");
            await session.DataConnections.CreateOrUpdateAsync(target, EventHub(), null, CancellationToken.None);
            var before = Last();

            var result = await session.DataConnections.DeleteAsync(target, new DeleteOptions(), null, CancellationToken.None);

            Assert.Null(result.Operation);
            Assert.Equal("kusto", Assert.IsType<EventHubDataConnection>(result.Connection).ConsumerGroup);
            Assert.Equal(new[] { "GET", "DELETE" }, StepsAfter(before, "engine-delete-workflow"));
            var gone = await Assert.ThrowsAsync<KustoArmException>(() => session.DataConnections.GetAsync(target, CancellationToken.None));
            Assert.Equal(404, gone.StatusCode);
        }

        [Fact]
        public async Task DeleteAsync_of_a_missing_connection_is_a_404_and_sends_no_delete()
        {
            using var session = Session();
            var target = DataConnectionRef.Create(Database, "engine-delete-missing");
            var before = Last();

            var missing = await Assert.ThrowsAsync<KustoArmException>(() => session.DataConnections.DeleteAsync(target, new DeleteOptions(), null, CancellationToken.None));

            Assert.Equal(404, missing.StatusCode);
            Assert.Equal(new[] { "GET" }, StepsAfter(before, "engine-delete-missing"));
        }

        [Fact]
        public async Task DeleteAsync_without_reading_first_and_without_waiting_sends_only_the_delete()
        {
            using var session = Session();
            var target = DataConnectionRef.Create(Database, "engine-delete-nowait");
            await session.DataConnections.CreateOrUpdateAsync(target, EventHub(), null, CancellationToken.None);
            var before = Last();

            var result = await session.DataConnections.DeleteAsync(target, new DeleteOptions { Wait = false, RequireExisting = false }, null, CancellationToken.None);

            Assert.Null(result.Connection);
            Assert.Equal(KustoOperationKind.Delete, result.Operation!.Kind);
            Assert.Equal(new[] { "DELETE" }, StepsAfter(before, "engine-delete-nowait"));
            Assert.Null(await session.DataConnections.WaitForOperationAsync(KustoOperationKind.Delete, target, result.Operation.OperationUrl, null, CancellationToken.None));
        }
    }
}
