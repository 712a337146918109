using System;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>CheckNameAvailabilityAsync and ValidateAsync (a long-running POST) against the real emulator.</summary>
    public sealed class ValidationEndToEndTests : IClassFixture<EmulatorFixture>
    {
        private readonly EmulatorHost _host;

        public ValidationEndToEndTests(EmulatorFixture fixture) => _host = fixture.Host;

        private static DatabaseRef Database => DatabaseRef.Create(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, DefaultWorld.ClusterName, DefaultWorld.DatabaseName);

        private KustoSession Session() => KustoSession.Create(Sessions.ForEmulator(_host));

        private static IotHubDataConnection IotHub(string consumerGroup, string table) => new IotHubDataConnection
        {
            Location = DefaultWorld.Location,
            IotHubResourceId = DefaultWorld.IotHubResourceId,
            SharedAccessPolicyName = "iothubforread",
            ConsumerGroup = consumerGroup,
            TableName = table,
        };

        [Fact]
        public async Task CheckNameAvailabilityAsync_tells_a_taken_name_from_a_free_one()
        {
            using var session = Session();
            var taken = DataConnectionRef.Create(Database, "engine-name-taken");
            await session.DataConnections.CreateOrUpdateAsync(taken, IotHub("$Default", DefaultWorld.StormEventsTable), null, CancellationToken.None);
            try
            {
                var takenAnswer = await session.DataConnections.CheckNameAvailabilityAsync(taken, CancellationToken.None);
                var freeAnswer = await session.DataConnections.CheckNameAvailabilityAsync(DataConnectionRef.Create(Database, "engine-name-free"), CancellationToken.None);

                Assert.False(takenAnswer.NameAvailable);
                Assert.Equal("AlreadyExists", takenAnswer.Reason);
                Assert.Equal("engine-name-taken", takenAnswer.Name);
                Assert.True(freeAnswer.NameAvailable);
                Assert.Equal("engine-name-free", freeAnswer.Name);
            }
            finally
            {
                await session.DataConnections.DeleteAsync(taken, null, CancellationToken.None);
            }
        }

        [Fact]
        public async Task ValidateAsync_returns_nothing_for_a_valid_definition_and_reports_polls()
        {
            using var session = Session();
            var observer = new RecordingObserver();

            var messages = await session.DataConnections.ValidateAsync(
                DataConnectionRef.Create(Database, "engine-validate-ok"), IotHub(DefaultWorld.IotHubConsumerGroup, DefaultWorld.StormEventsTable), observer, CancellationToken.None);

            Assert.Empty(messages);
            Assert.Contains(observer.Verbose, line => line.StartsWith("POST ", StringComparison.Ordinal) && line.Contains("/dataConnectionValidation?", StringComparison.Ordinal));
            Assert.Contains(observer.Progress, p => p.PercentComplete == 100);
        }

        [Fact]
        public async Task ValidateAsync_returns_every_message_of_the_service()
        {
            using var session = Session();

            var messages = await session.DataConnections.ValidateAsync(
                DataConnectionRef.Create(Database, "engine-validate-bad"), IotHub("nosuchgroup", "NoSuchTable"), null, CancellationToken.None);

            Assert.Equal(2, messages.Count);
            Assert.Contains(messages, m => m.Contains("NoSuchTable", StringComparison.Ordinal));
            Assert.Contains(messages, m => m.Contains("nosuchgroup", StringComparison.Ordinal));
        }

        [Fact]
        public async Task ValidateAsync_applies_the_client_side_rules_before_sending()
        {
            using var session = Session();
            var connection = IotHub("$Default", DefaultWorld.StormEventsTable);
            connection.Location = null;

            var error = await Assert.ThrowsAsync<KustoValidationException>(() => session.DataConnections.ValidateAsync(
                DataConnectionRef.Create(Database, "engine-validate-noloc"), connection, null, CancellationToken.None));

            Assert.Equal("LocationRequired", error.ErrorId);
        }

        private sealed class RecordingObserver : IOperationObserver
        {
            public System.Collections.Concurrent.ConcurrentQueue<string> Verbose { get; } = new();

            public System.Collections.Concurrent.ConcurrentQueue<OperationProgress> Progress { get; } = new();

            public void OnProgress(OperationProgress progress) => Progress.Enqueue(progress);

            public void OnVerbose(string message) => Verbose.Enqueue(message);

            public void OnDebug(string message)
            {
                // Not under test here.
            }

            public void OnUserMessage(string message) => Verbose.Enqueue(message);

            public void OnWarning(string message) => Verbose.Enqueue(message);
        }
    }
}
