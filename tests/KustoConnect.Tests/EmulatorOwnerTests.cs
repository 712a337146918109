using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>
    /// Issue 12 point 3 through the cmdlet: an emulator started by Start-KustoEmulator in a pwsh ends, and its temporary
    /// folder goes, when that pwsh is killed with SIGKILL (it never gets to run Stop-KustoEmulator or any cleanup).
    /// Runs a real pwsh (the repository's local tool: `dotnet tool restore` first, as build.ps1 test does) on a module
    /// folder laid out as shipped: the cmdlet assembly with its dependencies, and emulator/ beside it.
    /// </summary>
    public sealed class EmulatorOwnerTests : IDisposable
    {
        private readonly string folder = Path.Combine(Path.GetTempPath(), "kc-emulator-owner-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public async Task An_emulator_started_by_Start_KustoEmulator_ends_with_its_folder_when_the_pwsh_is_killed_with_SIGKILL()
        {
            var repo = RepositoryRoot();
            var module = LayOutModule(repo);
            Directory.CreateDirectory(folder);
            var report = Path.Combine(folder, "owner.txt");
            var script =
                "$ErrorActionPreference = 'Stop'; Import-Module '" + module.Replace("'", "''", StringComparison.Ordinal) + "'; "
                + "$e = Start-KustoEmulator -NoConnect -OperationDurationSeconds 0; "
                + "Set-Content -LiteralPath '" + report.Replace("'", "''", StringComparison.Ordinal) + "' -Value \"$PID $($e.ProcessId) $($e.DataDirectory)\"; "
                + "Start-Sleep -Seconds 600";
            var start = new ProcessStartInfo("dotnet")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = repo,
            };
            foreach (var argument in new[] { "tool", "run", "pwsh", "-NoProfile", "-NonInteractive", "-Command", script })
            {
                start.ArgumentList.Add(argument);
            }

            using var shell = Process.Start(start)!;
            var stdout = shell.StandardOutput.ReadToEndAsync();
            var stderr = shell.StandardError.ReadToEndAsync();
            int pwshId, emulatorId;
            string dataDirectory;
            try
            {
                await WaitUntilAsync(() => shell.HasExited || (File.Exists(report) && File.ReadAllText(report).Trim().Split(' ').Length == 3), "pwsh has started the emulator", 240);
                if (shell.HasExited)
                {
                    Assert.Fail("pwsh ended before the emulator was ready: " + await stdout + await stderr);
                }

                var parts = File.ReadAllText(report).Trim().Split(' ', 3);
                pwshId = int.Parse(parts[0], CultureInfo.InvariantCulture);
                emulatorId = int.Parse(parts[1], CultureInfo.InvariantCulture);
                dataDirectory = parts[2];
            }
            catch
            {
                shell.Kill(entireProcessTree: true);
                throw;
            }

            Assert.True(Directory.Exists(dataDirectory));
            Assert.False(IsGone(emulatorId));

            // SIGKILL the pwsh itself (not the dotnet muxer that runs it): nothing in it runs any more.
            using (var kill = Process.Start("kill", new[] { "-KILL", pwshId.ToString(CultureInfo.InvariantCulture) })!)
            {
                await kill.WaitForExitAsync();
            }

            await WaitUntilAsync(() => IsGone(pwshId), "the pwsh has ended");
            await WaitUntilAsync(() => IsGone(emulatorId), $"the emulator (process {emulatorId}) has ended");
            await WaitUntilAsync(() => !Directory.Exists(dataDirectory), $"the emulator's folder '{dataDirectory}' is gone");
            if (!shell.WaitForExit(30000))
            {
                shell.Kill(entireProcessTree: true);
            }
        }

        private static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 30)
        {
            for (var i = 0; i < seconds * 20; i++)
            {
                if (condition())
                {
                    return;
                }

                await Task.Delay(50);
            }

            Assert.Fail($"Still not true after {seconds} s: {what}");
        }

        /// <summary>Whether the process has ended (a zombie waiting for its parent counts as ended).</summary>
        private static bool IsGone(int processId)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
                var state = stat.Substring(stat.LastIndexOf(')') + 2, 1);
                return state == "Z" || state == "X";
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return true;
            }
        }

        private static string RepositoryRoot()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory != null && !File.Exists(Path.Combine(directory.FullName, "KustoConnect.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("The repository root (KustoConnect.sln) is not above " + AppContext.BaseDirectory);
        }

        /// <summary>
        /// The module as shipped: what build.ps1 build (dotnet publish) assembled in out/module/KustoConnect/{version}/, with
        /// the emulator in its emulator/ folder (build.ps1 test builds it before the xunit suites run).
        /// </summary>
        private static string LayOutModule(string repo)
        {
            var root = Path.Combine(repo, "out", "module", "KustoConnect");
            var manifest = Directory.Exists(root)
                ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "KustoConnect.psd1")).Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
                : null;
            Assert.True(manifest != null, "The module is not assembled in " + root + ": run `dotnet pwsh ./build.ps1 build` first.");
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(manifest)!, "emulator", "KustoConnect.Emulator.dll")), "The assembled module has no emulator/ folder.");
            return manifest!;
        }
    }
}
