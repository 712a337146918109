using System;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace KustoConnect.Emulator;

/// <summary>
/// The Entra ID side: the token endpoint (client credentials with a client secret or client assertion; the device-code flow
/// and refresh tokens of public clients), the device-code endpoint, OpenID discovery, JWKS, instance discovery.
/// </summary>
internal sealed class EntraApi
{
    private readonly StateStore store;
    private readonly TokenService tokens;
    private readonly EmulatorSettings settings;
    private readonly DeviceCodeStore deviceCodes;

    /// <summary>Seconds between two polls of the token endpoint that the device-code response asks for (Entra ID says 5).</summary>
    private const int DeviceCodePollSeconds = 1;

    /// <summary>RFC 8628's grant type; MSAL.NET sends Entra ID's short form, "device_code", which is accepted too.</summary>
    private const string DeviceCodeGrantType = "urn:ietf:params:oauth:grant-type:device_code";

    public EntraApi(StateStore store, TokenService tokens, EmulatorSettings settings, DeviceCodeStore deviceCodes)
    {
        this.store = store;
        this.tokens = tokens;
        this.settings = settings;
        this.deviceCodes = deviceCodes;
    }

    /// <summary>Whether the path belongs to Entra ID: /{tenant}/oauth2/..., /{tenant}/v2.0/..., /{tenant}/discovery/..., /common/discovery/instance.</summary>
    public static bool Handles(string[] segments) =>
        segments.Length >= 2 && !World.Same(segments[0], "subscriptions") && !World.Same(segments[0], "_emulator")
        && (World.Same(segments[1], "oauth2") || World.Same(segments[1], "v2.0") || World.Same(segments[1], "discovery"));

    public async Task HandleAsync(HttpContext ctx, string[] s)
    {
        var tenant = s[0];
        if (ArmApi.Matches(s, "*", "discovery", "instance") || ArmApi.Matches(s, "*", "discovery", "v2.0", "instance"))
        {
            await InstanceDiscovery(ctx).ConfigureAwait(false);
            return;
        }

        if (ArmApi.Matches(s, "*", "v2.0", ".well-known", "openid-configuration"))
        {
            await OpenIdConfigurationAsync(ctx, tenant).ConfigureAwait(false);
            return;
        }

        if (ArmApi.Matches(s, "*", "discovery", "v2.0", "keys") || ArmApi.Matches(s, "*", "discovery", "keys"))
        {
            await Http.Json(ctx, 200, tokens.Jwks()).ConfigureAwait(false);
            return;
        }

        if (ArmApi.Matches(s, "*", "oauth2", "v2.0", "devicecode") || ArmApi.Matches(s, "*", "oauth2", "devicecode"))
        {
            if (!HttpMethods.IsPost(ctx.Request.Method))
            {
                await OAuthError(ctx, 405, "invalid_request", 900561, "AADSTS900561: The endpoint only accepts POST requests.").ConfigureAwait(false);
                return;
            }

            await DeviceCodeAsync(ctx, tenant).ConfigureAwait(false);
            return;
        }

        if (ArmApi.Matches(s, "*", "oauth2", "v2.0", "token") || ArmApi.Matches(s, "*", "oauth2", "token"))
        {
            if (!HttpMethods.IsPost(ctx.Request.Method))
            {
                await OAuthError(ctx, 405, "invalid_request", 900561, "AADSTS900561: The endpoint only accepts POST requests.").ConfigureAwait(false);
                return;
            }

            await TokenAsync(ctx, tenant, v1: s.Length == 3).ConfigureAwait(false);
            return;
        }

        await OAuthError(ctx, 404, "invalid_request", 90027, $"AADSTS90027: The endpoint '{ctx.Request.Path}' is not served by this emulator.").ConfigureAwait(false);
    }

