using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

/// <summary>
/// Issue 12 points 2, 3 and 5, on the emulator as its own process: its data is private, its temporary folder goes
/// however it is asked to end, it ends when its owner ends (SIGKILL of the owner included), and a second emulator on a
/// folder in use is refused. Every wait here is bounded and waits for a state (a process gone, a folder gone), never
/// for a time.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LifetimeAndPrivacyTests : IDisposable
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string folder = Path.Combine(Path.GetTempPath(), "kc-lifetime-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string DataDirectoryOf(EmulatorChildProcess emulator) => emulator.Ready["dataDirectory"]!.GetValue<string>();

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("Still not true after 30 s: " + what);
    }

    private static bool ProcessIsGone(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited || File.ReadAllText($"/proc/{processId}/stat").Split(' ')[2] == "Z";
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException)
        {
            return true;
        }
    }

    [Fact]
    public async Task The_data_folder_is_0700_and_the_key_and_state_files_0600_even_in_a_folder_that_existed()
    {
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        await using var emulator = await EmulatorChildProcess.StartAsync(folder, operationDurationSeconds: 0);

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(folder));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(folder, "emulator.pfx")));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(folder, StateStore.SnapshotFileName)));
        var journals = Directory.GetFiles(folder, StateStore.JournalFilePrefix + "*");
        Assert.Single(journals);
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(journals[0]));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(folder, "emulator.lock")));
    }

    [Fact]
    public async Task A_temporary_data_folder_is_private_too()
    {
        await using var emulator = await EmulatorChildProcess.StartAsync(dataDirectory: null, operationDurationSeconds: 0);
        var dataDirectory = DataDirectoryOf(emulator);

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(dataDirectory));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(dataDirectory, "emulator.pfx")));
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    [InlineData("HUP")]
    [InlineData("QUIT")]
    public async Task The_temporary_data_folder_is_removed_whichever_signal_ends_the_emulator(string signal)
    {
        await using var emulator = await EmulatorChildProcess.StartAsync(dataDirectory: null, operationDurationSeconds: 0);
        var dataDirectory = DataDirectoryOf(emulator);
        Assert.True(Directory.Exists(dataDirectory));

        if (signal == "HUP" && HangUpIgnoredByThisProcess())
        {
            // Run under nohup (or a service manager that ignores SIGHUP): the emulator inherits SIGHUP ignored, and .NET
            // keeps an inherited ignore, as nohup asks. The kernel drops the signal at once, so the emulator still answers
            // after it, and SIGTERM still ends it and removes the folder.
            await emulator.SendSignalAsync(signal);
            using (var response = await emulator.SendAsync(HttpMethod.Get, "/_emulator/requests"))
            {
                Assert.True(response.IsSuccessStatusCode);
            }

            Assert.False(emulator.HasExited);
            signal = "TERM";
        }

        Assert.Equal(0, await emulator.SignalAsync(signal));

        Assert.False(Directory.Exists(dataDirectory), $"The folder '{dataDirectory}' is still there after SIG{signal}.");
    }

    /// <summary>Whether SIGHUP is ignored in this process (and so in the emulators it starts): Linux's /proc/self/status SigIgn mask.</summary>
    private static bool HangUpIgnoredByThisProcess()
    {
        const string Status = "/proc/self/status";
        if (!File.Exists(Status))
        {
            return false;
        }

        var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line != null && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 1UL) != 0;
    }

    [Fact]
    public async Task A_data_folder_given_with_remove_on_exit_is_removed_on_SIGTERM()
    {
        await using var emulator = await EmulatorChildProcess.StartAsync(folder, 0, "--remove-data-dir-on-exit");
        Assert.True(Directory.Exists(folder));

        Assert.Equal(0, await emulator.TerminateAsync());

        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task When_its_owner_is_killed_with_SIGKILL_the_emulator_ends_and_its_folder_is_gone()
    {
        // The owner is a shell that starts the emulator with --owner-pid $$ (its own id) and waits, as a launcher would.
        Directory.CreateDirectory(folder);
        var output = Path.Combine(folder, "emulator.out");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var argument in new[]
        {
            "-c", "\"$2\" \"$3\" --port 0 --operation-duration 0 --owner-pid $$ > \"$1\" 2>&1 & wait", "sh",
            output, "dotnet", Path.Combine(AppContext.BaseDirectory, "KustoConnect.Emulator.dll"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var owner = Process.Start(start)!;
        string? readyLine = null;
        await WaitUntilAsync(
            () =>
            {
                readyLine = File.Exists(output) ? File.ReadAllLines(output).FirstOrDefault(l => l.StartsWith("KUSTOCONNECT_EMULATOR_READY ", StringComparison.Ordinal)) : null;
                return readyLine is not null || owner.HasExited;
            },
            "the emulator started by the owner is ready");
        Assert.NotNull(readyLine);
        var ready = JsonNode.Parse(readyLine!["KUSTOCONNECT_EMULATOR_READY ".Length..])!;
        var emulatorId = ready["processId"]!.GetValue<int>();
        var dataDirectory = ready["dataDirectory"]!.GetValue<string>();
        Assert.True(Directory.Exists(dataDirectory));
        Assert.False(ProcessIsGone(emulatorId));

        owner.Kill(); // SIGKILL: the owner runs nothing more.
        await owner.WaitForExitAsync();

        await WaitUntilAsync(() => ProcessIsGone(emulatorId), $"the emulator (process {emulatorId}) has ended");
        await WaitUntilAsync(() => !Directory.Exists(dataDirectory), $"the folder '{dataDirectory}' is gone");
        Assert.Contains($"The owner process {owner.Id} has ended.", File.ReadAllText(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_owner_that_is_not_running_is_refused_at_start()
    {
        using var gone = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        await gone.WaitForExitAsync();

        var error = await Assert.ThrowsAsync<KustoConnect.Emulator.Client.EmulatorClientException>(() =>
            EmulatorChildProcess.StartAsync(dataDirectory: null, 0, "--owner-pid", gone.Id.ToString(CultureInfo.InvariantCulture)));

        Assert.Contains($"The owner process {gone.Id} (--owner-pid) is not running.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_emulator_on_a_data_folder_in_use_is_refused_with_a_clear_message_and_the_first_keeps_it()
    {
        await using var first = await EmulatorChildProcess.StartAsync(folder, operationDurationSeconds: 0);
        var connectionFile = File.ReadAllText(Path.Combine(folder, "emulator.json"));

        var error = await Assert.ThrowsAsync<KustoConnect.Emulator.Client.EmulatorClientException>(() => EmulatorChildProcess.StartAsync(folder, operationDurationSeconds: 0));

        Assert.Contains($"The data folder '{folder}' is in use by another emulator (process {first.ProcessId})", error.Message, StringComparison.Ordinal);
        Assert.Contains("Only one emulator can run on a data folder", error.Message, StringComparison.Ordinal);
        Assert.Equal(connectionFile, File.ReadAllText(Path.Combine(folder, "emulator.json")));
        using var stillServing = await first.SendAsync(System.Net.Http.HttpMethod.Get, EmulatorFixture.Database + "?api-version=2024-04-13");
        Assert.Equal(System.Net.HttpStatusCode.OK, stillServing.StatusCode);
    }

    [Fact]
    public async Task In_process_a_second_host_on_a_folder_in_use_throws_DataDirectoryInUseException_and_a_later_one_starts()
    {
        var first = await EmulatorHost.StartAsync(new EmulatorOptions { DataDirectory = folder });
        try
        {
            var error = await Assert.ThrowsAsync<DataDirectoryInUseException>(() => EmulatorHost.StartAsync(new EmulatorOptions { DataDirectory = folder }));
            Assert.Equal(Path.GetFullPath(folder), error.DataDirectory);
            Assert.True(Directory.Exists(folder));
        }
        finally
        {
            await first.DisposeAsync();
        }

        await using var second = await EmulatorHost.StartAsync(new EmulatorOptions { DataDirectory = folder });
        Assert.Equal(Path.GetFullPath(folder), second.DataDirectory);
    }
}
