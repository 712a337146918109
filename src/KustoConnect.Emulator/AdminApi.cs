using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace KustoConnect.Emulator;

/// <summary>The reserved /_emulator/ API: reset, request log, settings, fault injection. No token; loopback only.</summary>
internal sealed class AdminApi
{
    private readonly StateStore store;
    private readonly EmulatorSettings settings;
    private readonly FaultInjector faults;
    private readonly RequestLog log;

    public AdminApi(StateStore store, EmulatorSettings settings, FaultInjector faults, RequestLog log)
    {
        this.store = store;
        this.settings = settings;
        this.faults = faults;
        this.log = log;
    }

    public async Task HandleAsync(HttpContext ctx, string[] s)
    {
        var remote = ctx.Connection.RemoteIpAddress;
        if (remote is not null && !System.Net.IPAddress.IsLoopback(remote))
        {
            await Http.Error(ctx, 403, "Forbidden", "The emulator admin API only answers loopback clients.").ConfigureAwait(false);
            return;
        }

        var method = ctx.Request.Method.ToUpperInvariant();
        var what = s.Length == 2 ? s[1].ToLowerInvariant() : "";
        switch (what, method)
        {
            case ("reset", "POST"):
                using (await store.EnterAsync(ctx.RequestAborted).ConfigureAwait(false))
                {
                    store.Reset();
                }

                faults.Clear();
                await Http.Empty(ctx, 204).ConfigureAwait(false);
                return;
            case ("requests", "GET"):
                await Http.Json(ctx, 200, Http.List(log.Snapshot().Select(e => (JsonNode)new JsonObject
                {
                    ["method"] = e.Method, ["path"] = e.Path, ["status"] = e.StatusCode,
                }))).ConfigureAwait(false);
                return;
            case ("requests", "DELETE"):
                log.Clear();
                await Http.Empty(ctx, 204).ConfigureAwait(false);
                return;
            case ("settings", "GET"):
                await Http.Json(ctx, 200, SettingsJson()).ConfigureAwait(false);
                return;
            case ("settings", "POST"):
                await UpdateSettingsAsync(ctx).ConfigureAwait(false);
                return;
            case ("faults", "GET"):
                await Http.Json(ctx, 200, new JsonObject { ["value"] = faults.Describe() }).ConfigureAwait(false);
                return;
            case ("faults", "POST"):
                await AddFaultAsync(ctx).ConfigureAwait(false);
                return;
            case ("faults", "DELETE"):
                faults.Clear();
                await Http.Empty(ctx, 204).ConfigureAwait(false);
                return;
            default:
                await Http.Error(ctx, 404, "NotFound", $"'{method} {ctx.Request.Path}' is not part of the emulator admin API.").ConfigureAwait(false);
                return;
        }
    }

    private JsonObject SettingsJson() => new()
    {
        ["operationDurationSeconds"] = settings.OperationDuration.TotalSeconds,
        ["tokenLifetimeSeconds"] = settings.TokenLifetime.TotalSeconds,
    };

    private async Task UpdateSettingsAsync(HttpContext ctx)
    {
        var (body, error) = await Http.ReadObjectAsync(ctx).ConfigureAwait(false);
        if (body is null)
        {
            await Http.Error(ctx, 400, "InvalidRequestContent", error!).ConfigureAwait(false);
            return;
        }

        double? duration = null, lifetime = null;
        try
        {
            duration = body.Prop("operationDurationSeconds")?.GetValue<double>();
            lifetime = body.Prop("tokenLifetimeSeconds")?.GetValue<double>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            await Http.Error(ctx, 400, "InvalidPayload", "operationDurationSeconds and tokenLifetimeSeconds must be numbers.").ConfigureAwait(false);
            return;
        }

        if (duration is < 0 || lifetime is <= 0)
        {
            await Http.Error(ctx, 400, "InvalidPayload", "operationDurationSeconds must be >= 0 and tokenLifetimeSeconds > 0.").ConfigureAwait(false);
            return;
        }

        if (duration is { } d)
        {
            settings.OperationDuration = TimeSpan.FromSeconds(d);
        }

        if (lifetime is { } l)
        {
            settings.TokenLifetime = TimeSpan.FromSeconds(l);
        }

        await Http.Json(ctx, 200, SettingsJson()).ConfigureAwait(false);
    }

    /// <summary>
    /// Body: {"method":"GET","pathPattern":"regex","count":1,"statusCode":429,"retryAfterSeconds":1,"errorCode":"...","errorMessage":"...",
    /// "latencyMilliseconds":0} or, to make the next create/update operations fail, {"pathPattern":"...","operationErrorCode":"...","operationErrorMessage":"..."}.
    /// </summary>
    private async Task AddFaultAsync(HttpContext ctx)
    {
        var (body, error) = await Http.ReadObjectAsync(ctx).ConfigureAwait(false);
        if (body is null)
        {
            await Http.Error(ctx, 400, "InvalidRequestContent", error!).ConfigureAwait(false);
            return;
        }

        Fault fault;
        try
        {
            var status = body.Prop("statusCode")?.GetValue<int>();
            var latency = body.Prop("latencyMilliseconds")?.GetValue<double>() ?? 0;
            var operationCode = body.Str("operationErrorCode");
            if (status is null && latency <= 0 && operationCode is null)
            {
                await Http.Error(ctx, 400, "InvalidPayload", "A fault needs a statusCode, a latencyMilliseconds or an operationErrorCode.").ConfigureAwait(false);
                return;
            }

            if (status is < 100 or > 599)
            {
                await Http.Error(ctx, 400, "InvalidPayload", "statusCode must be an HTTP status code.").ConfigureAwait(false);
                return;
            }

            fault = new Fault
            {
                Method = body.Str("method"),
                PathPattern = new Regex(body.Str("pathPattern") ?? ".*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)),
                Remaining = body.Prop("count")?.GetValue<int>() ?? 1,
                StatusCode = status,
                RetryAfterSeconds = body.Prop("retryAfterSeconds")?.GetValue<int>(),
                ErrorCode = body.Str("errorCode"),
                ErrorMessage = body.Str("errorMessage"),
                Latency = TimeSpan.FromMilliseconds(latency),
                OperationErrorCode = operationCode,
                OperationErrorMessage = body.Str("operationErrorMessage"),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            await Http.Error(ctx, 400, "InvalidPayload", $"The fault is invalid: {ex.Message}").ConfigureAwait(false);
            return;
        }

        if (fault.Remaining < 1)
        {
            await Http.Error(ctx, 400, "InvalidPayload", "count must be at least 1.").ConfigureAwait(false);
            return;
        }

        faults.Add(fault);
        await Http.Json(ctx, 201, fault.Describe()).ConfigureAwait(false);
    }
}