    private async Task OpenIdConfigurationAsync(HttpContext ctx, string tenant)
    {
        string tenantId;
        using (await store.EnterAsync(ctx.RequestAborted).ConfigureAwait(false))
        {
            var known = store.World.FindTenant(tenant);
            if (known is null && !World.Same(tenant, "common") && !World.Same(tenant, "organizations"))
            {
                await TenantNotFound(ctx, tenant).ConfigureAwait(false);
                return;
            }

            tenantId = known?.Id ?? "{tenantid}";
        }

        var b = Http.BaseUrl(ctx);
        var doc = new JsonObject
        {
            ["token_endpoint"] = $"{b}/{tenant}/oauth2/v2.0/token",
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "private_key_jwt", "client_secret_basic"),
            ["jwks_uri"] = $"{b}/{tenant}/discovery/v2.0/keys",
            ["response_modes_supported"] = new JsonArray("query", "fragment", "form_post"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
            ["issuer"] = $"{b}/{tenantId}/v2.0",
            ["request_uri_parameter_supported"] = false,
            ["userinfo_endpoint"] = $"{b}/oidc/userinfo",
            ["authorization_endpoint"] = $"{b}/{tenant}/oauth2/v2.0/authorize",
            ["device_authorization_endpoint"] = $"{b}/{tenant}/oauth2/v2.0/devicecode",
            ["http_logout_supported"] = true,
            ["frontchannel_logout_supported"] = true,
            ["end_session_endpoint"] = $"{b}/{tenant}/oauth2/v2.0/logout",
            ["claims_supported"] = new JsonArray("sub", "iss", "aud", "exp", "iat", "nbf", "tid", "oid", "appid"),
            ["tenant_region_scope"] = "NA",
            ["cloud_instance_name"] = ctx.Request.Host.ToString(),
        };
        await Http.Json(ctx, 200, doc).ConfigureAwait(false);
    }

    private static Task InstanceDiscovery(HttpContext ctx)
    {
        var host = ctx.Request.Host.ToString();
        var b = Http.BaseUrl(ctx);
        return Http.Json(ctx, 200, new JsonObject
        {
            ["tenant_discovery_endpoint"] = $"{b}/common/v2.0/.well-known/openid-configuration",
            ["api-version"] = "1.1",
            ["metadata"] = new JsonArray(new JsonObject
            {
                ["preferred_network"] = host,
                ["preferred_cache"] = host,
                ["aliases"] = new JsonArray(host),
            }),
        });
    }

    private async Task TokenAsync(HttpContext ctx, string tenant, bool v1)
    {
        if (!ctx.Request.HasFormContentType)
        {
            await OAuthError(ctx, 400, "invalid_request", 900144, "AADSTS900144: The request body must contain the following parameter: 'grant_type'.").ConfigureAwait(false);
            return;
        }

        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false);
        var grantType = form["grant_type"].ToString();
        var clientId = form["client_id"].ToString();
        var secret = form["client_secret"].ToString();
        var scope = form["scope"].ToString();
        var resource = form["resource"].ToString();

        using var _ = await store.EnterAsync(ctx.RequestAborted).ConfigureAwait(false);
        var world = store.World;
        if (grantType is DeviceCodeGrantType or "device_code" or "refresh_token")
        {
            await UserTokenAsync(ctx, tenant, grantType, form, world).ConfigureAwait(false);
            return;
        }

        var knownTenant = world.FindTenant(tenant);
        if (knownTenant is null)
        {
            await TenantNotFound(ctx, tenant).ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrEmpty(grantType))
        {
            await OAuthError(ctx, 400, "invalid_request", 900144, "AADSTS900144: The request body must contain the following parameter: 'grant_type'.").ConfigureAwait(false);
            return;
        }

        if (grantType != "client_credentials")
        {
            await OAuthError(ctx, 400, "unsupported_grant_type", 70003, $"AADSTS70003: The app requested an unsupported grant type '{grantType}'. This emulator supports 'client_credentials', '{DeviceCodeGrantType}' and 'refresh_token'.").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrEmpty(clientId))
        {
            await OAuthError(ctx, 400, "invalid_request", 900144, "AADSTS900144: The request body must contain the following parameter: 'client_id'.").ConfigureAwait(false);
            return;
        }

