using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json.Nodes;

namespace KustoConnect.Emulator;

/// <summary>
/// One emulator per data folder: an exclusive lock on emulator.lock in the folder, held for the emulator's life and
/// released by the operating system however the process ends (SIGKILL included), so a stale file never blocks a restart.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "emulator.lock";

    private readonly FileStream stream;
    private readonly string path;

    private DataDirectoryLock(FileStream stream, string path)
    {
        this.stream = stream;
        this.path = path;
    }

    /// <summary>Takes the folder's lock, or throws <see cref="DataDirectoryInUseException"/> naming the emulator that holds it.</summary>
    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        FileStream stream;
        try
        {
            // FileShare.None is an exclusive lock (flock on Linux and macOS, a share mode on Windows).
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new DataDirectoryInUseException(dataDirectory, Holder(dataDirectory), ex);
        }

        try
        {
            FilePermissions.RestrictFile(path);
            stream.SetLength(0);
            stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
            stream.Flush();
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return new DataDirectoryLock(stream, path);
    }

    public void Dispose()
    {
        try
        {
            // Removed while still held, so that no other emulator's fresh lock file is ever deleted.
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the lock itself goes with the handle.
        }

        stream.Dispose();
    }

    /// <summary>The process id in the folder's connection file, if it can be read (the lock file itself cannot while held).</summary>
    private static int? Holder(string dataDirectory)
    {
        try
        {
            var file = Path.Combine(dataDirectory, Program.ConnectionFileName);
            return File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file))?["processId"]?.GetValue<int>() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>Another emulator runs on the data folder.</summary>
public sealed class DataDirectoryInUseException : IOException
{
    /// <summary>Creates the exception for a folder and, when known, the process that holds it.</summary>
    public DataDirectoryInUseException(string dataDirectory, int? processId, Exception? inner = null)
        : base(
            $"The data folder '{dataDirectory}' is in use by another emulator"
            + (processId is { } pid ? string.Create(CultureInfo.InvariantCulture, $" (process {pid})") : "")
            + ". Only one emulator can run on a data folder: stop that one first (Stop-KustoEmulator, or end its process), or give another data folder.",
            inner)
    {
        DataDirectory = dataDirectory;
        ProcessId = processId;
    }

    /// <summary>The folder that is in use.</summary>
    public string DataDirectory { get; }

    /// <summary>The process of the emulator using it, when its connection file names it.</summary>
    public int? ProcessId { get; }
}
