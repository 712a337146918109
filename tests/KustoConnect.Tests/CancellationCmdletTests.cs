using System;
using System.Management.Automation;
using System.Threading;
using KustoConnect.Emulator;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>An emulator whose operations run long enough that only a working Ctrl+C ends the wait.</summary>
    public sealed class SlowEmulatorFixture : EmulatorFixture
    {
        protected override TimeSpan OperationDuration => TimeSpan.FromMinutes(2);
    }

    public sealed class CancellationCmdletTests : IClassFixture<SlowEmulatorFixture>, IDisposable
    {
        private readonly HostedSession _session;

        public CancellationCmdletTests(SlowEmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.Connect();
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void Stopping_the_pipeline_ends_the_wait_for_the_operation_at_once()
        {
            using var shell = _session.Shell();
            shell.AddCommand("New-KustoIotHubConnection");
            foreach (var pair in HostedSession.Walkthrough("stopped-wait"))
            {
                shell.AddParameter(pair.Key, pair.Value);
            }

            using var progressSeen = new ManualResetEventSlim();
            shell.Streams.Progress.DataAdded += (_, _) => progressSeen.Set();
            var pending = shell.BeginInvoke();
            Assert.True(progressSeen.Wait(TimeSpan.FromSeconds(60)), "the cmdlet never reported progress");

            shell.Stop();

            Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
            Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(pending));
        }
    }
}
