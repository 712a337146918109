using System;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using KustoConnect.Emulator;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>
    /// -Debug in a session that cannot prompt (this runspace has no interactive host, like `pwsh -NonInteractive`): one
    /// debug record per HTTP exchange, reads included, with redacted headers and bodies; no "Continue with this operation?".
    /// </summary>
    public sealed class DebugRecordTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private readonly HostedSession _session;

        public DebugRecordTests(EmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            fixture.Host.ClearRequestLog();
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void New_with_Debug_does_not_prompt_and_writes_one_record_per_HTTP_exchange_with_redacted_headers_and_bodies()
        {
            var parameters = HostedSession.Walkthrough("debugged");
            parameters["Debug"] = true;

            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);

            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                Assert.Single(output);
                var records = shell.Streams.Debug.Select(d => d.Message).Where(m => m.StartsWith("HTTP ", StringComparison.Ordinal)).ToList();

                // Every request the emulator saw for this call (existence check, PUT, polls, final read) has its record.
                var log = _session.Emulator.RequestLog.Where(e => !e.Path.StartsWith("/_emulator", StringComparison.Ordinal)).ToList();
                Assert.Equal(log.Count, records.Count);
                Assert.Equal(
                    log.Select(e => e.Method + " " + e.StatusCode),
                    records.Select(r => Regex.Match(r, "^HTTP (\\w+) \\S+ -> (\\d{3})").Groups).Select(g => g[1].Value + " " + g[2].Value));

                var put = Assert.Single(records, r => r.StartsWith("HTTP PUT ", StringComparison.Ordinal));
                Assert.Matches("^HTTP PUT \\S+ -> 201 in \\d+ ms; x-ms-request-id: ", put);
                Assert.Contains("\nRequest headers:\n", put, StringComparison.Ordinal);
                Assert.Contains("\n  Authorization: REDACTED", put, StringComparison.Ordinal);
                Assert.Contains("\nRequest body:\n  {", put, StringComparison.Ordinal);
                Assert.Contains("\"consumerGroup\":\"$Default\"", put, StringComparison.Ordinal);
                Assert.Contains("\nResponse headers:\n", put, StringComparison.Ordinal);
                Assert.Contains("Azure-AsyncOperation: ", put, StringComparison.Ordinal);
                Assert.Contains("\nResponse body:\n  {", put, StringComparison.Ordinal);
                Assert.All(records, r => Assert.DoesNotContain("Bearer ", r, StringComparison.Ordinal));
                Assert.All(records, r => Assert.DoesNotMatch("eyJ[A-Za-z0-9_-]{10,}\\.", r));
            }
        }

        [Fact]
        public void Reads_outside_long_running_operations_write_their_debug_records_too()
        {
            var (_, shell) = _session.Run(
                "Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Debug; " +
                "Test-KustoDataConnectionName -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name free-name -Debug");

            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                var records = shell.Streams.Debug.Select(d => d.Message).Where(m => m.StartsWith("HTTP ", StringComparison.Ordinal)).ToList();
                Assert.Contains(records, r => Regex.IsMatch(r, "^HTTP GET \\S+/dataConnections\\?api-version=2024-04-13 -> 200 in \\d+ ms"));
                Assert.Contains(records, r => Regex.IsMatch(r, "^HTTP POST \\S+/checkNameAvailability\\?api-version=2024-04-13 -> 200 in \\d+ ms"));
            }
        }

        [Theory]
        [InlineData("$DebugPreference = 'Continue'; ", "", true)]
        [InlineData("$DebugPreference = 'Continue'; ", " -Debug:$false", false)]
        [InlineData("", " -Debug", true)]
        [InlineData("", "", false)]
        public void The_command_decides_from_Debug_or_DebugPreference_whether_HTTP_records_are_built(string preference, string debug, bool shown)
        {
            var (_, shell) = _session.Run(
                preference + "Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase" + debug);

            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                var records = shell.Streams.Debug.Select(d => d.Message).Where(m => m.StartsWith("HTTP GET ", StringComparison.Ordinal)).ToList();
                Assert.Equal(shown ? 1 : 0, records.Count);
            }
        }
    }
}
