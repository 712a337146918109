using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator;

namespace KustoConnect.Bench;

/// <summary>
/// Starts the emulator in process on a free loopback port and measures requests per second and latency for GET and
/// PUT of a data connection, with N concurrent workers on one keep-alive HttpClient pinned to the emulator's
/// certificate. Each scenario stops after a bounded number of requests or a bounded time, whichever comes first.
/// Usage: dotnet run -c Release --project bench/KustoConnect.Bench -- [--workers 8] [--requests 20000] [--seconds 10]
/// </summary>
internal static class Program
{
    private const string ApiVersion = "?api-version=2024-04-13";

    private static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(BenchOptions.Usage).ConfigureAwait(false);
            return 2;
        }

        await using var host = await EmulatorHost.StartAsync(new EmulatorOptions { OperationDuration = TimeSpan.Zero }).ConfigureAwait(false);
        using var client = PinnedClient(host, options.Workers);
        var token = await TokenAsync(client).ConfigureAwait(false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // One data connection and one consumer group per worker: a consumer group feeds only one data connection.
        var database = $"subscriptions/{DefaultWorld.SubscriptionId}/resourceGroups/{DefaultWorld.ResourceGroup}/providers/Microsoft.Kusto/clusters/{DefaultWorld.ClusterName}/databases/{DefaultWorld.DatabaseName}";
        var paths = new string[options.Workers];
        var bodies = new string[options.Workers];
        for (var i = 0; i < options.Workers; i++)
        {
            var consumerGroup = "bench" + i.ToString(CultureInfo.InvariantCulture);
            await CreateConsumerGroupAsync(client, consumerGroup).ConfigureAwait(false);
            paths[i] = $"{database}/dataConnections/bench-{i.ToString(CultureInfo.InvariantCulture)}{ApiVersion}";
            bodies[i] = IotHubConnection(consumerGroup);
            using var created = await SendAsync(client, HttpMethod.Put, paths[i], bodies[i]).ConfigureAwait(false);
            if (created.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"Creating the data connection answered {(int)created.StatusCode}.");
            }
        }

        Console.WriteLine($"KustoConnect emulator load test: {Environment.ProcessorCount} logical cores, {options.Workers} workers, " +
            $"at most {options.Requests} requests or {options.Duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s per scenario, HTTPS keep-alive on {host.BaseUri}");

        var results = new List<ScenarioResult>();
        foreach (var (name, method) in new[] { ("GET data connection", HttpMethod.Get), ("PUT data connection", HttpMethod.Put) })
        {
            // Warm-up: JIT, connection pool and TLS sessions, not measured.
            await RunAsync(name, options.Workers, Math.Min(200, options.Requests), options.Duration,
                worker => SendAsync(client, method, paths[worker], method == HttpMethod.Put ? bodies[worker] : null)).ConfigureAwait(false);
            results.Add(await RunAsync(name, options.Workers, options.Requests, options.Duration,
                worker => SendAsync(client, method, paths[worker], method == HttpMethod.Put ? bodies[worker] : null)).ConfigureAwait(false));
        }

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        PrintTable(results, self.PeakWorkingSet64);
        return results.Any(r => r.Failures > 0) ? 1 : 0;
    }

    private static HttpClient PinnedClient(EmulatorHost host, int workers)
    {
        var pinned = host.Certificate.Thumbprint;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = workers,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && string.Equals(certificate.GetCertHashString(), pinned, StringComparison.OrdinalIgnoreCase),
            },
        };
        return new HttpClient(handler) { BaseAddress = host.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    private static async Task<string> TokenAsync(HttpClient client)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = DefaultWorld.ClientId,
            ["client_secret"] = DefaultWorld.ClientSecret,
            ["scope"] = "https://management.azure.com/.default",
        });
        using var response = await client.PostAsync(new Uri($"{DefaultWorld.TenantId}/oauth2/v2.0/token", UriKind.Relative), form).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The token request answered {(int)response.StatusCode}.");
        }

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        return body?["access_token"]?.GetValue<string>() ?? throw new InvalidOperationException("The token response has no access_token.");
    }

    private static async Task CreateConsumerGroupAsync(HttpClient client, string name)
    {
        var path = $"subscriptions/{DefaultWorld.SubscriptionId}/resourceGroups/{DefaultWorld.ResourceGroup}/providers/Microsoft.Devices/IotHubs/{DefaultWorld.IotHubName}/eventHubEndpoints/events/ConsumerGroups/{name}?api-version=2023-06-30";
        var body = new JsonObject { ["properties"] = new JsonObject { ["name"] = name } }.ToJsonString();
        using var response = await SendAsync(client, HttpMethod.Put, path, body).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating consumer group '{name}' answered {(int)response.StatusCode}.");
        }
    }

    private static string IotHubConnection(string consumerGroup) => new JsonObject
    {
        ["location"] = DefaultWorld.LocationName,
        ["kind"] = "IotHub",
        ["properties"] = new JsonObject
        {
            ["iotHubResourceId"] = DefaultWorld.IotHubResourceId,
            ["consumerGroup"] = consumerGroup,
            ["sharedAccessPolicyName"] = "iothubowner",
            ["tableName"] = "StormEvents",
            ["mappingRuleName"] = "StormEvents_CSV_Mapping",
            ["dataFormat"] = "CSV",
        },
    }.ToJsonString();

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? body)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return SendAndDisposeRequestAsync(client, request);
    }

    private static async Task<HttpResponseMessage> SendAndDisposeRequestAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
        }
    }

    /// <summary>Runs workers until <paramref name="maxRequests"/> were sent or <paramref name="maxDuration"/> passed.</summary>
    private static async Task<ScenarioResult> RunAsync(string name, int workers, int maxRequests, TimeSpan maxDuration, Func<int, Task<HttpResponseMessage>> send)
    {
        var issued = 0;
        var failures = 0;
        var latencies = new List<double>[workers];
        using var deadline = new CancellationTokenSource(maxDuration);
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<double>(maxRequests / workers + 1);
            while (!deadline.IsCancellationRequested && Interlocked.Increment(ref issued) <= maxRequests)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await send(worker).ConfigureAwait(false);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        clock.Stop();

        var all = latencies.SelectMany(l => l).OrderBy(l => l).ToArray();
        return new ScenarioResult(name, all.Length, failures, clock.Elapsed, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static void PrintTable(IReadOnlyList<ScenarioResult> results, long peakWorkingSet)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"{"Scenario",-22}{"Requests",10}{"Failed",8}{"Seconds",9}{"Req/s",10}{"p50 ms",9}{"p99 ms",9}");
        foreach (var r in results)
        {
            Console.WriteLine(string.Format(c, "{0,-22}{1,10}{2,8}{3,9:F2}{4,10:F0}{5,9:F2}{6,9:F2}",
                r.Name, r.Requests, r.Failures, r.Elapsed.TotalSeconds, r.Requests / r.Elapsed.TotalSeconds, r.P50, r.P99));
        }

        Console.WriteLine(string.Format(c, "Peak working set of the process (emulator and load generator): {0:F0} MiB", peakWorkingSet / (1024.0 * 1024.0)));
    }

    private sealed record ScenarioResult(string Name, int Requests, int Failures, TimeSpan Elapsed, double P50, double P99);
}

/// <summary>The command line of the load test.</summary>
internal sealed class BenchOptions
{
    public const string Usage = "Usage: dotnet run -c Release --project bench/KustoConnect.Bench -- [--workers <1-256>] [--requests <n>] [--seconds <s>]";

    public int Workers { get; private set; } = 8;

    public int Requests { get; private set; } = 20_000;

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(10);

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"Missing value after '{name}'.");
            }

            var value = args[++i];
            switch (name)
            {
                case "--workers":
                    options.Workers = Positive(name, value, 256);
                    break;
                case "--requests":
                    options.Requests = Positive(name, value, int.MaxValue);
                    break;
                case "--seconds":
                    options.Duration = TimeSpan.FromSeconds(Positive(name, value, 3600));
                    break;
                case "--filter":
                    // build.ps1 passes BenchmarkDotNet's "--filter *"; this load test has one fixed set of scenarios.
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        return options;
    }

    private static int Positive(string name, string value, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max
            ? n
            : throw new ArgumentException($"Invalid value '{value}' for {name}: give a whole number from 1 to {max}.");
}
