using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>The emulator's fault API (POST /_emulator/faults) for the fault matrix.</summary>
    internal static class Faults
    {
        public static void Add(EmulatorHost emulator, JsonObject fault) => Send(emulator, HttpMethod.Post, fault);

        public static void Clear(EmulatorHost emulator) => Send(emulator, HttpMethod.Delete, null);

        /// <summary>Matches the Azure-AsyncOperation and Location polls of every operation.</summary>
        public const string Polls = "/operationResults/";

        private static void Send(EmulatorHost emulator, HttpMethod method, JsonObject? body)
        {
            var pinned = emulator.Certificate.GetCertHashString();
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == pinned,
            };
            using var client = new HttpClient(handler) { BaseAddress = emulator.BaseUri };
            using var request = new HttpRequestMessage(method, "_emulator/faults");
            if (body != null)
            {
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }

            client.Send(request).EnsureSuccessStatusCode();
        }
    }

    /// <summary>
    /// The fault matrix of issue 11: each fault during the wait of the walkthrough's create (or its delete or validation)
    /// ends in the operation's true result, or in an error that carries the command resuming the wait; never a false
    /// failure; and there is exactly one data connection on the server afterwards.
    /// </summary>
    public sealed class FaultMatrixTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private const string Command = "KustoConnect.Commands.NewKustoIotHubConnectionCommand";
        private readonly HostedSession _session;

        public FaultMatrixTests(EmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            fixture.Host.ClearRequestLog();
        }

        public void Dispose() => _session.Dispose();

        public static IEnumerable<object[]> PollFaults() => new[]
        {
            new object[] { "10 x HTTP 500 (Retry-After 1)", new JsonObject { ["pathPattern"] = Faults.Polls, ["statusCode"] = 500, ["retryAfterSeconds"] = 1, ["count"] = 10 } },
            new object[] { "3 x HTTP 503, no Retry-After (backoff)", new JsonObject { ["pathPattern"] = Faults.Polls, ["statusCode"] = 503, ["count"] = 3 } },
            new object[] { "429 storm: 10 x 429 Retry-After 1", new JsonObject { ["pathPattern"] = Faults.Polls, ["statusCode"] = 429, ["retryAfterSeconds"] = 1, ["errorCode"] = "TooManyRequests", ["count"] = 10 } },
            new object[] { "3 x dropped connection", new JsonObject { ["pathPattern"] = Faults.Polls, ["dropConnection"] = true, ["count"] = 3 } },
            new object[] { "3 x slow response (2 s)", new JsonObject { ["pathPattern"] = Faults.Polls, ["latencyMilliseconds"] = 2000, ["count"] = 3 } },
            new object[] { "2 x HTTP 502 then 2 x dropped", new JsonObject { ["pathPattern"] = Faults.Polls, ["statusCode"] = 502, ["count"] = 2 } },
        };

        [Theory]
        [MemberData(nameof(PollFaults))]
        public void A_transient_poll_fault_ends_in_the_operations_true_result(string name, JsonObject fault)
        {
            Assert.False(string.IsNullOrEmpty(name));
            Faults.Add(_session.Emulator, fault);
            if (name.Contains("then", StringComparison.Ordinal))
            {
                Faults.Add(_session.Emulator, new JsonObject { ["pathPattern"] = Faults.Polls, ["dropConnection"] = true, ["count"] = 2 });
            }

            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("matrix"));

            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                var created = (KustoIotHubDataConnection)Assert.Single(output).BaseObject;
                Assert.Equal("Succeeded", created.ProvisioningState);
                Assert.Equal("matrix", created.Name);
                if (fault["statusCode"] is JsonNode status && status.GetValue<int>() == 429)
                {
                    // Retry-After is shown in the progress record.
                    Assert.Contains(shell.Streams.Progress, p => p.StatusDescription.Contains("Retry-After 1 s", StringComparison.Ordinal));
                }
            }

            Assert.Single(_session.DataConnectionRequests("PUT"));
            AssertExactlyOne("matrix");
        }

        [Fact]
        public void The_budget_running_out_is_an_error_with_the_operation_url_and_the_resume_line_that_then_works()
        {
            Faults.Add(_session.Emulator, new JsonObject { ["pathPattern"] = Faults.Polls, ["statusCode"] = 503, ["retryAfterSeconds"] = 1, ["count"] = 1000 });
            var parameters = HostedSession.Walkthrough("budget");
            parameters["Timeout"] = 3;

            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);

            ErrorRecord error;
            using (shell)
            {
                Assert.Empty(output);
                error = Assert.Single(shell.Streams.Error);
            }

            Assert.Equal("OperationWaitTimedOut," + Command, error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
            var interrupted = Assert.IsType<KustoWaitInterruptedException>(error.Exception);
            Assert.Contains("/operationResults/", interrupted.OperationUrl, StringComparison.Ordinal);
            Assert.StartsWith("Wait-KustoOperation -OperationUrl '" + interrupted.OperationUrl + "' -ResourceId '/subscriptions/", interrupted.ResumeCommand, StringComparison.Ordinal);
            Assert.Contains(interrupted.ResumeCommand, error.ErrorDetails.Message, StringComparison.Ordinal);
            Assert.Contains(interrupted.ResumeCommand, error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
            Assert.Contains("HTTP 503", interrupted.Message, StringComparison.Ordinal);

            // The outage ends; the resume line, run as printed, writes the data connection.
            Faults.Clear(_session.Emulator);
            var (resumed, resumeShell) = _session.Run(interrupted.ResumeCommand);
            using (resumeShell)
            {
                Assert.Empty(resumeShell.Streams.Error);
                Assert.Equal("Succeeded", ((KustoDataConnection)Assert.Single(resumed).BaseObject).ProvisioningState);
            }

            AssertExactlyOne("budget");
        }

        [Fact]
        public void With_AsJob_an_interrupted_wait_fails_the_job_with_a_reason_that_carries_the_resume_line()
        {
            Faults.Add(_session.Emulator, new JsonObject { ["pathPattern"] = Faults.Polls, ["statusCode"] = 500, ["retryAfterSeconds"] = 1, ["count"] = 1000 });
            var parameters = HostedSession.Walkthrough("job-budget");
            parameters["Timeout"] = "2s";
            parameters["AsJob"] = true;

            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);
            shell.Dispose();
            var job = (KustoJob)Assert.Single(output).BaseObject;
            var (_, waitShell) = _session.Run("$job | Wait-Job -Timeout 120 | Out-Null", new Dictionary<string, object?> { ["job"] = job });
            waitShell.Dispose();

            Assert.Equal(JobState.Failed, job.JobStateInfo.State);
            var reason = Assert.IsType<KustoWaitInterruptedException>(job.JobStateInfo.Reason);
            Assert.Equal(WaitInterruption.TimedOut, reason.Reason);
            Assert.Contains("Wait-KustoOperation -OperationUrl '", reason.Message, StringComparison.Ordinal);
            var error = Assert.Single(job.Error.ReadAll());
            Assert.Equal("OperationWaitTimedOut," + Command, error.FullyQualifiedErrorId);

            Faults.Clear(_session.Emulator);
            var (resumed, resumeShell) = _session.Run(reason.ResumeCommand);
            using (resumeShell)
            {
                Assert.Empty(resumeShell.Streams.Error);
                Assert.Single(resumed);
            }

            AssertExactlyOne("job-budget");
        }

        [Fact]
        public void Stop_Job_during_a_wait_stops_the_job_with_the_resume_line_in_its_reason()
        {
            Faults.Add(_session.Emulator, new JsonObject { ["pathPattern"] = Faults.Polls, ["statusCode"] = 503, ["retryAfterSeconds"] = 1, ["count"] = 1000 });
            var parameters = HostedSession.Walkthrough("job-stopped");
            parameters["AsJob"] = true;
            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);
            shell.Dispose();
            var job = (KustoJob)Assert.Single(output).BaseObject;

            // Stopped once the log shows a failed poll (order from the request log, no clock).
            WaitForLog(e => e.Path.Contains(Faults.Polls, StringComparison.Ordinal) && e.StatusCode == 503);
            var (_, stopShell) = _session.Run("$job | Stop-Job", new Dictionary<string, object?> { ["job"] = job });
            stopShell.Dispose();

            Assert.Equal(JobState.Stopped, job.JobStateInfo.State);
            var reason = Assert.IsType<KustoWaitInterruptedException>(job.JobStateInfo.Reason);
            Assert.Equal(WaitInterruption.Cancelled, reason.Reason);
            Assert.Contains(reason.ResumeCommand, reason.Message, StringComparison.Ordinal);
            Assert.Empty(job.Error);

            Faults.Clear(_session.Emulator);
            var (resumed, resumeShell) = _session.Run(reason.ResumeCommand);
            using (resumeShell)
            {
                Assert.Empty(resumeShell.Streams.Error);
                Assert.Single(resumed);
            }

            AssertExactlyOne("job-stopped");
        }

        [Fact]
        public void A_PUT_processed_but_whose_response_was_lost_is_sent_again_and_ends_with_one_succeeded_connection()
        {
            Faults.Add(_session.Emulator, new JsonObject { ["method"] = "PUT", ["pathPattern"] = "/dataConnections/lost-put", ["dropConnectionAfterProcessing"] = true, ["count"] = 1 });

            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("lost-put"));

            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                Assert.Equal("Succeeded", ((KustoDataConnection)Assert.Single(output).BaseObject).ProvisioningState);
            }

            var puts = _session.DataConnectionRequests("PUT");
            Assert.Equal(2, puts.Count);
            Assert.Equal(0, puts[0].StatusCode);
            AssertExactlyOne("lost-put");
        }

        [Fact]
        public void A_DELETE_processed_but_whose_response_was_lost_is_sent_again_and_the_connection_is_gone()
        {
            var (_, create) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("lost-delete"));
            create.Dispose();
            Faults.Add(_session.Emulator, new JsonObject { ["method"] = "DELETE", ["pathPattern"] = "/dataConnections/lost-delete", ["dropConnectionAfterProcessing"] = true, ["count"] = 1 });

            var (_, shell) = _session.Run(
                "Remove-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name lost-delete -Confirm:$false");

            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
            }

            Assert.Equal(2, _session.DataConnectionRequests("DELETE").Count);
            var (left, listShell) = _session.Run("@(Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase).Count");
            listShell.Dispose();
            Assert.Equal(0, (int)Assert.Single(left).BaseObject);
        }

        [Fact]
        public void A_validation_POST_whose_response_was_lost_is_sent_again_and_the_create_goes_on()
        {
            Faults.Add(_session.Emulator, new JsonObject { ["method"] = "POST", ["pathPattern"] = "/dataConnectionValidation", ["dropConnectionAfterProcessing"] = true, ["count"] = 1 });
            var parameters = HostedSession.Walkthrough("lost-validation");
            parameters["Validate"] = true;

            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);

            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                Assert.Single(output);
            }

            Assert.Equal(2, _session.Emulator.RequestLog.Count(e => e.Method == "POST" && e.Path.Contains("/dataConnectionValidation", StringComparison.Ordinal)));
            AssertExactlyOne("lost-validation");
        }

        [Fact]
        public void A_create_that_ended_Failed_says_how_to_retry_and_running_the_same_New_again_retries_it_with_a_warning()
        {
            EmulatorAdmin.FailNextOperation(_session.Emulator, "dataConnections/retry-me", "ConsumerGroupInUse");

            var (first, shell) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("retry-me"));
            ErrorRecord error;
            using (shell)
            {
                Assert.Empty(first);
                error = Assert.Single(shell.Streams.Error);
            }

            Assert.Equal("ConsumerGroupInUse," + Command, error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceBusy, error.CategoryInfo.Category);
            Assert.Contains("run the same New- command again", error.ErrorDetails.Message, StringComparison.Ordinal);
            Assert.Contains("ConsumerGroupInUse", error.ErrorDetails.Message, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(((KustoOperationFailedException)error.Exception).CorrelationId));

            var (second, again) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("retry-me"));
            using (again)
            {
                Assert.Empty(again.Streams.Error);
                Assert.Contains(again.Streams.Warning, w => w.Message.Contains("state Failed", StringComparison.Ordinal));
                Assert.Equal("Succeeded", ((KustoDataConnection)Assert.Single(second).BaseObject).ProvisioningState);
            }

            Assert.Equal(2, _session.DataConnectionRequests("PUT").Count);
            AssertExactlyOne("retry-me");
        }

        [Fact]
        public void Wait_KustoOperation_takes_a_KustoOperation_read_back_with_Import_Clixml()
        {
            var file = Path.Combine(Path.GetTempPath(), "kc-op-" + Guid.NewGuid().ToString("N") + ".xml");
            try
            {
                var parameters = HostedSession.Walkthrough("from-clixml");
                parameters["NoWait"] = true;
                var (started, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);
                shell.Dispose();
                var (_, export) = _session.Run("$op | Export-Clixml -Path $file", new Dictionary<string, object?> { ["op"] = Assert.Single(started), ["file"] = file });
                export.Dispose();

                var (output, waitShell) = _session.Run("Import-Clixml -Path $file | Wait-KustoOperation", new Dictionary<string, object?> { ["file"] = file });
                using (waitShell)
                {
                    Assert.Empty(waitShell.Streams.Error);
                    var result = (KustoDataConnection)Assert.Single(output).BaseObject;
                    Assert.Equal("Succeeded", result.ProvisioningState);
                    Assert.Equal("from-clixml", result.Name);
                }
            }
            finally
            {
                File.Delete(file);
            }

            AssertExactlyOne("from-clixml");
        }

        [Fact]
        public void A_failed_operation_carries_ARMs_code_and_message_in_ErrorDetails_with_its_own_error_id()
        {
            EmulatorAdmin.FailNextOperation(_session.Emulator, "dataConnections/no-table", "TableNotFound");

            var (_, shell) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("no-table"));

            using (shell)
            {
                var error = Assert.Single(shell.Streams.Error);
                Assert.Equal("TableNotFound," + Command, error.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
                Assert.Contains("Code: TableNotFound", error.ErrorDetails.Message, StringComparison.Ordinal);
                Assert.Contains("injected by the test", error.ErrorDetails.Message, StringComparison.Ordinal);
                Assert.Matches("CorrelationId: [0-9a-f-]{36}", error.ErrorDetails.Message);
            }
        }

        [Fact]
        public void Throttling_that_outlasts_the_retries_of_a_read_is_its_own_error_id_with_advice()
        {
            Faults.Add(_session.Emulator, new JsonObject { ["method"] = "GET", ["pathPattern"] = "/dataConnections$", ["statusCode"] = 429, ["retryAfterSeconds"] = 1, ["errorCode"] = "TooManyRequests", ["count"] = 20 });

            var (_, shell) = _session.Run("Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase");

            using (shell)
            {
                var error = Assert.Single(shell.Streams.Error);
                Assert.Equal("ArmThrottled,KustoConnect.Commands.GetKustoDataConnectionCommand", error.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
                Assert.Contains("Code: TooManyRequests", error.ErrorDetails.Message, StringComparison.Ordinal);
                Assert.Contains("throttling", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
                Assert.Equal(429, ((KustoArmException)error.Exception).StatusCode);
            }

            Faults.Clear(_session.Emulator);
        }

        private void WaitForLog(Func<RequestLogEntry, bool> seen)
        {
            // A bound against a hang, not a timing assertion: the request is expected within seconds.
            for (var i = 0; i < 1200 && !_session.Emulator.RequestLog.Any(seen); i++)
            {
                Thread.Sleep(50);
            }

            Assert.Contains(_session.Emulator.RequestLog, e => seen(e));
        }

        private void AssertExactlyOne(string name)
        {
            var (names, shell) = _session.Run("@(Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase | ForEach-Object Name)");
            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                Assert.Equal(new[] { name }, names.Select(n => n.BaseObject.ToString()));
            }
        }
    }

    /// <summary>The emulator stopped and started again (same port, same data folder) while a create waits.</summary>
    public sealed class EmulatorRestartMidWaitTests : IDisposable
    {
        private readonly string _data = Path.Combine(Path.GetTempPath(), "kc-restart-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try
            {
                Directory.Delete(_data, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        [Fact]
        public async Task A_restart_of_the_emulator_mid_wait_ends_in_the_true_result_with_one_connection()
        {
            var port = FreePort();
            var options = new EmulatorOptions { Port = port, DataDirectory = _data, OperationDuration = TimeSpan.FromSeconds(3) };
            var first = await EmulatorHost.StartAsync(options);
            PowerShell? running = null;
            IAsyncResult? pending = null;
            EmulatorHost? second = null;
            try
            {
                using var session = new HostedSession(first);
                session.Connect();
                running = session.Shell();
                running.AddCommand("New-KustoIotHubConnection");
                foreach (var pair in HostedSession.Walkthrough("restarted"))
                {
                    running.AddParameter(pair.Key, pair.Value);
                }

                pending = running.BeginInvoke();

                // Stopped once the PUT was accepted (from the request log, no clock).
                for (var i = 0; i < 1200 && !first.RequestLog.Any(e => e.Method == "PUT" && e.StatusCode == 201); i++)
                {
                    Thread.Sleep(50);
                }

                Assert.Contains(first.RequestLog, e => e.Method == "PUT" && e.StatusCode == 201);
                await first.DisposeAsync();
                second = await EmulatorHost.StartAsync(options);

                var output = running.EndInvoke(pending);
                Assert.Empty(running.Streams.Error);
                Assert.Equal("Succeeded", ((KustoDataConnection)Assert.Single(output).BaseObject).ProvisioningState);

                using var check = new HostedSession(second);
                check.Connect();
                var (names, shell) = check.Run("@(Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase | ForEach-Object Name)");
                using (shell)
                {
                    Assert.Equal(new[] { "restarted" }, names.Select(n => n.BaseObject.ToString()));
                }
            }
            finally
            {
                running?.Dispose();
                if (second != null)
                {
                    await second.DisposeAsync();
                }
                else
                {
                    await first.DisposeAsync();
                }
            }
        }

        private static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }
    }
}