        string audience;
        if (!v1 || string.IsNullOrEmpty(resource))
        {
            const string suffix = "/.default";
            if (string.IsNullOrEmpty(scope))
            {
                await OAuthError(ctx, 400, "invalid_request", 900144, "AADSTS900144: The request body must contain the following parameter: 'scope'.").ConfigureAwait(false);
                return;
            }

            if (!scope.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) || scope.Contains(' ', StringComparison.Ordinal))
            {
                await OAuthError(ctx, 400, "invalid_scope", 1002012, $"AADSTS1002012: The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).").ConfigureAwait(false);
                return;
            }

            audience = scope[..^suffix.Length];
        }
        else
        {
            audience = resource;
        }

        if (!audience.EndsWith('/') && Uri.TryCreate(audience, UriKind.Absolute, out var audienceUri) && audienceUri.AbsolutePath == "/")
        {
            audience += "/";
        }

        var principal = world.FindPrincipal(clientId);
        if (principal is null || !World.Same(principal.TenantId, knownTenant.Id))
        {
            await OAuthError(ctx, 400, "unauthorized_client", 700016,
                $"AADSTS700016: Application with identifier '{clientId}' was not found in the directory '{knownTenant.DisplayName ?? knownTenant.Id}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.").ConfigureAwait(false);
            return;
        }

        var assertion = form["client_assertion"].ToString();
        if (string.IsNullOrEmpty(secret) && !string.IsNullOrEmpty(assertion))
        {
            if (form["client_assertion_type"].ToString() != ClientAssertions.JwtBearerType)
            {
                await OAuthError(ctx, 400, "invalid_request", 50027, $"AADSTS50027: client_assertion_type must be '{ClientAssertions.JwtBearerType}'.").ConfigureAwait(false);
                return;
            }

            var check = await ClientAssertions.CheckAsync(assertion, principal, Http.BaseUrl(ctx) + "/", DateTime.UtcNow).ConfigureAwait(false);
            if (!check.Valid)
            {
                await OAuthError(ctx, 401, "invalid_client", check.Code, check.Error!).ConfigureAwait(false);
                return;
            }
        }
        else if (string.IsNullOrEmpty(secret))
        {
            await OAuthError(ctx, 401, "invalid_client", 7000218, "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.").ConfigureAwait(false);
            return;
        }
        else if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(principal.ClientSecret)))
        {
            await OAuthError(ctx, 401, "invalid_client", 7000215,
                $"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{principal.ClientId}'.").ConfigureAwait(false);
            return;
        }

        var lifetime = settings.TokenLifetime;
        var token = tokens.Issue(principal, audience, lifetime, DateTime.UtcNow);
        var seconds = (long)lifetime.TotalSeconds;
        ctx.Response.Headers.CacheControl = "no-store, no-cache";
        await Http.Json(ctx, 200, new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = seconds,
            ["ext_expires_in"] = seconds,
            ["access_token"] = token,
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// POST /{tenant}/oauth2/v2.0/devicecode (client_id, scope): starts a person's sign-in. The tenant may be a known tenant,
    /// "organizations" or "common" (the person's tenant is then the one of whoever approves). Any client id that is not a
    /// confidential service principal of the world is taken as a public client (Azure PowerShell's, Azure CLI's, ...).
    /// </summary>
    private async Task DeviceCodeAsync(HttpContext ctx, string tenant)
    {
        if (!ctx.Request.HasFormContentType)
        {
            await OAuthError(ctx, 400, "invalid_request", 900144, "AADSTS900144: The request body must contain the following parameter: 'client_id'.").ConfigureAwait(false);
            return;
        }

        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false);
        var clientId = form["client_id"].ToString();
        DeviceCodeGrant grant;
        using (await store.EnterAsync(ctx.RequestAborted).ConfigureAwait(false))
        {
            var world = store.World;
            if (!IsUserTenant(world, tenant))
            {
                await TenantNotFound(ctx, tenant).ConfigureAwait(false);
                return;
            }

            if (!await CheckPublicClientAsync(ctx, world, clientId).ConfigureAwait(false))
            {
                return;
            }

            var audience = await UserAudienceAsync(ctx, form["scope"].ToString()).ConfigureAwait(false);
            if (audience is null)
            {
                return;
            }

            grant = deviceCodes.Create(clientId, tenant, audience, DateTime.UtcNow, settings.DeviceCodeLifetime);
        }

        var verificationUri = $"{Http.BaseUrl(ctx)}/_emulator/devicelogin";
        ctx.Response.Headers.CacheControl = "no-store, no-cache";
        await Http.Json(ctx, 200, new JsonObject
        {
            ["user_code"] = grant.UserCode,
            ["device_code"] = grant.DeviceCode,
            ["verification_uri"] = verificationUri,
            ["expires_in"] = (long)settings.DeviceCodeLifetime.TotalSeconds,
            ["interval"] = DeviceCodePollSeconds,
            ["message"] = $"To sign in, use a web browser to open the page {verificationUri} and enter the code {grant.UserCode} to authenticate.",
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The token endpoint for a person: grant_type device_code (authorization_pending until the code is approved, then
    /// tokens once) or refresh_token. Answers as Entra ID answers MSAL: access, refresh and id tokens, client_info, scope.
    /// </summary>
    private async Task UserTokenAsync(HttpContext ctx, string tenant, string grantType, IFormCollection form, World world)
    {
        var clientId = form["client_id"].ToString();
        if (!IsUserTenant(world, tenant))
        {
            await TenantNotFound(ctx, tenant).ConfigureAwait(false);
            return;
        }

        if (!await CheckPublicClientAsync(ctx, world, clientId).ConfigureAwait(false))
        {
            return;
        }

        var now = DateTime.UtcNow;
        WorldUser? user;
        string audience;
        if (grantType != "refresh_token")
        {
            var grant = deviceCodes.FindByDeviceCode(form["device_code"].ToString());
            if (grant is null || !World.Same(grant.ClientId, clientId))
            {
                await OAuthError(ctx, 400, "invalid_grant", 70000, "AADSTS70000: The provided value for the 'device_code' is not valid.").ConfigureAwait(false);
                return;
            }

            if (grant.IsExpired(now))
            {
                await OAuthError(ctx, 400, "expired_token", 70020, "AADSTS70020: The provided value for the input parameter 'device_code' is not valid. This device code has expired.").ConfigureAwait(false);
                return;
            }

            var approvedBy = grant.ApprovedBy;
            if (approvedBy is null && settings.AutoApproveDeviceCodes && DefaultUser(world, grant) is { } automatic)
            {
                approvedBy = deviceCodes.ApproveIfPending(grant, automatic);
            }

            if (approvedBy is null)
            {
                await OAuthError(ctx, 400, "authorization_pending", 70016, "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.").ConfigureAwait(false);
                return;
            }

            if (!deviceCodes.TryRedeem(grant))
            {
                await OAuthError(ctx, 400, "invalid_grant", 70000, "AADSTS70000: The provided value for the 'device_code' is not valid: it was already redeemed.").ConfigureAwait(false);
                return;
            }

            user = world.FindUser(approvedBy);
            audience = grant.Audience;
        }
        else
        {
            var refresh = deviceCodes.FindRefreshToken(form["refresh_token"].ToString());
            if (refresh is null || !World.Same(refresh.ClientId, clientId))
            {
                await OAuthError(ctx, 400, "invalid_grant", 9002313, "AADSTS9002313: Invalid request. Request is malformed or invalid: the refresh token is not valid.").ConfigureAwait(false);
                return;
            }

            var requested = await UserAudienceAsync(ctx, form["scope"].ToString()).ConfigureAwait(false);
            if (requested is null)
            {
                return;
            }

            user = world.FindUser(refresh.UserPrincipalName);
            audience = requested;
        }

        var home = user is null ? null : world.FindTenant(user.TenantId);
        if (user is null || home is null || !(World.Same(tenant, "organizations") || World.Same(tenant, "common") || World.Same(tenant, home.Id) || World.Same(tenant, home.DefaultDomain)))
        {
            await OAuthError(ctx, 400, "invalid_grant", 50034, "AADSTS50034: The user account does not exist in this directory.").ConfigureAwait(false);
            return;
        }

        var lifetime = settings.TokenLifetime;
        var seconds = (long)lifetime.TotalSeconds;
        var response = new JsonObject
        {
            ["token_type"] = "Bearer",
            ["scope"] = $"{audience}user_impersonation {audience}.default",
            ["expires_in"] = seconds,
            ["ext_expires_in"] = seconds,
            ["access_token"] = tokens.IssueForUser(user, clientId, audience, lifetime, now),
            ["refresh_token"] = deviceCodes.IssueRefreshToken(new RefreshGrant(user.UserPrincipalName, clientId)),
            ["id_token"] = tokens.IssueIdToken(user, clientId, $"{Http.BaseUrl(ctx)}/{user.TenantId}/v2.0", lifetime, now),
        };
        if (form["client_info"].ToString() == "1")
        {
            var clientInfo = new JsonObject { ["uid"] = user.ObjectId, ["utid"] = user.TenantId }.ToJsonString();
            response["client_info"] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(clientInfo);
        }

        ctx.Response.Headers.CacheControl = "no-store, no-cache";
        await Http.Json(ctx, 200, response).ConfigureAwait(false);
    }

    /// <summary>A known tenant, or one of the multi-tenant endpoints a person may sign in through.</summary>
    private static bool IsUserTenant(World world, string tenant) =>
        world.FindTenant(tenant) is not null || World.Same(tenant, "organizations") || World.Same(tenant, "common");

    /// <summary>The user auto-approval signs in as: the first user of the code's tenant (of the world, for a multi-tenant code).</summary>
    private static WorldUser? DefaultUser(World world, DeviceCodeGrant grant) =>
        world.Users.FirstOrDefault(u => world.FindTenant(u.TenantId) is { } home && grant.AcceptsTenant(home));

    /// <summary>Public-client flows need a client id, and refuse a confidential application (it must authenticate itself).</summary>
    private static async Task<bool> CheckPublicClientAsync(HttpContext ctx, World world, string clientId)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            await OAuthError(ctx, 400, "invalid_request", 900144, "AADSTS900144: The request body must contain the following parameter: 'client_id'.").ConfigureAwait(false);
            return false;
        }

        if (world.FindPrincipal(clientId) is not null)
        {
            await OAuthError(ctx, 401, "invalid_client", 7000218, "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>
    /// The resource of a person's scopes ("https://management.azure.com//.default openid profile offline_access"), as the
    /// access token's audience with a trailing slash; writes invalid_scope and returns null when there is not exactly one.
    /// </summary>
    private static async Task<string?> UserAudienceAsync(HttpContext ctx, string scope)
    {
        var resources = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s is not ("openid" or "profile" or "offline_access" or "email"))
            .Select(s => s.LastIndexOf('/') is var slash and > 0 ? s[..slash] : "")
            .ToList();
        if (resources.Count != 1 || !Uri.TryCreate(resources[0], UriKind.Absolute, out _))
        {
            await OAuthError(ctx, 400, "invalid_scope", 70011, $"AADSTS70011: The provided request must include a 'scope' input parameter naming exactly one resource, such as https://management.azure.com/.default. The provided value '{scope}' is not valid.").ConfigureAwait(false);
            return null;
        }

        return resources[0].EndsWith('/') ? resources[0] : resources[0] + "/";
    }

    private static Task TenantNotFound(HttpContext ctx, string tenant) =>
        OAuthError(ctx, 400, "invalid_request", 90002,
            $"AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.");

    private static Task OAuthError(HttpContext ctx, int status, string error, int code, string description)
    {
        var traceId = Guid.NewGuid().ToString();
        var correlationId = ctx.Response.Headers["x-ms-correlation-request-id"].ToString();
        var timestamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return Http.Json(ctx, status, new JsonObject
        {
            ["error"] = error,
            ["error_description"] = $"{description}\r\nTrace ID: {traceId}\r\nCorrelation ID: {correlationId}\r\nTimestamp: {timestamp}",
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = timestamp,
            ["trace_id"] = traceId,
            ["correlation_id"] = correlationId,
            ["error_uri"] = $"{Http.BaseUrl(ctx)}/error?code={code}",
        });
    }
}
