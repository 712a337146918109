using System;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace KustoConnect.Emulator;

/// <summary>
/// The managed-identity endpoint of App Service and Azure Automation (IDENTITY_ENDPOINT + IDENTITY_HEADER):
/// GET /msi/token?resource=...&amp;api-version=2019-08-01[&amp;client_id=...] with header X-IDENTITY-HEADER.
/// Without client_id the system-assigned identity of the world answers; with it, that user-assigned identity.
/// </summary>
internal sealed class ManagedIdentityApi
{
    public const string ApiVersion = "2019-08-01";

    private readonly StateStore store;
    private readonly TokenService tokens;
    private readonly EmulatorSettings settings;

    public ManagedIdentityApi(StateStore store, TokenService tokens, EmulatorSettings settings)
    {
        this.store = store;
        this.tokens = tokens;
        this.settings = settings;
    }

    public static bool Handles(string[] segments) =>
        segments.Length == 2 && World.Same(segments[0], "msi") && World.Same(segments[1], "token");

    public async Task HandleAsync(HttpContext ctx)
    {
        if (!HttpMethods.IsGet(ctx.Request.Method))
        {
            await Fail(ctx, 405, "The managed-identity endpoint only accepts GET.").ConfigureAwait(false);
            return;
        }

        var query = ctx.Request.Query;
        if (query["api-version"].ToString() != ApiVersion)
        {
            await Fail(ctx, 400, $"api-version must be '{ApiVersion}'.").ConfigureAwait(false);
            return;
        }

        var resource = query["resource"].ToString();
        if (string.IsNullOrEmpty(resource))
        {
            await Fail(ctx, 400, "The 'resource' query parameter is required.").ConfigureAwait(false);
            return;
        }

        using var _ = await store.EnterAsync(ctx.RequestAborted).ConfigureAwait(false);
        var world = store.World;
        var header = ctx.Request.Headers["X-IDENTITY-HEADER"].ToString();
        if (string.IsNullOrEmpty(header) || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(header), System.Text.Encoding.UTF8.GetBytes(world.IdentityHeader)))
        {
            await Fail(ctx, 401, "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.").ConfigureAwait(false);
            return;
        }

        var clientId = query["client_id"].ToString();
        var principal = string.IsNullOrEmpty(clientId)
            ? world.ServicePrincipals.FirstOrDefault(p => World.Same(p.ManagedIdentity, "SystemAssigned"))
            : world.ServicePrincipals.FirstOrDefault(p => World.Same(p.ManagedIdentity, "UserAssigned") && World.Same(p.ClientId, clientId));
        if (principal is null)
        {
            await Fail(ctx, 400, string.IsNullOrEmpty(clientId)
                ? "No system-assigned managed identity is enabled on this resource."
                : $"No user-assigned managed identity with client id '{clientId}' is assigned to this resource.").ConfigureAwait(false);
            return;
        }

        var audience = resource;
        if (!audience.EndsWith('/') && Uri.TryCreate(audience, UriKind.Absolute, out var uri) && uri.AbsolutePath == "/")
        {
            audience += "/";
        }

        var now = DateTime.UtcNow;
        var lifetime = settings.TokenLifetime;
        var token = tokens.Issue(principal, audience, lifetime, now);
        ctx.Response.Headers.CacheControl = "no-store, no-cache";
        await Http.Json(ctx, 200, new JsonObject
        {
            ["access_token"] = token,
            ["expires_on"] = new DateTimeOffset(now + lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = principal.ClientId,
        }).ConfigureAwait(false);
    }

    private static Task Fail(HttpContext ctx, int status, string message) =>
        Http.Json(ctx, status, new JsonObject { ["statusCode"] = status, ["message"] = message });
}
