using System;
using System.IO;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

/// <summary>The connection file (&lt;data-dir&gt;/emulator.json) that lets another session find a running emulator.</summary>
public sealed class ConnectionFileTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "kc-emulator-connection-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task The_emulator_writes_its_ready_line_to_emulator_json_naming_its_principal_but_never_a_secret()
    {
        await using var emulator = await EmulatorChildProcess.StartAsync(dataDirectory, operationDurationSeconds: 0);
        var path = Path.Combine(dataDirectory, "emulator.json");
        var text = await File.ReadAllTextAsync(path);
        var file = JsonNode.Parse(text)!;

        Assert.True(JsonNode.DeepEquals(emulator.Ready, file));
        Assert.Equal(DefaultWorld.ClientId, file["clientId"]!.GetValue<string>());
        Assert.Equal(emulator.ProcessId, file["processId"]!.GetValue<int>());
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "world.default.json"), file["worldFile"]!.GetValue<string>());
        Assert.DoesNotContain(DefaultWorld.ClientSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_emulator_hands_out_its_sign_in_principal_at_the_admin_connection_endpoint_and_nowhere_else()
    {
        await using var emulator = await EmulatorChildProcess.StartAsync(dataDirectory, operationDurationSeconds: 0);

        using var response = await emulator.Client.GetAsync("_emulator/connection");
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(DefaultWorld.TenantId, body["tenantId"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.SubscriptionId, body["subscriptionId"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.ClientId, body["clientId"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.ClientSecret, body["clientSecret"]!.GetValue<string>());
        Assert.Equal(emulator.BaseUri.ToString(), body["url"]!.GetValue<string>());
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(DefaultWorld.ClientSecret, emulator.Ready.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(DefaultWorld.ClientSecret, await File.ReadAllTextAsync(Path.Combine(dataDirectory, "emulator.json")), StringComparison.Ordinal);
        Assert.DoesNotContain(DefaultWorld.ClientSecret, emulator.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_emulator_stopped_with_SIGTERM_removes_its_connection_file()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No SIGTERM to send on Windows; the kill case below covers a stale file there.
        }

        await using var emulator = await EmulatorChildProcess.StartAsync(dataDirectory, operationDurationSeconds: 0);
        var path = Path.Combine(dataDirectory, "emulator.json");
        Assert.True(File.Exists(path));

        Assert.Equal(0, await emulator.TerminateAsync());

        Assert.False(File.Exists(path));
        Assert.True(File.Exists(Path.Combine(dataDirectory, StateStore.SnapshotFileName)), "the state itself is kept");
    }

    [Fact]
    public async Task A_killed_emulator_leaves_a_file_naming_a_process_that_is_gone_and_a_restart_rewrites_it()
    {
        var path = Path.Combine(dataDirectory, "emulator.json");
        int firstProcess;
        await using (var first = await EmulatorChildProcess.StartAsync(dataDirectory, operationDurationSeconds: 0))
        {
            firstProcess = first.ProcessId;
            await first.KillAsync();
        }

        Assert.Equal(firstProcess, JsonNode.Parse(await File.ReadAllTextAsync(path))!["processId"]!.GetValue<int>());

        await using var second = await EmulatorChildProcess.StartAsync(dataDirectory, operationDurationSeconds: 0);
        var rewritten = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.Equal(second.ProcessId, rewritten["processId"]!.GetValue<int>());
        Assert.Equal(second.BaseUri.ToString(), rewritten["url"]!.GetValue<string>());
    }
}
