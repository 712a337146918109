using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Emulator.Tests;

/// <summary>
/// The emulator as a separate process (`dotnet KustoConnect.Emulator.dll`), as users and the module run it: started on a
/// free port, ready when it prints its ready line, and killed without any graceful shutdown when a test says so.
/// </summary>
public sealed class EmulatorChildProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Task<string> stderr;
    private readonly Task stdoutDrain;
    private string? token;

    private EmulatorChildProcess(Process process, Task<string> stderr, Task stdoutDrain, JsonNode ready)
    {
        this.process = process;
        this.stderr = stderr;
        this.stdoutDrain = stdoutDrain;
        Ready = ready;
        BaseUri = new Uri(ready["url"]!.GetValue<string>());
        var thumbprint = ready["thumbprint"]!.GetValue<string>();
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == thumbprint,
        };
        Client = new HttpClient(handler) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The parsed ready line.</summary>
    public JsonNode Ready { get; }

    public Uri BaseUri { get; }

    /// <summary>An HttpClient that trusts exactly the emulator's certificate.</summary>
    public HttpClient Client { get; }

    public int ProcessId => process.Id;

    /// <summary>Starts the emulator; a null data folder lets it make (and remove) its own temporary one.</summary>
    public static async Task<EmulatorChildProcess> StartAsync(string? dataDirectory, double operationDurationSeconds, params string[] extraArguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var arguments = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "KustoConnect.Emulator.dll"), "--port", "0",
            "--operation-duration", operationDurationSeconds.ToString(CultureInfo.InvariantCulture),
        };
        if (dataDirectory is not null)
        {
            arguments.AddRange(["--data-dir", dataDirectory]);
        }

        arguments.AddRange(extraArguments);
        foreach (var arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("The emulator exited before it was ready: " + await stderr);
            const string marker = "KUSTOCONNECT_EMULATOR_READY ";
            if (!line.StartsWith(marker, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("Unexpected first line from the emulator: " + line);
            }

            var drain = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            return new EmulatorChildProcess(process, stderr, drain, JsonNode.Parse(line[marker.Length..])!);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            throw;
        }
    }

    /// <summary>Kills the process at once: no SIGTERM, no shutdown, no flush the emulator could do on purpose.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        await stdoutDrain;
        await stderr;
    }

    /// <summary>The emulator's stderr, once it has exited.</summary>
    public Task<string> StandardError => stderr;

    /// <summary>Asks the emulator to stop (SIGTERM, as a service manager would) and waits for its exit code.</summary>
    public Task<int> TerminateAsync() => SignalAsync("TERM");

    /// <summary>Sends a signal (TERM, INT, HUP, ...) and waits for the exit code.</summary>
    public async Task<int> SignalAsync(string signal)
    {
        using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        await stdoutDrain;
        return process.ExitCode;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, JsonNode? body = null)
    {
        token ??= await RequestTokenAsync();
        using var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return await Client.SendAsync(request);
    }

    /// <summary>The path and query of an emulator URL (an operation URL issued by an earlier process on another port).</summary>
    public static string PathOf(string url) => new Uri(url).PathAndQuery;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await KillAsync();
        process.Dispose();
    }

    private async Task<string> RequestTokenAsync()
    {
        using var response = await Client.PostAsync($"{DefaultWorld.TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = DefaultWorld.ClientId,
            ["client_secret"] = DefaultWorld.ClientSecret,
            ["scope"] = "https://management.azure.com/.default",
        }));
        response.EnsureSuccessStatusCode();
        return (await EmulatorFixture.ReadJsonAsync(response))["access_token"]!.GetValue<string>();
    }
}
