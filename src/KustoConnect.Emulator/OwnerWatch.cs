using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Emulator;

/// <summary>
/// Ties the emulator to the process that started it (--owner-pid): when that process ends, however it ends (SIGKILL
/// included, which gives it no chance to stop the emulator), the emulator stops within <see cref="Interval"/> and
/// cleans up as on SIGTERM. The owner is recognised by its id and its start time, so a recycled process id does not
/// keep the emulator alive.
/// </summary>
internal sealed class OwnerWatch
{
    /// <summary>How often the owner is checked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly int processId;
    private readonly string? startMark;

    private OwnerWatch(int processId, string? startMark)
    {
        this.processId = processId;
        this.startMark = startMark;
    }

    /// <summary>Starts watching; null when the process does not exist (then the emulator must not start).</summary>
    public static OwnerWatch? Create(int processId)
    {
        var mark = StartMark(processId);
        return mark is null ? null : new OwnerWatch(processId, mark);
    }

    public int ProcessId => processId;

    /// <summary>Completes when the owner has ended (or <paramref name="cancellationToken"/> is cancelled).</summary>
    public async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!IsAlive())
            {
                return;
            }
        }
    }

    public bool IsAlive() => StartMark(processId) is { } mark && mark == startMark;

    /// <summary>
    /// Something that identifies this incarnation of the process id: on Linux the start time in /proc/{pid}/stat (null
    /// for a zombie: it has ended, only its parent has not reaped it yet); elsewhere the process's start time.
    /// </summary>
    private static string? StartMark(int processId)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");

                // "pid (comm) state ppid ... starttime(22nd)": comm may hold spaces and parentheses, so split after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return fields[0] is "Z" or "X" ? null : fields[19];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                return null;
            }
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited ? null : process.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
