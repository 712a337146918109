using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Emulator.Client
{
    /// <summary>How to start the emulator process.</summary>
    public sealed class EmulatorStartInfo
    {
        /// <summary>Full path of KustoConnect.Emulator.dll.</summary>
        public string AssemblyPath { get; set; } = "";

        /// <summary>The loopback port; 0 lets the system choose a free one.</summary>
        public int Port { get; set; }

        /// <summary>The data folder; null creates a temporary one that <see cref="EmulatorProcess.Stop"/> removes.</summary>
        public string? DataDirectory { get; set; }

        /// <summary>The world file to seed a new data folder from; null for the emulator's default world.</summary>
        public string? WorldFile { get; set; }

        /// <summary>How long each emulated long-running operation takes.</summary>
        public double OperationDurationSeconds { get; set; } = 2;

        /// <summary>How long to wait for the ready line.</summary>
        public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>More command-line arguments, passed after the ones above (a later option wins).</summary>
        public IList<string> ExtraArguments { get; } = new List<string>();
    }

    /// <summary>
    /// The emulator running as a child process: `dotnet KustoConnect.Emulator.dll --port .. --data-dir ..`. Both output
    /// pipes are drained for the whole life of the process (the last lines of stderr are kept for error messages), so the
    /// emulator can never block on a full pipe.
    /// </summary>
    public sealed class EmulatorProcess : IDisposable
    {
        private const string ReadyMarker = "KUSTOCONNECT_EMULATOR_READY";
        private const int KeptErrorLines = 40;

        private readonly Process _process;
        private readonly Queue<string> _stderrTail = new Queue<string>();
        private readonly TaskCompletionSource<string?> _ready = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly string _dataDirectory;
        private readonly bool _ownsDataDirectory;
        private int _stopped;

        private EmulatorProcess(Process process, string dataDirectory, bool ownsDataDirectory)
        {
            _process = process;
            _dataDirectory = dataDirectory;
            _ownsDataDirectory = ownsDataDirectory;
        }

        /// <summary>Where the running emulator is; set once it is ready.</summary>
        public EmulatorConnection Connection { get; private set; } = null!;

        /// <summary>The emulator's process id.</summary>
        public int ProcessId { get; private set; }

        /// <summary>The JSON of the ready line, as the emulator wrote it (the content of its connection file; no secret).</summary>
        public string ReadyJson { get; private set; } = "";

        /// <summary>True when the data folder is a temporary one created for this process and removed when it stops.</summary>
        public bool OwnsDataDirectory => _ownsDataDirectory;

        public bool HasExited
        {
            get
            {
                try
                {
                    return _process.HasExited;
                }
                catch (InvalidOperationException)
                {
                    return true;
                }
            }
        }

        /// <summary>
        /// The dotnet host to run the emulator with: the one running this PowerShell when it is `dotnet pwsh`, else
        /// DOTNET_HOST_PATH, DOTNET_ROOT, then PATH. Throws <see cref="EmulatorClientException"/> (DotnetNotFound) when none.
        /// </summary>
        public static string FindDotnet()
        {
            var executable = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
            var candidates = new List<string>();
            try
            {
                using var self = Process.GetCurrentProcess();
                var path = self.MainModule?.FileName;
                if (path != null && string.Equals(Path.GetFileName(path), executable, StringComparison.OrdinalIgnoreCase))
                {
                    candidates.Add(path);
                }
            }
            catch (Exception e) when (e is InvalidOperationException || e is System.ComponentModel.Win32Exception || e is NotSupportedException)
            {
                // The current process's image cannot be read on this platform: look elsewhere.
            }

            AddFromVariable(candidates, "DOTNET_HOST_PATH", null);
            AddFromVariable(candidates, "DOTNET_ROOT", executable);
            foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
            {
                if (directory.Trim().Length > 0)
                {
                    candidates.Add(Path.Combine(directory.Trim(), executable));
                }
            }

            foreach (var candidate in candidates)
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new EmulatorClientException(
                "DotnetNotFound",
                "The emulator runs on .NET, but no 'dotnet' host was found (searched DOTNET_HOST_PATH, DOTNET_ROOT and PATH). "
                + "Install the .NET 10 runtime with ASP.NET Core (the ASP.NET Core Runtime 10 or the .NET 10 SDK) and make sure 'dotnet' is on PATH.");
        }

        /// <summary>
        /// Starts the emulator and waits for its ready line. On failure the process is stopped, a temporary data folder
        /// removed, and an <see cref="EmulatorClientException"/> thrown with the emulator's stderr.
        /// </summary>
        public static async Task<EmulatorProcess> StartAsync(string dotnet, EmulatorStartInfo info, Action<string> verbose, CancellationToken cancellationToken)
        {
            // The emulator creates the data folder itself (private: 0700). A temporary one it also removes however it
            // ends (--remove-data-dir-on-exit), including when this process is killed and never calls Stop, because it
            // watches this process (--owner-pid); Stop removes it too, after killing the emulator.
            var owns = string.IsNullOrEmpty(info.DataDirectory);
            var dataDirectory = Path.GetFullPath(owns
                ? Path.Combine(Path.GetTempPath(), "kustoconnect-emulator-" + Guid.NewGuid().ToString("N"))
                : info.DataDirectory!);
            var arguments = new List<string>
            {
                info.AssemblyPath,
                "--port", info.Port.ToString(CultureInfo.InvariantCulture),
                "--data-dir", dataDirectory,
                "--operation-duration", info.OperationDurationSeconds.ToString("R", CultureInfo.InvariantCulture),
                "--owner-pid", CurrentProcessId().ToString(CultureInfo.InvariantCulture),
            };
            if (owns)
            {
                arguments.Add("--remove-data-dir-on-exit");
            }

            if (info.WorldFile != null)
            {
                arguments.Add("--world");
                arguments.Add(info.WorldFile);
            }

            arguments.AddRange(info.ExtraArguments);

            var startInfo = new ProcessStartInfo(dotnet, JoinArguments(arguments))
            {
                UseShellExecute = false,
                CreateNoWindow = true,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
                WorkingDirectory = Path.GetDirectoryName(info.AssemblyPath) ?? dataDirectory,
            };
            startInfo.Environment["DOTNET_NOLOGO"] = "1";
            startInfo.Environment["NO_COLOR"] = "1";

            var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
            var emulator = new EmulatorProcess(process, dataDirectory, owns);
            process.OutputDataReceived += (_, e) => emulator.OnOutput(e.Data);
            process.ErrorDataReceived += (_, e) => emulator.OnError(e.Data);
            verbose("Starting the emulator: " + dotnet + " " + startInfo.Arguments);
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
            {
                process.Dispose();
                emulator.RemoveDataDirectory();
                throw new EmulatorClientException("EmulatorStartFailed", $"Could not run '{dotnet}': {e.Message}", e);
            }

            emulator.ProcessId = process.Id;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                // Nothing is ever written to the emulator's stdin.
                process.StandardInput.Close();
                var line = await emulator.WaitForReadyAsync(info.ReadyTimeout, cancellationToken).ConfigureAwait(false);
                emulator.ReadyJson = line;
                emulator.Connection = EmulatorConnection.Parse(line, "the emulator's ready line");
                verbose($"The emulator (process {emulator.ProcessId}) is ready at {emulator.Connection.Url}.");
                return emulator;
            }
            catch
            {
                emulator.Stop();
                emulator.Dispose();
                throw;
            }
        }

        /// <summary>Kills the process (and any child), waits for it to exit and removes a temporary data folder. Idempotent.</summary>
        public void Stop()
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0)
            {
                return;
            }

            try
            {
                if (!_process.HasExited)
                {
                    KillTree(_process);
                }

                // Then the parameterless overload: it also waits until both output pipes are read to their end.
                if (_process.WaitForExit(30000))
                {
                    _process.WaitForExit();
                }
            }
            catch (InvalidOperationException)
            {
                // Never started, or exited between the check and the kill.
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // The process could not be killed because it is already exiting.
            }

            RemoveDataDirectory();
        }

        /// <summary>The exit code, once the process has exited; otherwise null.</summary>
        public int? ExitCode => HasExited ? _process.ExitCode : (int?)null;

        /// <summary>The data folder the emulator runs on.</summary>
        public string DataDirectory => _dataDirectory;

        /// <summary>The last lines the emulator wrote to stderr.</summary>
        public string StandardErrorTail
        {
            get
            {
                lock (_stderrTail)
                {
                    return string.Join(Environment.NewLine, _stderrTail);
                }
            }
        }

        /// <summary>Waits until the process has exited (after a signal, say) and both output pipes are read to their end.</summary>
        /// <param name="timeout">How long to wait.</param>
        /// <param name="cancellationToken">Cancels the wait.</param>
        /// <returns>The exit code.</returns>
        public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _process.Exited += (_, __) => exited.TrySetResult(true);
            if (HasExited)
            {
                exited.TrySetResult(true);
            }

            using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var finished = await Task.WhenAny(exited.Task, Task.Delay(timeout, delay.Token)).ConfigureAwait(false);
            delay.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
            if (finished != exited.Task)
            {
                throw new EmulatorClientException("EmulatorStopTimeout", $"The emulator (process {ProcessId}) did not exit within {timeout.TotalSeconds:0.#} s." + StandardErrorText());
            }

            _process.WaitForExit();
            return _process.ExitCode;
        }

        /// <inheritdoc/>
        public void Dispose() => _process.Dispose();

        private async Task<string> WaitForReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(timeout, delay.Token);
            var finished = await Task.WhenAny(_ready.Task, timer).ConfigureAwait(false);
            delay.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
            if (finished != _ready.Task)
            {
                throw new EmulatorClientException(
                    "EmulatorStartTimeout",
                    $"The emulator (process {ProcessId}) did not report ready within {timeout.TotalSeconds:0.#} s." + StandardErrorText());
            }

            var line = await _ready.Task.ConfigureAwait(false);
            if (line == null)
            {
                // The process closed its output: it is exiting. Once it has, the parameterless WaitForExit also waits until
                // the stderr reader has delivered every line.
                if (_process.WaitForExit(10000))
                {
                    _process.WaitForExit();
                }
                var code = _process.HasExited ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "unknown";
                throw new EmulatorClientException(
                    "EmulatorStartFailed",
                    $"The emulator exited with code {code} before it was ready." + Advice() + StandardErrorText());
            }

            return line;
        }

        private void OnOutput(string? line)
        {
            if (line == null)
            {
                // End of output before the ready line: the process has exited.
                _ready.TrySetResult(null);
                return;
            }

            var index = line.IndexOf(ReadyMarker, StringComparison.Ordinal);
            if (index >= 0)
            {
                _ready.TrySetResult(line.Substring(index + ReadyMarker.Length).Trim());
            }
        }

        private void OnError(string? line)
        {
            if (line == null)
            {
                return;
            }

            lock (_stderrTail)
            {
                if (_stderrTail.Count == KeptErrorLines)
                {
                    _stderrTail.Dequeue();
                }

                _stderrTail.Enqueue(line);
            }
        }

        private string StandardErrorText()
        {
            lock (_stderrTail)
            {
                return _stderrTail.Count == 0
                    ? " The emulator wrote nothing to stderr."
                    : System.Environment.NewLine + "--- emulator stderr ---" + System.Environment.NewLine + string.Join(System.Environment.NewLine, _stderrTail);
            }
        }

        /// <summary>A hint when stderr says the runtime is missing.</summary>
        private string Advice()
        {
            lock (_stderrTail)
            {
                foreach (var line in _stderrTail)
                {
                    if (line.IndexOf("Microsoft.AspNetCore.App", StringComparison.OrdinalIgnoreCase) >= 0
                        || line.IndexOf("install or update .NET", StringComparison.OrdinalIgnoreCase) >= 0)
                    {
                        return " The emulator needs the .NET 10 runtime with ASP.NET Core (Microsoft.AspNetCore.App 10): install the ASP.NET Core Runtime 10.";
                    }
                }
            }

            return string.Empty;
        }

        private void RemoveDataDirectory()
        {
            if (!_ownsDataDirectory)
            {
                return;
            }

            // The OS may hold a file of the just-killed process for a moment.
            for (var attempt = 1; attempt <= 5 && Directory.Exists(_dataDirectory); attempt++)
            {
                try
                {
                    Directory.Delete(_dataDirectory, recursive: true);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    Thread.Sleep(100 * attempt);
                }
            }
        }

        private static int CurrentProcessId()
        {
            using var self = Process.GetCurrentProcess();
            return self.Id;
        }

        /// <summary>Process.Kill(entireProcessTree: true) where the runtime has it (.NET Core 3.0+), else Kill().</summary>
        private static void KillTree(Process process)
        {
            var killTree = typeof(Process).GetMethod("Kill", BindingFlags.Public | BindingFlags.Instance, null, new[] { typeof(bool) }, null);
            if (killTree != null)
            {
                try
                {
                    killTree.Invoke(process, new object[] { true });
                    return;
                }
                catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException)
                {
                    return;
                }
            }

            process.Kill();
        }

        /// <summary>A command line whose arguments every platform's .NET splits back exactly (CommandLineToArgvW rules).</summary>
        public static string JoinArguments(IEnumerable<string> arguments)
        {
            var builder = new StringBuilder();
            foreach (var argument in arguments)
            {
                if (builder.Length > 0)
                {
                    builder.Append(' ');
                }

                if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '\n', '\v', '"' }) < 0)
                {
                    builder.Append(argument);
                    continue;
                }

                builder.Append('"');
                var backslashes = 0;
                foreach (var c in argument)
                {
                    if (c == '\\')
                    {
                        backslashes++;
                        continue;
                    }

                    builder.Append('\\', c == '"' ? backslashes * 2 + 1 : backslashes);
                    backslashes = 0;
                    builder.Append(c);
                }

                builder.Append('\\', backslashes * 2);
                builder.Append('"');
            }

            return builder.ToString();
        }

        private static void AddFromVariable(List<string> candidates, string variable, string? executable)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value))
            {
                candidates.Add(executable == null ? value! : Path.Combine(value!, executable));
            }
        }
    }
}
