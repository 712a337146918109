using System;

namespace KustoConnect.Emulator;

/// <summary>Settings that the admin API can change while the emulator runs.</summary>
internal sealed class EmulatorSettings
{
    private long operationDurationTicks;
    private long tokenLifetimeTicks = TimeSpan.FromHours(1).Ticks;
    private long deviceCodeLifetimeTicks = TimeSpan.FromMinutes(15).Ticks;
    private bool autoApproveDeviceCodes;
    private long operationRetentionTicks = TimeSpan.FromHours(1).Ticks;

    /// <summary>
    /// How long a finished operation can still be polled before it is purged (ARM keeps operation results for a while
    /// after they end; one hour here). Zero purges finished operations at the next purge.
    /// </summary>
    public TimeSpan OperationRetention
    {
        get => TimeSpan.FromTicks(System.Threading.Interlocked.Read(ref operationRetentionTicks));
        set => System.Threading.Interlocked.Exchange(ref operationRetentionTicks, value.Ticks);
    }

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
