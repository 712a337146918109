using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KustoConnect.Emulator;

/// <summary>Settings that the admin API can change while the emulator runs.</summary>
internal sealed class EmulatorSettings
{
    private long operationDurationTicks;
    private long tokenLifetimeTicks = TimeSpan.FromHours(1).Ticks;
    private long deviceCodeLifetimeTicks = TimeSpan.FromMinutes(15).Ticks;
    private bool autoApproveDeviceCodes;

    public TimeSpan OperationDuration
    {
        get => TimeSpan.FromTicks(System.Threading.Interlocked.Read(ref operationDurationTicks));
        set => System.Threading.Interlocked.Exchange(ref operationDurationTicks, value.Ticks);
    }

    public TimeSpan TokenLifetime
    {
        get => TimeSpan.FromTicks(System.Threading.Interlocked.Read(ref tokenLifetimeTicks));
        set => System.Threading.Interlocked.Exchange(ref tokenLifetimeTicks, value.Ticks);
    }

    /// <summary>When set, a pending device code is approved for the tenant's first user on its first poll (tests, offline demos).</summary>
    public bool AutoApproveDeviceCodes
    {
        get => System.Threading.Volatile.Read(ref autoApproveDeviceCodes);
        set => System.Threading.Volatile.Write(ref autoApproveDeviceCodes, value);
    }

    /// <summary>How long a device code may be redeemed (Entra ID: 15 minutes). Zero makes new codes expire at once.</summary>
    public TimeSpan DeviceCodeLifetime
    {
        get => TimeSpan.FromTicks(System.Threading.Interlocked.Read(ref deviceCodeLifetimeTicks));
        set => System.Threading.Interlocked.Exchange(ref deviceCodeLifetimeTicks, value.Ticks);
    }
}

/// <summary>The in-memory request log: method, path with query, status. Never headers or bodies.</summary>
internal sealed class RequestLog
{
    private readonly object sync = new();
    private readonly List<RequestLogEntry> entries = new();

    public void Add(RequestLogEntry entry)
    {
        lock (sync)
        {
            entries.Add(entry);
        }
    }

    public IReadOnlyList<RequestLogEntry> Snapshot()
    {
        lock (sync)
        {
            return entries.ToArray();
        }
    }

    public void Clear()
    {
        lock (sync)
        {
            entries.Clear();
        }
    }
}

/// <summary>An injected fault: for requests matching method + path pattern, the next <see cref="Remaining"/> ones misbehave.</summary>
internal sealed class Fault
{
    public string? Method { get; init; }
    public required Regex PathPattern { get; init; }
    public int Remaining { get; set; }
    public int? StatusCode { get; init; }
    public int? RetryAfterSeconds { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public TimeSpan Latency { get; init; }

    /// <summary>When set, matching requests get no response: the connection is aborted (after any latency).</summary>
    public bool DropConnection { get; init; }

    /// <summary>
    /// When set, matching requests are fully processed (state changed, operation started) and then the connection is
    /// aborted without the response: the client cannot tell whether its request took effect, as when a gateway dies after
    /// forwarding a write.
    /// </summary>
    public bool DropConnectionAfterProcessing { get; init; }

    /// <summary>When set, matching create/update operations are accepted and then end Failed with this code.</summary>
    public string? OperationErrorCode { get; init; }
    public string? OperationErrorMessage { get; init; }

    public JsonObject Describe() => new()
    {
        ["method"] = Method,
        ["pathPattern"] = PathPattern.ToString(),
        ["remaining"] = Remaining,
        ["statusCode"] = StatusCode,
        ["retryAfterSeconds"] = RetryAfterSeconds,
        ["latencyMilliseconds"] = Latency.TotalMilliseconds,
        ["dropConnection"] = DropConnection,
        ["dropConnectionAfterProcessing"] = DropConnectionAfterProcessing,
        ["operationErrorCode"] = OperationErrorCode,
    };
}

/// <summary>The set of injected faults; each match consumes one use.</summary>
internal sealed class FaultInjector
{
    private readonly object sync = new();
    private readonly List<Fault> faults = new();

    public void Add(Fault fault)
    {
        lock (sync)
        {
            faults.Add(fault);
        }
    }

    public void Clear()
    {
        lock (sync)
        {
            faults.Clear();
        }
    }

    public JsonArray Describe()
    {
        lock (sync)
        {
            var array = new JsonArray();
            foreach (var f in faults)
            {
                array.Add(f.Describe());
            }

            return array;
        }
    }

    /// <summary>Takes one use of the first request fault (status, latency, dropped connection before or after processing) matching the request.</summary>
    public Fault? TakeRequestFault(string method, string path) =>
        Take(f => f.OperationErrorCode is null, method, path);

    /// <summary>Takes one use of the first operation fault matching a create/update request.</summary>
    public Fault? TakeOperationFault(string method, string path) =>
        Take(f => f.OperationErrorCode is not null, method, path);

    private Fault? Take(Func<Fault, bool> kind, string method, string path)
    {
        lock (sync)
        {
            foreach (var f in faults)
            {
                if (kind(f) && f.Remaining > 0 && (f.Method is null || string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase))
                    && f.PathPattern.IsMatch(path))
                {
                    f.Remaining--;
                    if (f.Remaining == 0)
                    {
                        faults.Remove(f);
                    }

                    return f;
                }
            }

            return null;
        }
    }
}
