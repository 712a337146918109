using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace KustoConnect.Emulator;

/// <summary>
/// dotnet KustoConnect.Emulator.dll [--port 0] [--data-dir &lt;dir&gt;] [--world &lt;file.json&gt;] [--operation-duration &lt;seconds&gt;] [--owner-pid &lt;pid&gt;] [--remove-data-dir-on-exit]
/// Prints one line "KUSTOCONNECT_EMULATOR_READY {json}" to stdout when listening; runs until SIGTERM, SIGINT, SIGHUP,
/// SIGQUIT or, with --owner-pid, until that process ends. Without --data-dir it uses a temporary folder that it removes
/// when it ends (except on SIGKILL of the emulator itself, when nothing can run); --remove-data-dir-on-exit makes the
/// --data-dir folder such a temporary one.
/// </summary>
internal static class Program
{
    internal const string ReadyMarker = "KUSTOCONNECT_EMULATOR_READY";

    /// <summary>
    /// The connection file written to the data directory when the emulator is ready and removed when it stops gracefully:
    /// the ready line's JSON. It never holds a secret: clientId names the principal to sign in as, and its secret is asked
    /// of the running emulator (GET /_emulator/connection, loopback only) by whoever connects.
    /// </summary>
    internal const string ConnectionFileName = "emulator.json";

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    private const string Usage =
        "Usage: dotnet KustoConnect.Emulator.dll [--port <0-65535>] [--data-dir <dir>] [--world <file.json>] [--operation-duration <seconds>] [--owner-pid <pid>] [--remove-data-dir-on-exit]";

    private static async Task<int> Main(string[] args)
    {
        EmulatorOptions options;
        try
        {
            options = Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        if (options is null)
        {
            await Console.Out.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
        }

        // However the emulator is asked to end (SIGTERM, SIGINT, SIGHUP when its terminal goes, SIGQUIT, its owner
        // ending), it stops the same way: the host is disposed, which removes a temporary data folder.
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; stop.TrySetResult(); });
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => { c.Cancel = true; stop.TrySetResult(); });

        using var watching = new CancellationTokenSource();
        if (options.OwnerProcessId is { } ownerId)
        {
            var owner = OwnerWatch.Create(ownerId);
            if (owner is null)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"The owner process {ownerId} (--owner-pid) is not running.")).ConfigureAwait(false);
                return 1;
            }

            _ = WatchOwnerAsync(owner, stop, watching.Token);
        }

        EmulatorHost host;
        try
        {
            host = await EmulatorHost.StartAsync(options, ConfigureLogging, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            await Console.Error.WriteLineAsync("The emulator could not start: " + ex.Message).ConfigureAwait(false);
            return 1;
        }

        await using (host.ConfigureAwait(false))
        {
            var ready = ConnectionInfo(host);
            var connectionFile = Path.Combine(host.DataDirectory, ConnectionFileName);
            try
            {
                WriteConnectionFile(connectionFile, ready);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync("The emulator could not write its connection file: " + ex.Message).ConfigureAwait(false);
                return 1;
            }

            await Console.Out.WriteLineAsync(ReadyMarker + " " + ready.ToJsonString()).ConfigureAwait(false);
            await Console.Out.FlushAsync().ConfigureAwait(false);
            await stop.Task.ConfigureAwait(false);
            await Console.Error.WriteLineAsync("KustoConnect emulator stopping.").ConfigureAwait(false);
            DeleteConnectionFile(connectionFile);
        }

        return 0;
    }

    private static async Task WatchOwnerAsync(OwnerWatch owner, TaskCompletionSource stop, CancellationToken cancellationToken)
    {
        try
        {
            await owner.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"The owner process {owner.ProcessId} has ended.")).ConfigureAwait(false);
            stop.TrySetResult();
        }
        catch (OperationCanceledException)
        {
            // The emulator is stopping anyway.
        }
    }

    /// <summary>What a client needs to connect: the ready line's JSON and the content of the connection file. No secret.</summary>
    internal static JsonObject ConnectionInfo(EmulatorHost host) => new()
    {
        ["url"] = host.BaseUri.ToString(),
        ["certificatePath"] = host.CertificatePath,
        ["thumbprint"] = host.Certificate.Thumbprint,
        ["dataDirectory"] = host.DataDirectory,
        ["tenantId"] = host.TenantId,
        ["subscriptionId"] = host.SubscriptionId,
        ["clientId"] = host.ClientId,
        ["worldFile"] = host.WorldFile,
        ["processId"] = Environment.ProcessId,
    };

    /// <summary>Writes the file atomically (temporary file, then rename) so that a reader never sees half of it.</summary>
    private static void WriteConnectionFile(string path, JsonObject content)
    {
        var temporary = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        File.WriteAllText(temporary, content.ToJsonString(Indented) + "\n");
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Removes the connection file if it is still this process's (another emulator may have taken the folder over).</summary>
    private static void DeleteConnectionFile(string path)
    {
        try
        {
            if (File.Exists(path) && JsonNode.Parse(File.ReadAllText(path))?["processId"]?.GetValue<int>() == Environment.ProcessId)
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            // Best effort: a stale file names a process that is gone, which readers check.
        }
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>Parses the command line; null means help was asked for.</summary>
    internal static EmulatorOptions Parse(string[] args)
    {
        var options = new EmulatorOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help" or "-?")
            {
                return null!;
            }

            if (name.Equals("--remove-data-dir-on-exit", StringComparison.OrdinalIgnoreCase))
            {
                options.RemoveDataDirectoryOnExit = true;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"Missing value after '{name}'.");
            }

            var value = args[++i];
            switch (name.ToLowerInvariant())
            {
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        throw new ArgumentException($"Invalid port '{value}'.");
                    }

                    options.Port = port;
                    break;
                case "--data-dir":
                    options.DataDirectory = value;
                    break;
                case "--world":
                    options.WorldFile = value;
                    break;
                case "--owner-pid":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var owner) || owner <= 0)
                    {
                        throw new ArgumentException($"Invalid owner process id '{value}'.");
                    }

                    options.OwnerProcessId = owner;
                    break;
                case "--operation-duration":
                    if (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
                    {
                        throw new ArgumentException($"Invalid operation duration '{value}': give seconds, for example 0.5.");
                    }

                    options.OperationDuration = TimeSpan.FromSeconds((double)seconds);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        return options;
    }
}
