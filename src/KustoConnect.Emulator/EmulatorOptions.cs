using System;

namespace KustoConnect.Emulator;

/// <summary>How to start an <see cref="EmulatorHost"/>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The loopback port to listen on; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Folder for the SQLite database and the certificate; null creates a temporary folder that is deleted on dispose.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>A world file to seed an empty database with; null uses the shipped default world.</summary>
    public string? WorldFile { get; set; }

    /// <summary>How long a long-running operation (create, update, delete, validation) stays Running.</summary>
    public TimeSpan OperationDuration { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// One request served by the emulator: method, path with query, status code (0 when an injected fault dropped the connection
/// without a response). Never tokens or bodies.
/// </summary>
public sealed record RequestLogEntry(string Method, string Path, int StatusCode);
