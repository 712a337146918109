using System;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace KustoConnect.Emulator;

/// <summary>The reserved /_emulator/ API: reset, request log, settings, fault injection. No token; loopback only.</summary>
internal sealed class AdminApi
{
    /// <summary>The largest number of seconds any admin setting takes: one week.</summary>
    internal const double MaxSeconds = 7 * 24 * 3600;

    /// <summary>The longest injected latency: ten minutes.</summary>
    internal const double MaxLatencyMilliseconds = 600_000;

    /// <summary>The most uses one fault may have.</summary>
    internal const int MaxFaultCount = 1_000_000;

    /// <summary>The most faults active at once.</summary>
    internal const int MaxActiveFaults = 1000;

    /// <summary>The longest fault path pattern.</summary>
    internal const int MaxPatternLength = 1000;

    private readonly StateStore store;
    private readonly EmulatorSettings settings;
    private readonly FaultInjector faults;
    private readonly RequestLog log;
    private readonly DeviceCodeStore deviceCodes;

    public AdminApi(StateStore store, EmulatorSettings settings, FaultInjector faults, RequestLog log, DeviceCodeStore deviceCodes)
    {
        this.store = store;
        this.settings = settings;
        this.faults = faults;
        this.log = log;
        this.deviceCodes = deviceCodes;
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
        if (s.Length == 3 && World.Same(s[1], "devicecode") && World.Same(s[2], "approve") && method == "POST")
        {
            await ApproveDeviceCodeAsync(ctx).ConfigureAwait(false);
            return;
        }

        var what = s.Length == 2 ? s[1].ToLowerInvariant() : "";
        switch (what, method)
        {
            case ("reset", "POST"):
                using (await store.EnterAsync(ctx.RequestAborted).ConfigureAwait(false))
                {
                    store.Reset();
                }

                faults.Clear();
                deviceCodes.Clear();
                log.Clear();
                await Http.Empty(ctx, 204).ConfigureAwait(false);
                return;
            case ("devicelogin", "GET"):
                await DeviceLoginPageAsync(ctx).ConfigureAwait(false);
                return;
            case ("requests", "GET"):
                await Http.Json(ctx, 200, Http.List(log.Snapshot().Select(e => (JsonNode)new JsonObject
                {
                    ["method"] = e.Method, ["path"] = e.Path, ["status"] = e.StatusCode,
                    ["sequence"] = e.Sequence, ["outcome"] = e.Outcome, ["processedStatus"] = e.ProcessedStatusCode,
                    ["contentType"] = e.ContentType, ["requestBody"] = e.RequestBody,
                }))).ConfigureAwait(false);
                return;
            case ("requests", "DELETE"):
                log.Clear();
                await Http.Empty(ctx, 204).ConfigureAwait(false);
                return;
            case ("connection", "GET"):
                await ConnectionAsync(ctx).ConfigureAwait(false);
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

    /// <summary>
    /// GET /_emulator/connection: whom a client signs in as (the world's default service principal, its client id and
    /// secret) and where (tenant, subscription, URL). Clients ask for this instead of reading the world file. Like the rest
    /// of the admin API it answers loopback clients only; it is never written to a file, a log or the ready line.
    /// </summary>
    private async Task ConnectionAsync(HttpContext ctx)
    {
        JsonObject body;
        using (await store.EnterAsync(ctx.RequestAborted).ConfigureAwait(false))
        {
            var principal = EmulatorHost.DefaultSignInPrincipal(store.World);
            body = new JsonObject
            {
                ["url"] = Http.BaseUrl(ctx) + "/",
                ["tenantId"] = store.World.Tenants.FirstOrDefault()?.Id ?? "",
                ["subscriptionId"] = store.World.Subscriptions.FirstOrDefault()?.Id ?? "",
                ["clientId"] = principal?.ClientId,
                ["clientSecret"] = principal?.ClientSecret,
            };
        }

        ctx.Response.Headers.CacheControl = "no-store";
        await Http.Json(ctx, 200, body).ConfigureAwait(false);
    }

    private JsonObject SettingsJson() => new()
    {
        ["operationDurationSeconds"] = settings.OperationDuration.TotalSeconds,
        ["tokenLifetimeSeconds"] = settings.TokenLifetime.TotalSeconds,
        ["autoApproveDeviceCodes"] = settings.AutoApproveDeviceCodes,
        ["deviceCodeLifetimeSeconds"] = settings.DeviceCodeLifetime.TotalSeconds,
        ["operationRetentionSeconds"] = settings.OperationRetention.TotalSeconds,
    };

    private async Task UpdateSettingsAsync(HttpContext ctx)
    {
        var (body, error) = await Http.ReadObjectAsync(ctx).ConfigureAwait(false);
        if (body is null)
        {
            await Http.Error(ctx, 400, "InvalidRequestContent", error!).ConfigureAwait(false);
            return;
        }

        double? duration = null, lifetime = null, deviceCodeLifetime = null;
        bool? autoApprove = null;
        try
        {
            duration = body.Prop("operationDurationSeconds")?.GetValue<double>();
            lifetime = body.Prop("tokenLifetimeSeconds")?.GetValue<double>();
            deviceCodeLifetime = body.Prop("deviceCodeLifetimeSeconds")?.GetValue<double>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            await Http.Error(ctx, 400, "InvalidPayload", "operationDurationSeconds, tokenLifetimeSeconds and deviceCodeLifetimeSeconds must be numbers.").ConfigureAwait(false);
            return;
        }

        try
        {
            autoApprove = body.Prop("autoApproveDeviceCodes")?.GetValue<bool>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            await Http.Error(ctx, 400, "InvalidPayload", "autoApproveDeviceCodes must be true or false.").ConfigureAwait(false);
            return;
        }

        if (duration is < 0 or > MaxSeconds || double.IsNaN(duration ?? 0) || lifetime is <= 0 or > MaxSeconds || double.IsNaN(lifetime ?? 1)
            || deviceCodeLifetime is < 0 or > MaxSeconds || double.IsNaN(deviceCodeLifetime ?? 0))
        {
            await Http.Error(ctx, 400, "InvalidPayload", string.Create(CultureInfo.InvariantCulture,
                $"operationDurationSeconds and deviceCodeLifetimeSeconds must be between 0 and {MaxSeconds}, tokenLifetimeSeconds above 0 and at most {MaxSeconds}.")).ConfigureAwait(false);
            return;
        }

        double? retention = null;
        try
        {
            retention = body.Prop("operationRetentionSeconds")?.GetValue<double>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            await Http.Error(ctx, 400, "InvalidPayload", "operationRetentionSeconds must be a number.").ConfigureAwait(false);
            return;
        }

        if (retention is < 0 or > MaxSeconds || double.IsNaN(retention ?? 0))
        {
            await Http.Error(ctx, 400, "InvalidPayload", string.Create(CultureInfo.InvariantCulture,
                $"operationRetentionSeconds must be between 0 and {MaxSeconds}.")).ConfigureAwait(false);
            return;
        }

        if (retention is { } keep)
        {
            settings.OperationRetention = TimeSpan.FromSeconds(keep);
        }

        if (autoApprove is { } approve)
        {
            settings.AutoApproveDeviceCodes = approve;
        }

        if (deviceCodeLifetime is { } codeLifetime)
        {
            settings.DeviceCodeLifetime = TimeSpan.FromSeconds(codeLifetime);
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
    /// Body: {"userCode":"...","user":"kustoadmin@contoso.example"}: the person signs in "on another device" and enters
    /// the code, so that the client polling the token endpoint gets its tokens.
    /// </summary>
    private async Task ApproveDeviceCodeAsync(HttpContext ctx)
    {
        var (body, error) = await Http.ReadObjectAsync(ctx).ConfigureAwait(false);
        if (body is null)
        {
            await Http.Error(ctx, 400, "InvalidRequestContent", error!).ConfigureAwait(false);
            return;
        }

        var userCode = body.Str("userCode");
        var userName = body.Str("user");
        if (string.IsNullOrWhiteSpace(userCode) || string.IsNullOrWhiteSpace(userName))
        {
            await Http.Error(ctx, 400, "InvalidPayload", "Give the code the client showed as userCode and the user principal name as user.").ConfigureAwait(false);
            return;
        }

        WorldUser user;
        WorldTenant tenant;
        using (await store.EnterAsync(ctx.RequestAborted).ConfigureAwait(false))
        {
            var found = store.World.FindUser(userName);
            var home = found is null ? null : store.World.FindTenant(found.TenantId);
            if (found is null || home is null)
            {
                await Http.Error(ctx, 404, "UserNotFound", $"The user '{userName}' does not exist in the emulator's world.").ConfigureAwait(false);
                return;
            }

            user = found;
            tenant = home;
        }

        switch (deviceCodes.Approve(userCode, user, tenant, DateTime.UtcNow))
        {
            case ApprovalResult.Approved:
                await Http.Json(ctx, 200, new JsonObject { ["userCode"] = userCode, ["user"] = user.UserPrincipalName }).ConfigureAwait(false);
                return;
            case ApprovalResult.UnknownCode:
                await Http.Error(ctx, 404, "DeviceCodeNotFound", $"No sign-in is waiting for the code '{userCode}'.").ConfigureAwait(false);
                return;
            case ApprovalResult.Expired:
                await Http.Error(ctx, 400, "DeviceCodeExpired", $"The code '{userCode}' has expired: the client must start a new sign-in.").ConfigureAwait(false);
                return;
            case ApprovalResult.AlreadyApproved:
                await Http.Error(ctx, 409, "DeviceCodeAlreadyApproved", $"The code '{userCode}' was already approved.").ConfigureAwait(false);
                return;
            default:
                await Http.Error(ctx, 403, "UserNotInTenant", $"The user '{user.UserPrincipalName}' does not belong to the tenant the code '{userCode}' was requested for.").ConfigureAwait(false);
                return;
        }
    }

    /// <summary>The page a device-code message points to: how to approve a code on the emulator.</summary>
    private static async Task DeviceLoginPageAsync(HttpContext ctx)
    {
        var b = Http.BaseUrl(ctx);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        await ctx.Response.WriteAsync(
            "KustoConnect emulator: device sign-in.\n\n"
            + "Approve the code your client shows, as a user of the emulator's world:\n"
            + $"  POST {b}/_emulator/devicecode/approve  {{\"userCode\":\"<code>\",\"user\":\"{DefaultWorld.UserPrincipalName}\"}}\n\n"
            + "Or approve every code for the tenant's first user:\n"
            + $"  POST {b}/_emulator/settings  {{\"autoApproveDeviceCodes\":true}}\n",
            ctx.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Body: {"method":"GET","pathPattern":"regex","count":1,"statusCode":429,"retryAfterSeconds":1,"errorCode":"...","errorMessage":"...",
    /// "latencyMilliseconds":0}, {"pathPattern":"...","dropConnection":true} to abort matching requests' connections without a response,
    /// {"method":"PUT","pathPattern":"...","dropConnectionAfterProcessing":true} to serve matching requests in full (state
    /// changed, operation started) and then abort the connection instead of sending the response, or, to make the next create/update operations fail, {"pathPattern":"...","operationErrorCode":"...","operationErrorMessage":"..."}.
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
            var drop = body.Prop("dropConnection")?.GetValue<bool>() ?? false;
            var dropAfter = body.Prop("dropConnectionAfterProcessing")?.GetValue<bool>() ?? false;
            if (status is null && latency <= 0 && operationCode is null && !drop && !dropAfter)
            {
                await Http.Error(ctx, 400, "InvalidPayload", "A fault needs a statusCode, a latencyMilliseconds, dropConnection, dropConnectionAfterProcessing or an operationErrorCode.").ConfigureAwait(false);
                return;
            }

            if (dropAfter && (drop || status is not null || operationCode is not null))
            {
                await Http.Error(ctx, 400, "InvalidPayload", "dropConnectionAfterProcessing lets the request be served and then drops its response, so it cannot be combined with dropConnection, statusCode or operationErrorCode.").ConfigureAwait(false);
                return;
            }

            if (drop && (status is not null || operationCode is not null))
            {
                await Http.Error(ctx, 400, "InvalidPayload", "dropConnection sends no response, so it cannot be combined with statusCode or operationErrorCode.").ConfigureAwait(false);
                return;
            }

            if (status is < 100 or > 599)
            {
                await Http.Error(ctx, 400, "InvalidPayload", "statusCode must be an HTTP status code.").ConfigureAwait(false);
                return;
            }

            if (latency is < 0 or > MaxLatencyMilliseconds || double.IsNaN(latency))
            {
                await Http.Error(ctx, 400, "InvalidPayload", string.Create(CultureInfo.InvariantCulture, $"latencyMilliseconds must be between 0 and {MaxLatencyMilliseconds}.")).ConfigureAwait(false);
                return;
            }

            var pattern = body.Str("pathPattern") ?? ".*";
            if (pattern.Length > MaxPatternLength)
            {
                await Http.Error(ctx, 400, "InvalidPayload", string.Create(CultureInfo.InvariantCulture, $"pathPattern must be at most {MaxPatternLength} characters.")).ConfigureAwait(false);
                return;
            }

            if (body.Prop("retryAfterSeconds")?.GetValue<int>() is < 0 or > (int)MaxSeconds)
            {
                await Http.Error(ctx, 400, "InvalidPayload", string.Create(CultureInfo.InvariantCulture, $"retryAfterSeconds must be between 0 and {(int)MaxSeconds}.")).ConfigureAwait(false);
                return;
            }

            if (body.Prop("count")?.GetValue<int>() is < 1 or > MaxFaultCount)
            {
                await Http.Error(ctx, 400, "InvalidPayload", string.Create(CultureInfo.InvariantCulture, $"count must be between 1 and {MaxFaultCount}.")).ConfigureAwait(false);
                return;
            }

            fault = new Fault
            {
                Method = body.Str("method"),
                PathPattern = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)),
                Remaining = body.Prop("count")?.GetValue<int>() ?? 1,
                StatusCode = status,
                RetryAfterSeconds = body.Prop("retryAfterSeconds")?.GetValue<int>(),
                ErrorCode = body.Str("errorCode"),
                ErrorMessage = body.Str("errorMessage"),
                Latency = TimeSpan.FromMilliseconds(latency),
                DropConnection = drop,
                DropConnectionAfterProcessing = dropAfter,
                OperationErrorCode = operationCode,
                OperationErrorMessage = body.Str("operationErrorMessage"),
            };
        }
        catch (RegexParseException ex)
        {
            await Http.Error(ctx, 400, "InvalidPayload", $"pathPattern is not a valid regular expression: {ex.Error} at offset {ex.Offset}.").ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            await Http.Error(ctx, 400, "InvalidPayload", "The fault is invalid: method, pathPattern, errorCode and errorMessage must be strings, statusCode, retryAfterSeconds and count whole numbers, latencyMilliseconds a number, dropConnection and dropConnectionAfterProcessing true or false.").ConfigureAwait(false);
            return;
        }

        if (!faults.TryAdd(fault, MaxActiveFaults))
        {
            await Http.Error(ctx, 400, "InvalidPayload", string.Create(CultureInfo.InvariantCulture, $"At most {MaxActiveFaults} faults can be active; clear some first (DELETE /_emulator/faults).")).ConfigureAwait(false);
            return;
        }

        await Http.Json(ctx, 201, fault.Describe()).ConfigureAwait(false);
    }
}
