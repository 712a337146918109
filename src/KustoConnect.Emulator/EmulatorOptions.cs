using System;

namespace KustoConnect.Emulator;

/// <summary>How to start an <see cref="EmulatorHost"/>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The loopback port to listen on; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Folder for the state (snapshot and journal) and the certificate; null creates a temporary folder that is deleted on dispose.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>When set, <see cref="DataDirectory"/> is removed when the emulator stops, as a temporary folder is.</summary>
    public bool RemoveDataDirectoryOnExit { get; set; }

    /// <summary>A world file to seed an empty database with; null uses the shipped default world.</summary>
    public string? WorldFile { get; set; }

    /// <summary>
    /// When set (the command line's --owner-pid), the emulator process ends when this process ends. Only the command-line
    /// emulator watches it; <see cref="EmulatorHost"/> itself ignores it.
    /// </summary>
    public int? OwnerProcessId { get; set; }

    /// <summary>How long a long-running operation (create, update, delete, validation) stays Running.</summary>
    public TimeSpan OperationDuration { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// One request served by the emulator: method, path with query, status code (0 when no response was sent: an injected
/// fault dropped the connection, or the client went away first). Never headers or tokens; bodies only with secrets redacted.
/// </summary>
public sealed record RequestLogEntry(string Method, string Path, int StatusCode)
{
    /// <summary>The order of arrival: strictly increasing over the emulator's life (also across a reset of the log).</summary>
    public long Sequence { get; init; }

    /// <summary>
    /// How the request ended: Completed (answered), Dropped (an injected fault reset the connection before processing),
    /// DroppedAfterProcessing (processed in full, then the connection was reset instead of answering), Abandoned (the
    /// client went away before the answer).
    /// </summary>
    public string Outcome { get; init; } = RequestOutcomes.Completed;

    /// <summary>For DroppedAfterProcessing: the status the emulator would have answered with.</summary>
    public int? ProcessedStatusCode { get; init; }

    /// <summary>The request's Content-Type, if it had one.</summary>
    public string? ContentType { get; init; }

    /// <summary>The request body with every secret redacted, cut to 16 KiB characters; null when there was none.</summary>
    public string? RequestBody { get; init; }

    /// <summary>Two entries are equal when method, path and status are: the other fields describe, they do not identify.</summary>
    public bool Equals(RequestLogEntry? other) =>
        other is not null && Method == other.Method && Path == other.Path && StatusCode == other.StatusCode;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Method, Path, StatusCode);
}

/// <summary>The values of <see cref="RequestLogEntry.Outcome"/>.</summary>
public static class RequestOutcomes
{
    /// <summary>Answered.</summary>
    public const string Completed = "Completed";

    /// <summary>An injected fault reset the connection before the request was processed.</summary>
    public const string Dropped = "Dropped";

    /// <summary>Processed in full, then an injected fault reset the connection instead of the answer.</summary>
    public const string DroppedAfterProcessing = "DroppedAfterProcessing";

    /// <summary>The client went away before the answer was sent.</summary>
    public const string Abandoned = "Abandoned";
}
