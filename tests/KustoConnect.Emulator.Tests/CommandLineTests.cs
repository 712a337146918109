using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

public sealed class CommandLineTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "kc-emulator-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task The_process_prints_one_ready_line_serves_https_and_exits_cleanly_on_SIGTERM()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "KustoConnect.Emulator.dll"), "--port", "0", "--data-dir", dataDirectory, "--operation-duration", "0.2" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            Assert.StartsWith("KUSTOCONNECT_EMULATOR_READY {", line, StringComparison.Ordinal);
            var ready = JsonNode.Parse(line!["KUSTOCONNECT_EMULATOR_READY ".Length..])!;
            var url = new Uri(ready["url"]!.GetValue<string>());
            Assert.Equal("https", url.Scheme);
            Assert.Equal("127.0.0.1", url.Host);
            Assert.Equal(Path.GetFullPath(dataDirectory), ready["dataDirectory"]!.GetValue<string>());
            Assert.Equal(Path.Combine(Path.GetFullPath(dataDirectory), "emulator.crt"), ready["certificatePath"]!.GetValue<string>());
            Assert.Equal(DefaultWorld.TenantId, ready["tenantId"]!.GetValue<string>());
            Assert.Equal(DefaultWorld.SubscriptionId, ready["subscriptionId"]!.GetValue<string>());

            var thumbprint = ready["thumbprint"]!.GetValue<string>();
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == thumbprint };
            using var client = new HttpClient(handler) { BaseAddress = url };
            using var response = await client.GetAsync($"{DefaultWorld.TenantId}/v2.0/.well-known/openid-configuration");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            if (!OperatingSystem.IsWindows())
            {
                using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
                await kill.WaitForExitAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token);
                Assert.Equal(0, process.ExitCode);
                Assert.Null(await process.StandardOutput.ReadLineAsync(timeout.Token));
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            await stderr;
        }
    }

    [Fact]
    public async Task An_unknown_option_is_refused_with_usage_and_exit_code_2()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "KustoConnect.Emulator.dll"));
        start.ArgumentList.Add("--colour");
        start.ArgumentList.Add("blue");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Unknown option '--colour'", stderr, StringComparison.Ordinal);
        Assert.Empty(await stdout);
    }
}
