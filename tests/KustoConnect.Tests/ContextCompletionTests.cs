using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Emulator;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>Completion that knows the context (issue 13 point 5), through TabExpansion2 as a user's Tab runs it.</summary>
    public sealed class ContextCompletionTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private const string Target = "-ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase";
        private readonly HostedSession _session;

        public ContextCompletionTests(EmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            Assert.Empty(_session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("cc-iot")).Shell.Streams.Error);
            var eventHub = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
            {
                ["ResourceGroupName"] = DefaultWorld.ResourceGroup,
                ["ClusterName"] = DefaultWorld.ClusterName,
                ["DatabaseName"] = DefaultWorld.DatabaseName,
                ["Name"] = "cc-eh",
                ["EventHubResourceId"] = DefaultWorld.EventHubResourceId,
                ["TableName"] = DefaultWorld.StormEventsTable,
            };
            Assert.Empty(_session.Invoke("New-KustoEventHubConnection", eventHub).Shell.Streams.Error);
            fixture.Host.ClearRequestLog();
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void DataFormat_offers_no_RAW_for_IoT_Hub()
        {
            Assert.DoesNotContain("RAW", Complete("New-KustoIotHubConnection -DataFormat "));
            Assert.Contains("RAW", Complete("New-KustoEventHubConnection -DataFormat "));
            Assert.DoesNotContain("RAW", Complete("Test-KustoDataConnection -IotHubResourceId x -DataFormat "));
            Assert.DoesNotContain("RAW", Complete("Update-KustoDataConnection -Kind IotHub -Name x -DataFormat "));
            Assert.DoesNotContain("RAW", Complete($"Update-KustoDataConnection {Target} -Name cc-iot -DataFormat "));
            Assert.Contains("RAW", Complete($"Update-KustoDataConnection {Target} -Name cc-eh -DataFormat "));
        }

        [Fact]
        public void Name_honours_Kind()
        {
            Assert.Equal(new[] { "cc-eh", "cc-iot" }, Complete($"Get-KustoDataConnection {Target} -Name "));
            Assert.Equal(new[] { "cc-eh" }, Complete($"Get-KustoDataConnection {Target} -Kind EventHub -Name "));
            Assert.Equal(new[] { "cc-iot" }, Complete($"Update-KustoDataConnection {Target} -Kind IotHub -Name "));
        }

        [Fact]
        public void Update_EventSystemProperty_offers_the_connections_kinds_list_without_the_values_already_given()
        {
            var iot = Complete($"Update-KustoDataConnection {Target} -Name cc-iot -EventSystemProperty ");
            Assert.Contains("message-id", iot);
            Assert.DoesNotContain("x-opt-offset", iot);

            var hub = Complete($"Update-KustoDataConnection {Target} -Name cc-eh -EventSystemProperty ");
            Assert.Equal(new[] { "x-opt-enqueued-time", "x-opt-sequence-number", "x-opt-offset", "x-opt-publisher", "x-opt-partition-key" }, hub);

            var rest = Complete($"Update-KustoDataConnection {Target} -Name cc-eh -EventSystemProperty x-opt-offset,x-opt-publisher,");
            Assert.Equal(new[] { "x-opt-enqueued-time", "x-opt-sequence-number", "x-opt-partition-key" }, rest);

            var byKind = Complete("Update-KustoDataConnection -Kind EventHub -Name anything -EventSystemProperty x-opt-enqueued-time,x-opt-");
            Assert.DoesNotContain("x-opt-enqueued-time", byKind);
            Assert.Contains("x-opt-offset", byKind);
        }

        [Fact]
        public void Set_KustoContext_SubscriptionId_completes_the_subscriptions_the_account_can_see()
        {
            Assert.Equal(new[] { DefaultWorld.SubscriptionId }, Complete("Set-KustoContext -SubscriptionId "));
            Assert.Equal(new[] { DefaultWorld.SubscriptionId }, Complete("Get-KustoCluster -ResourceGroupName testrg -SubscriptionId 0b1"));
            Assert.Empty(Complete("Set-KustoContext -SubscriptionId ffff"));
            Assert.Contains(_session.Emulator.RequestLog, e => e.Method == "GET" && e.Path.StartsWith("/subscriptions?", StringComparison.Ordinal));
        }

        private List<string> Complete(string input)
        {
            var (output, shell) = _session.Run("TabExpansion2 -inputScript $in -cursorColumn $in.Length", new Dictionary<string, object?> { ["in"] = input });
            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
            }

            return Assert.IsType<CommandCompletion>(Assert.Single(output).BaseObject).CompletionMatches.Select(m => m.ListItemText).ToList();
        }
    }
}
