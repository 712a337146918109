using System;
using System.IO;
using System.Management.Automation;
using KustoConnect.Emulator.Client;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Starts the local emulator of Azure Resource Manager and Entra ID shipped with the module, and signs this session in to it.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "KustoEmulator", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(KustoEmulator))]
    public sealed class StartKustoEmulatorCommand : KustoCmdlet
    {
        /// <summary>The loopback port to listen on; 0 (the default) picks a free port.</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        /// <summary>
        /// The folder for the emulator's state, certificate and connection file; kept after Stop-KustoEmulator, so that a
        /// later Start-KustoEmulator on it finds every data connection again. Without it a temporary folder is used and
        /// removed when the emulator stops.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? DataDirectory { get; set; }

        /// <summary>How many seconds each long-running operation (create, update, delete, validation) stays Running.</summary>
        [Parameter]
        [ValidateRange(0.0, 3600.0)]
        public double OperationDurationSeconds { get; set; } = 2;

        /// <summary>
        /// A world file (JSON: tenants, service principals, subscriptions and their resources) to seed a new data folder with,
        /// instead of the default world. The session signs in as its first service principal with a client secret and the
        /// Contributor or Owner role.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? WorldFile { get; set; }

        /// <summary>How many seconds to wait for the emulator to be ready.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSeconds { get; set; } = 60;

        /// <summary>Only start the emulator; do not sign this session in to it.</summary>
        [Parameter]
        public SwitchParameter NoConnect { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var existing = EmulatorStore.Current;
            if (existing != null)
            {
                if (!existing.HasExited)
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new InvalidOperationException(
                            $"An emulator is already running in this session at {existing.Connection.Url} (process {existing.ProcessId}). "
                            + "Run Stop-KustoEmulator first; one emulator per session."),
                        "EmulatorAlreadyRunning", ErrorCategory.ResourceExists, existing.Connection.Url));
                }

                WriteWarning($"The emulator started earlier in this session (process {existing.ProcessId}) has exited; starting a new one.");
                existing.Stop();
                EmulatorStore.Remove(existing);
                existing.Dispose();
            }

            var info = new EmulatorStartInfo
            {
                AssemblyPath = FindEmulatorAssembly(),
                Port = Port,
                DataDirectory = DataDirectory == null ? null : GetUnresolvedProviderPathFromPSPath(DataDirectory),
                WorldFile = WorldFile == null ? null : ResolveWorldFile(WorldFile),
                OperationDurationSeconds = OperationDurationSeconds,
                ReadyTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
            };

            var target = "KustoConnect emulator on " + (Port == 0 ? "a free loopback port" : "port " + Port)
                + (info.DataDirectory == null ? string.Empty : " with data folder '" + info.DataDirectory + "'");
            if (!ShouldProcess(target, "Start"))
            {
                return;
            }

            EmulatorProcess emulator;
            try
            {
                var dotnet = EmulatorProcess.FindDotnet();
                emulator = RunEngine((observer, token) => EmulatorProcess.StartAsync(dotnet, info, observer.OnVerbose, token));
            }
            catch (EmulatorClientException e)
            {
                ThrowTerminatingError(EmulatorException.From(e).ToErrorRecord(target));
                return;
            }

            EmulatorStore.Set(emulator);
            if (!NoConnect.IsPresent)
            {
                try
                {
                    SignIn(emulator);
                }
                catch
                {
                    // All or nothing: an emulator the session could not sign in to is not left running.
                    EmulatorStore.Remove(emulator);
                    emulator.Stop();
                    emulator.Dispose();
                    throw;
                }
            }

            WriteObject(new KustoEmulator(emulator));
        }

        private void SignIn(EmulatorProcess emulator)
        {
            KustoSession session;
            try
            {
                var options = RunEngine((observer, token) => EmulatorSignIn.CreateConnectionOptionsAsync(emulator.Connection, null, token));
                session = KustoSession.Create(options);
            }
            catch (EmulatorException e)
            {
                ThrowTerminatingError(e.ToErrorRecord(emulator.Connection.Url));
                return;
            }
            catch (KustoException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, emulator.Connection.Url));
                return;
            }

            try
            {
                WriteVerbose($"Signing in to the emulator at {emulator.Connection.Url} as application {emulator.Connection.ClientId}.");
                RunEngine((observer, token) => session.SignInAsync(token));
            }
            catch (KustoException e)
            {
                session.Dispose();
                ThrowTerminatingError(ToErrorRecord(e, emulator.Connection.Url));
                return;
            }
            catch
            {
                session.Dispose();
                throw;
            }

            SessionStore.Set(session);
        }

        /// <summary>The emulator shipped in the module's emulator/ folder.</summary>
        private string FindEmulatorAssembly()
        {
            var moduleBase = MyInvocation.MyCommand.Module?.ModuleBase;
            if (string.IsNullOrEmpty(moduleBase))
            {
                moduleBase = Path.GetDirectoryName(typeof(StartKustoEmulatorCommand).Assembly.Location);
            }

            var path = Path.Combine(moduleBase ?? string.Empty, "emulator", "KustoConnect.Emulator.dll");
            if (!File.Exists(path))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new FileNotFoundException($"The emulator is not in this copy of the module: '{path}' does not exist.", path),
                    "EmulatorNotShipped", ErrorCategory.ObjectNotFound, path));
            }

            return path;
        }

        private string ResolveWorldFile(string path)
        {
            var resolved = GetUnresolvedProviderPathFromPSPath(path);
            if (!File.Exists(resolved))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new FileNotFoundException($"The world file '{resolved}' does not exist.", resolved),
                    "WorldFileNotFound", ErrorCategory.ObjectNotFound, path));
            }

            return resolved;
        }
    }
}
