using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using KustoConnect.Emulator.Client;

namespace KustoConnect.Emulator.Tests;

/// <summary>
/// The emulator as a separate process (`dotnet KustoConnect.Emulator.dll`), started by the one emulator client
/// (KustoConnect.Emulator.Client, as Start-KustoEmulator starts it) on a free port, and killed without any graceful
/// shutdown, or signalled, when a test says so. Its sign-in principal comes from the emulator (GET /_emulator/connection).
/// </summary>
public sealed class EmulatorChildProcess : IAsyncDisposable
{
    private readonly EmulatorProcess process;
    private string? token;

    private EmulatorChildProcess(EmulatorProcess process)
    {
        this.process = process;
        Ready = JsonNode.Parse(process.ReadyJson)!;
        BaseUri = process.Connection.Url;
        var thumbprint = Ready["thumbprint"]!.GetValue<string>();
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

    public int ProcessId => process.ProcessId;

    /// <summary>The last lines of the emulator's stderr.</summary>
    public string StandardError => process.StandardErrorTail;

    /// <summary>
    /// Starts the emulator; a null data folder gives it a temporary one that it removes itself however it ends
    /// (--remove-data-dir-on-exit). Failures are <see cref="EmulatorClientException"/>s carrying the emulator's stderr.
    /// </summary>
    public static async Task<EmulatorChildProcess> StartAsync(string? dataDirectory, double operationDurationSeconds, params string[] extraArguments)
    {
        var info = new EmulatorStartInfo
        {
            AssemblyPath = Path.Combine(AppContext.BaseDirectory, "KustoConnect.Emulator.dll"),
            Port = 0,
            DataDirectory = dataDirectory,
            OperationDurationSeconds = operationDurationSeconds,
        };
        foreach (var argument in extraArguments)
        {
            info.ExtraArguments.Add(argument);
        }

        var process = await EmulatorProcess.StartAsync(EmulatorProcess.FindDotnet(), info, _ => { }, CancellationToken.None);
        return new EmulatorChildProcess(process);
    }

    /// <summary>Kills the process at once: no SIGTERM, no shutdown, no flush the emulator could do on purpose.</summary>
    public Task KillAsync()
    {
        process.Stop();
        return Task.CompletedTask;
    }

    /// <summary>Asks the emulator to stop (SIGTERM, as a service manager would) and waits for its exit code.</summary>
    public Task<int> TerminateAsync() => SignalAsync("TERM");

    /// <summary>Sends a signal (TERM, INT, HUP, ...) and waits for the exit code.</summary>
    public async Task<int> SignalAsync(string signal)
    {
        await SendSignalAsync(signal);
        return await process.WaitForExitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    /// <summary>Sends a signal and returns once <c>kill</c> has delivered it (the kernel has acted on it or queued it).</summary>
    public async Task SendSignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.ProcessId.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Whether the process is still running.</summary>
    public bool HasExited => process.HasExited;

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

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        process.Stop();
        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string> RequestTokenAsync()
    {
        var credentials = await EmulatorCredentials.GetAsync(process.Connection, CancellationToken.None);
        using var response = await Client.PostAsync($"{credentials.TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = credentials.ClientId!,
            ["client_secret"] = new NetworkCredential(string.Empty, credentials.ClientSecret).Password,
            ["scope"] = "https://management.azure.com/.default",
        }));
        response.EnsureSuccessStatusCode();
        return (await EmulatorFixture.ReadJsonAsync(response))["access_token"]!.GetValue<string>();
    }
}
