using System;
using System.Management.Automation;
using KustoConnect.Internal;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Stops the emulator started by Start-KustoEmulator in this session.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "KustoEmulator", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class StopKustoEmulatorCommand : KustoCmdlet
    {
        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var emulator = EmulatorStore.Current;
            if (emulator == null)
            {
                WriteVerbose("No emulator was started in this session.");
                return;
            }

            var url = emulator.Connection.Url;
            if (!ShouldProcess($"KustoConnect emulator at {url} (process {emulator.ProcessId})", "Stop"))
            {
                return;
            }

            var session = SessionStore.Current;
            if (session != null && Uri.Compare(session.ArmEndpoint, url, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                SessionStore.Set(null);
                WriteVerbose($"Signed out of the emulator at {url}.");
            }

            EmulatorStore.Remove(emulator);
            emulator.Stop();
            emulator.Dispose();
            WriteVerbose(emulator.OwnsDataDirectory
                ? $"Stopped the emulator (process {emulator.ProcessId}) and removed its temporary data folder."
                : $"Stopped the emulator (process {emulator.ProcessId}); its data folder '{emulator.Connection.DataDirectory}' is kept.");
        }
    }
}
