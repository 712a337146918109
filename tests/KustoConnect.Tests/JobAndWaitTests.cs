using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using KustoConnect.Emulator;
using KustoConnect.Internal;
using KustoConnect.Models;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>Admin-API helpers shared by the job and wait tests.</summary>
    internal static class EmulatorAdmin
    {
        /// <summary>Makes the next create/update operation on a data connection whose path matches fail with the given code.</summary>
        public static void FailNextOperation(EmulatorHost emulator, string pathPattern, string code)
        {
            var body = new JsonObject
            {
                ["method"] = "PUT",
                ["pathPattern"] = pathPattern,
                ["operationErrorCode"] = code,
                ["operationErrorMessage"] = "The operation failed (injected by the test).",
            };
            var pinned = emulator.Certificate.GetCertHashString();
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == pinned,
            };
            using var client = new HttpClient(handler) { BaseAddress = emulator.BaseUri };
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            client.PostAsync("_emulator/faults", content).GetAwaiter().GetResult().EnsureSuccessStatusCode();
        }
    }

    public sealed class JobAndWaitTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private const string Command = "KustoConnect.Commands.NewKustoIotHubConnectionCommand";
        private readonly HostedSession _session;

        public JobAndWaitTests(EmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            fixture.Host.ClearRequestLog();
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void AsJob_writes_one_KustoConnect_job_that_completes_with_what_the_synchronous_call_writes()
        {
            var (sync, syncShell) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("sync-twin"));
            Assert.Empty(syncShell.Streams.Error);
            var expected = (KustoIotHubDataConnection)Assert.Single(sync).BaseObject;

            var parameters = HostedSession.Walkthrough("job-made");
            parameters["AsJob"] = true;
            parameters["ConsumerGroup"] = "kusto";
            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);

            Assert.Empty(shell.Streams.Error);
            var job = Assert.IsType<KustoJob>(Assert.Single(output).BaseObject);
            Assert.Equal("KustoConnectJob", job.PSJobTypeName);
            Assert.Empty(job.ChildJobs);
            var (listed, _) = _session.Run("Get-Job | Where-Object PSJobTypeName -eq 'KustoConnectJob'");
            Assert.Same(job, Assert.Single(listed).BaseObject);

            var (received, receiveShell) = _session.Run("$job | Wait-Job -Timeout 60 | Out-Null; $job.Progress.Count; $job | Receive-Job", Vars(job));
            Assert.Equal(JobState.Completed, job.JobStateInfo.State);
            Assert.Empty(receiveShell.Streams.Error);
            Assert.True((int)received[0].BaseObject > 0, "the job carried no progress");
            var actual = Assert.IsType<KustoIotHubDataConnection>(Assert.Single(received.Skip(1)).BaseObject);
            Assert.Equal("job-made", actual.Name);
            Assert.Equal(expected.ProvisioningState, actual.ProvisioningState);
            Assert.Equal(expected.TableName, actual.TableName);
            Assert.Equal(expected.DataFormat, actual.DataFormat);
            Assert.Equal("kusto", actual.ConsumerGroup);
            Assert.Contains(receiveShell.Streams.Progress, p => p.Activity.Contains("job-made", StringComparison.Ordinal));

            var (_, removeShell) = _session.Run("Remove-Job -Job $job; Get-Job", Vars(job));
            Assert.Empty(removeShell.Streams.Error);
        }

        [Fact]
        public void WhatIf_with_AsJob_creates_no_job_and_sends_nothing()
        {
            var parameters = HostedSession.Walkthrough("whatif-job");
            parameters["AsJob"] = true;
            parameters["WhatIf"] = true;

            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);

            Assert.Empty(output);
            Assert.Empty(shell.Streams.Error);
            var (jobs, _) = _session.Run("@(Get-Job).Count");
            Assert.Equal(0, (int)Assert.Single(jobs).BaseObject);
            Assert.Empty(_session.DataConnectionRequests());
        }

        [Fact]
        public void Bad_input_with_AsJob_is_refused_on_the_pipeline_before_any_job_exists()
        {
            var parameters = HostedSession.Walkthrough("bad/name");
            parameters["AsJob"] = true;

            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);

            Assert.Empty(output);
            Assert.Equal("InvalidDataConnectionName," + Command, Assert.Single(shell.Streams.Error).FullyQualifiedErrorId);
            var (jobs, _) = _session.Run("@(Get-Job).Count");
            Assert.Equal(0, (int)Assert.Single(jobs).BaseObject);
            Assert.Empty(_session.DataConnectionRequests());
        }

        [Fact]
        public void A_failed_operation_fails_the_job_with_the_error_id_of_the_synchronous_call()
        {
            EmulatorAdmin.FailNextOperation(_session.Emulator, "dataConnections/fails-sync", "InjectedFailure");
            var (_, syncShell) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("fails-sync"));
            var syncError = Assert.Single(syncShell.Streams.Error);

            EmulatorAdmin.FailNextOperation(_session.Emulator, "dataConnections/fails-job", "InjectedFailure");
            var parameters = HostedSession.Walkthrough("fails-job");
            parameters["AsJob"] = true;
            parameters["ConsumerGroup"] = "kusto";
            var (output, _) = _session.Invoke("New-KustoIotHubConnection", parameters);
            var job = (KustoJob)Assert.Single(output).BaseObject;
            var (received, receiveShell) = _session.Run("$job | Wait-Job -Timeout 60 | Receive-Job", Vars(job));

            Assert.Equal(JobState.Failed, job.JobStateInfo.State);
            Assert.Empty(received);
            var jobError = Assert.Single(receiveShell.Streams.Error);
            Assert.Equal("OperationFailed," + Command, syncError.FullyQualifiedErrorId);
            Assert.Equal(syncError.FullyQualifiedErrorId, jobError.FullyQualifiedErrorId);
            Assert.Equal(syncError.CategoryInfo.Category, jobError.CategoryInfo.Category);
            Assert.Contains("InjectedFailure", jobError.Exception.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Three_piped_connections_are_removed_by_one_job_after_the_confirmation()
        {
            foreach (var (name, group) in new[] { ("piped-a", "$Default"), ("piped-b", "kusto") })
            {
                var parameters = HostedSession.Walkthrough(name);
                parameters["ConsumerGroup"] = group;
                Assert.Empty(_session.Invoke("New-KustoIotHubConnection", parameters).Shell.Streams.Error);
            }

            var third = HostedSession.Walkthrough("piped-c");
            third["IotHubResourceId"] = DefaultWorld.IotHubResourceId.Replace(DefaultWorld.IotHubName, DefaultWorld.SecondIotHubName, StringComparison.Ordinal);
            Assert.Empty(_session.Invoke("New-KustoIotHubConnection", third).Shell.Streams.Error);
            _session.Emulator.ClearRequestLog();

            var (whatIf, _) = _session.Run("Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase | Remove-KustoDataConnection -AsJob -WhatIf");
            Assert.Empty(whatIf);
            Assert.Empty(_session.DataConnectionRequests("DELETE"));

            var (output, shell) = _session.Run("Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase | Remove-KustoDataConnection -AsJob -Force");
            Assert.Empty(shell.Streams.Error);
            var job = Assert.IsType<KustoJob>(Assert.Single(output).BaseObject);
            var (received, receiveShell) = _session.Run("$job | Wait-Job -Timeout 60 | Receive-Job", Vars(job));

            Assert.Equal(JobState.Completed, job.JobStateInfo.State);
            Assert.Empty(received);
            Assert.Empty(receiveShell.Streams.Error);
            Assert.Equal(3, _session.DataConnectionRequests("DELETE").Count);
            var (left, _) = _session.Run("@(Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase).Count");
            Assert.Equal(0, (int)Assert.Single(left).BaseObject);
        }

        [Fact]
        public void Update_AsJob_writes_the_updated_connection_and_carries_verbose_messages_without_secrets()
        {
            Assert.Empty(_session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("to-update")).Shell.Streams.Error);

            var (output, _) = _session.Run("Update-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name to-update -DataFormat json -AsJob");
            var job = (KustoJob)Assert.Single(output).BaseObject;
            var (received, receiveShell) = _session.Run("$job | Wait-Job -Timeout 60 | Receive-Job -Verbose 4>&1", Vars(job));

            Assert.Equal(JobState.Completed, job.JobStateInfo.State);
            Assert.Empty(receiveShell.Streams.Error);
            var updated = received.Select(o => o.BaseObject).OfType<KustoIotHubDataConnection>().Single();
            Assert.Equal("JSON", updated.DataFormat);
            var verbose = received.Select(o => o.BaseObject).OfType<VerboseRecord>().Select(v => v.Message).ToList();
            Assert.Contains(verbose, m => m.StartsWith("PATCH ", StringComparison.Ordinal));
            Assert.DoesNotContain(verbose, m => m.Contains(DefaultWorld.ClientSecret, StringComparison.Ordinal) || m.Contains("Bearer", StringComparison.OrdinalIgnoreCase));
        }

        [Fact]
        public void NoWait_returns_the_accepted_operation_and_Wait_KustoOperation_writes_the_final_connection()
        {
            var parameters = HostedSession.Walkthrough("later");
            parameters["NoWait"] = true;
            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);

            Assert.Empty(shell.Streams.Error);
            var operation = Assert.IsType<KustoOperation>(Assert.Single(output).BaseObject);
            Assert.Equal("Create", operation.Kind);
            Assert.Equal("later", operation.Name);
            Assert.Equal("Creating", operation.ProvisioningState);
            Assert.Equal("Creating", operation.DataConnection!.ProvisioningState);
            Assert.StartsWith(_session.Emulator.BaseUri.GetLeftPart(UriPartial.Authority), operation.OperationUrl, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("/operationResults/", operation.OperationUrl, StringComparison.OrdinalIgnoreCase);
            Assert.EndsWith("/later", operation.ResourceId, StringComparison.OrdinalIgnoreCase);
            Assert.Single(_session.DataConnectionRequests("PUT"));
            Assert.DoesNotContain(_session.Emulator.RequestLog, e => e.Path.Contains("operationResults", StringComparison.OrdinalIgnoreCase));

            var (waited, waitShell) = _session.Run("$op | Wait-KustoOperation", new Dictionary<string, object?> { ["op"] = operation });
            Assert.Empty(waitShell.Streams.Error);
            var connection = Assert.IsType<KustoIotHubDataConnection>(Assert.Single(waited).BaseObject);
            Assert.Equal("Succeeded", connection.ProvisioningState);
            Assert.Contains(waitShell.Streams.Progress, p => p.Activity.Contains("later", StringComparison.Ordinal) && p.RecordType == ProgressRecordType.Processing);
        }

        [Fact]
        public void A_later_session_waits_by_operation_url_and_a_delete_ends_with_nothing_written()
        {
            var parameters = HostedSession.Walkthrough("other-session");
            parameters["NoWait"] = true;
            var operation = (KustoOperation)Assert.Single(_session.Invoke("New-KustoIotHubConnection", parameters).Output).BaseObject;

            using (var later = new HostedSession(_session.Emulator))
            {
                later.Connect();
                var (waited, waitShell) = later.Run(
                    "Wait-KustoOperation -OperationUrl $url -ResourceId $id",
                    new Dictionary<string, object?> { ["url"] = operation.OperationUrl, ["id"] = operation.ResourceId });
                Assert.Empty(waitShell.Streams.Error);
                Assert.Equal("Succeeded", Assert.IsType<KustoIotHubDataConnection>(Assert.Single(waited).BaseObject).ProvisioningState);

                var (removed, removeShell) = later.Run("Remove-KustoDataConnection -ResourceId $id -Force -NoWait", new Dictionary<string, object?> { ["id"] = operation.ResourceId });
                Assert.Empty(removeShell.Streams.Error);
                var deletion = Assert.IsType<KustoOperation>(Assert.Single(removed).BaseObject);
                Assert.Equal("Delete", deletion.Kind);
                Assert.Equal("Deleting", deletion.ProvisioningState);
                Assert.Null(deletion.DataConnection);

                var (afterDelete, deleteWaitShell) = later.Run("$d | Wait-KustoOperation", new Dictionary<string, object?> { ["d"] = deletion });
                Assert.Empty(deleteWaitShell.Streams.Error);
                Assert.Empty(afterDelete);
                var (gone, getShell) = later.Run("Get-KustoDataConnection -ResourceId $id", new Dictionary<string, object?> { ["id"] = operation.ResourceId });
                Assert.Empty(gone);
                Assert.Single(getShell.Streams.Error);
            }
        }

        [Fact]
        public void Update_NoWait_returns_an_accepted_update()
        {
            Assert.Empty(_session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("update-later")).Shell.Streams.Error);

            var (output, shell) = _session.Run("$op = Update-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name update-later -DataFormat multijson -NoWait; $op; $op | Wait-KustoOperation");

            Assert.Empty(shell.Streams.Error);
            Assert.Equal(2, output.Count);
            var operation = Assert.IsType<KustoOperation>(output[0].BaseObject);
            Assert.Equal("Update", operation.Kind);
            Assert.Equal("Accepted", operation.ProvisioningState);
            var connection = Assert.IsType<KustoIotHubDataConnection>(output[1].BaseObject);
            Assert.Equal("MULTIJSON", connection.DataFormat);
            Assert.Equal("Succeeded", connection.ProvisioningState);
        }

        [Fact]
        public void Wait_KustoOperation_refuses_a_url_that_is_not_on_the_sessions_arm_endpoint()
        {
            var (output, shell) = _session.Run("Wait-KustoOperation -OperationUrl 'https://elsewhere.invalid/subscriptions/x/providers/Microsoft.Kusto/locations/Central US/operationResults/1?api-version=2024-04-13'");

            Assert.Empty(output);
            Assert.Equal("OperationUrlNotOnArmEndpoint,KustoConnect.Commands.WaitKustoOperationCommand", Assert.Single(shell.Streams.Error).FullyQualifiedErrorId);
            Assert.DoesNotContain(_session.Emulator.RequestLog, e => e.Path.Contains("operationResults", StringComparison.OrdinalIgnoreCase));
        }

        [Fact]
        public void Waiting_for_an_operation_that_fails_writes_the_error_of_the_synchronous_path()
        {
            EmulatorAdmin.FailNextOperation(_session.Emulator, "dataConnections/fails-later", "InjectedFailure");
            var parameters = HostedSession.Walkthrough("fails-later");
            parameters["NoWait"] = true;
            var operation = (KustoOperation)Assert.Single(_session.Invoke("New-KustoIotHubConnection", parameters).Output).BaseObject;

            var (output, shell) = _session.Run("$op | Wait-KustoOperation", new Dictionary<string, object?> { ["op"] = operation });

            Assert.Empty(output);
            var error = Assert.Single(shell.Streams.Error);
            Assert.Equal("OperationFailed,KustoConnect.Commands.WaitKustoOperationCommand", error.FullyQualifiedErrorId);
            Assert.Contains("InjectedFailure", error.Exception.Message, StringComparison.Ordinal);
        }

        private static Dictionary<string, object?> Vars(KustoJob job) => new Dictionary<string, object?> { ["job"] = job };
    }

    /// <summary>Stop-Job while the operation is still running (operations that take minutes).</summary>
    public sealed class JobStopTests : IClassFixture<SlowEmulatorFixture>, IDisposable
    {
        private readonly HostedSession _session;

        public JobStopTests(SlowEmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.Connect();
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void Stop_Job_cancels_the_running_operation_and_the_job_ends_Stopped_never_Completed()
        {
            var parameters = HostedSession.Walkthrough(string.Concat("stop-me-", Guid.NewGuid().ToString("N").AsSpan(0, 8)));
            parameters["AsJob"] = true;
            var (output, _) = _session.Invoke("New-KustoIotHubConnection", parameters);
            var job = (KustoJob)Assert.Single(output).BaseObject;
            var states = new ConcurrentQueue<JobState>();
            job.StateChanged += (_, e) => states.Enqueue(e.JobStateInfo.State);
            using var progressSeen = new ManualResetEventSlim();
            job.Progress.DataAdded += (_, _) => progressSeen.Set();
            if (job.Progress.Count > 0)
            {
                progressSeen.Set();
            }

            Assert.True(progressSeen.Wait(TimeSpan.FromSeconds(60)), "the job never reported progress");
            var (_, stopShell) = _session.Run("Stop-Job -Job $job", new Dictionary<string, object?> { ["job"] = job });

            Assert.Empty(stopShell.Streams.Error);
            Assert.Equal(JobState.Stopped, job.JobStateInfo.State);
            var (received, receiveShell) = _session.Run("Receive-Job -Job $job; Remove-Job -Job $job", new Dictionary<string, object?> { ["job"] = job });
            Assert.Empty(received);
            Assert.Empty(receiveShell.Streams.Error);
            Assert.DoesNotContain(JobState.Completed, states);
            Assert.Equal(JobState.Stopped, states.Last());
        }
    }

    /// <summary>An emulator whose world has ten IoT hubs (hub01..hub10, each like the default world's first hub).</summary>
    public sealed class TenHubsEmulatorFixture : Xunit.IAsyncLifetime
    {
        private readonly string _worldFile = Path.Combine(Path.GetTempPath(), "kc-ten-hubs-" + Guid.NewGuid().ToString("N") + ".json");

        public EmulatorHost Host { get; private set; } = null!;

        public static string HubName(int i) => "hub" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture);

        public async System.Threading.Tasks.Task InitializeAsync()
        {
            var world = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "world.default.json")))!;
            var group = world["subscriptions"]![0]!["resourceGroups"]![0]!;
            var template = group["iotHubs"]![0]!;
            var hubs = new JsonArray();
            for (var i = 1; i <= 10; i++)
            {
                var hub = template.DeepClone();
                hub["name"] = HubName(i);
                hubs.Add(hub);
            }

            group["iotHubs"] = hubs;
            File.WriteAllText(_worldFile, world.ToJsonString());
            Host = await EmulatorHost.StartAsync(new EmulatorOptions { OperationDuration = TimeSpan.FromSeconds(0.5), WorldFile = _worldFile });
        }

        public async System.Threading.Tasks.Task DisposeAsync()
        {
            await Host.DisposeAsync();
            File.Delete(_worldFile);
        }
    }

    public sealed class ThrottleLimitTests : IClassFixture<TenHubsEmulatorFixture>, IDisposable
    {
        private readonly HostedSession _session;

        public ThrottleLimitTests(TenHubsEmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            fixture.Host.ClearRequestLog();
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void Ten_piped_hubs_start_ten_overlapping_creates_and_results_come_in_pipeline_order()
        {
            // Every operation's polls fail (HTTP 503, retried) until the request log shows all ten PUTs: no create can
            // finish before the last one started, however slow the machine (order from the request log, never a clock).
            Faults.Add(_session.Emulator, new JsonObject { ["pathPattern"] = Faults.Polls, ["statusCode"] = 503, ["retryAfterSeconds"] = 1, ["count"] = 100000 });
            using var shell = _session.Shell();
            shell.AddScript(Pipe10 + " | New-KustoIotHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -SharedAccessPolicyName iothubforread -ThrottleLimit 10");
            var pending = shell.BeginInvoke();
            for (var i = 0; i < 2400 && _session.DataConnectionRequests("PUT").Count < 10; i++)
            {
                Thread.Sleep(50);
            }

            Faults.Clear(_session.Emulator);
            var output = shell.EndInvoke(pending).ToList();

            Assert.Empty(shell.Streams.Error);
            var names = output.Select(o => ((KustoIotHubDataConnection)o.BaseObject).Name).ToList();
            Assert.Equal(Enumerable.Range(1, 10).Select(TenHubsEmulatorFixture.HubName), names);
            Assert.All(output, o => Assert.Equal("Succeeded", ((KustoDataConnection)o.BaseObject).ProvisioningState));

            // Overlap, from the order of the emulator's request log (no clock involved): every PUT was accepted before
            // the first data connection was read back after its operation.
            var log = _session.DataConnectionRequests();
            var puts = log.Select((e, i) => (e, i)).Where(p => p.e.Method == "PUT").Select(p => p.i).ToList();
            var firstFinalGet = log.Select((e, i) => (e, i)).First(p => p.e.Method == "GET" && p.e.StatusCode == 200).i;
            Assert.Equal(10, puts.Count);
            Assert.True(puts.Max() < firstFinalGet, "a create finished before all ten had started");

            // Separate progress records per operation.
            var activities = shell.Streams.Progress.Select(p => p.ActivityId).Distinct().Count();
            Assert.True(activities >= 10, $"expected a progress id per operation, saw {activities}");
        }

        [Fact]
        public void ThrottleLimit_1_runs_the_piped_creates_one_after_the_other()
        {
            var (output, shell) = _session.Run(Pipe10 + " | Select-Object -First 3 | New-KustoIotHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -SharedAccessPolicyName iothubforread -ThrottleLimit 1");

            Assert.Empty(shell.Streams.Error);
            Assert.Equal(3, output.Count);
            var log = _session.DataConnectionRequests();
            for (var i = 1; i <= 3; i++)
            {
                var name = "/" + TenHubsEmulatorFixture.HubName(i);
                var put = log.Select((e, at) => (e, at)).Single(p => p.e.Method == "PUT" && Names(p.e, name)).at;
                var readBack = log.Select((e, at) => (e, at)).Last(p => p.e.Method == "GET" && p.e.StatusCode == 200 && Names(p.e, name)).at;
                var nextPut = log.Select((e, at) => (e, at)).Where(p => p.e.Method == "PUT" && p.at > put).Select(p => p.at).DefaultIfEmpty(int.MaxValue).First();
                Assert.True(readBack < nextPut, $"the create of {name} overlapped the next one");
            }
        }

        /// <summary>Whether the request is about the data connection of that name (the log's path may carry a query).</summary>
        private static bool Names(RequestLogEntry entry, string name) =>
            entry.Path.Split('?')[0].EndsWith(name, StringComparison.OrdinalIgnoreCase);

        private static string Pipe10 =>
            "1..10 | ForEach-Object { [pscustomobject]@{ IotHubResourceId = '/subscriptions/" + DefaultWorld.SubscriptionId
            + "/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/hub{0:00}' -f $_ } }";
    }
}
