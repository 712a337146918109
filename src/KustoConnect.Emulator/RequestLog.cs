using System.Collections.Generic;

namespace KustoConnect.Emulator;

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
