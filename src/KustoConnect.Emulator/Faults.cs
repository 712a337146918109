using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KustoConnect.Emulator;

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

    /// <summary>Adds the fault unless <paramref name="limit"/> faults are already active.</summary>
    public bool TryAdd(Fault fault, int limit)
    {
        lock (sync)
        {
            if (faults.Count >= limit)
            {
                return false;
            }

            faults.Add(fault);
            return true;
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
            foreach (var f in faults.ToArray())
            {
                if (kind(f) && f.Remaining > 0 && (f.Method is null || string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase))
                    && Matches(f, path))
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

    /// <summary>
    /// A pattern that takes longer than its match timeout (catastrophic backtracking) matches nothing, and the fault is
    /// dropped so that it cannot slow every later request: an injected fault never turns into a 500.
    /// </summary>
    private bool Matches(Fault fault, string path)
    {
        try
        {
            return fault.PathPattern.IsMatch(path);
        }
        catch (RegexMatchTimeoutException)
        {
            faults.Remove(fault);
            return false;
        }
    }
}
