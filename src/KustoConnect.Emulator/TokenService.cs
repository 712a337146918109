using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KustoConnect.Emulator;

/// <summary>The outcome of checking a bearer token on an ARM request.</summary>
internal sealed record TokenCheck(
    bool Valid, string? ErrorCode, string? ErrorMessage, string? TenantId, string? AppId, string? ObjectId, bool IsUser = false, string? UserPrincipalName = null)
{
    public static TokenCheck Fail(string code, string message, string? tenantId = null) => new(false, code, message, tenantId, null, null);
}

/// <summary>Issues and validates RS256 access tokens signed with the emulator certificate's key.</summary>
internal sealed class TokenService
{
    /// <summary>The audiences ARM accepts, exactly as ARM lists them in its error message.</summary>
    public static readonly IReadOnlyList<string> ArmAudiences = new[]
    {
        "https://management.core.windows.net/", "https://management.core.windows.net",
        "https://management.azure.com/", "https://management.azure.com",
    };

    private readonly RsaSecurityKey signingKey;
    private const int MaxRememberedTokens = 1000;

    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ValidatedToken> validated = new(StringComparer.Ordinal);
    private readonly X509Certificate2 certificate;

    public TokenService(X509Certificate2 certificate)
    {
        this.certificate = certificate;
        var rsa = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("The emulator certificate has no RSA private key.");
        KeyId = certificate.Thumbprint;
        signingKey = new RsaSecurityKey(rsa) { KeyId = KeyId };
    }

    public string KeyId { get; }

    public static string Issuer(string tenantId) => $"https://sts.windows.net/{tenantId}/";

    public string Issue(WorldServicePrincipal principal, string audience, TimeSpan lifetime, DateTime now)
    {
        var objectId = principal.ObjectId ?? principal.ClientId;
        var descriptor = new SecurityTokenDescriptor
        {
            Audience = audience,
            Issuer = Issuer(principal.TenantId),
            IssuedAt = now,
            NotBefore = now.AddMinutes(-5),
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.RsaSha256),
            Claims = new Dictionary<string, object>
            {
                ["tid"] = principal.TenantId,
                ["oid"] = objectId,
                ["sub"] = objectId,
                ["appid"] = principal.ClientId,
                ["appidacr"] = "1",
                ["idtyp"] = "app",
                ["ver"] = "1.0",
            },
        };
        return handler.CreateToken(descriptor);
    }

    /// <summary>
    /// A v1 access token for a person signed in through a public client: upn/unique_name, oid, tid, the client's appid and
    /// the delegated scope user_impersonation, as Entra ID issues for Azure Resource Manager.
    /// </summary>
    public string IssueForUser(WorldUser user, string clientId, string audience, TimeSpan lifetime, DateTime now)
    {
        var claims = UserClaims(user);
        claims["upn"] = user.UserPrincipalName;
        claims["unique_name"] = user.UserPrincipalName;
        claims["appid"] = clientId;
        claims["appidacr"] = "0";
        claims["scp"] = "user_impersonation";
        claims["idtyp"] = "user";
        claims["ver"] = "1.0";
        return Sign(audience, Issuer(user.TenantId), claims, lifetime, now);
    }

    /// <summary>
    /// The OpenID Connect id_token MSAL reads to know the account: aud is the client, iss the v2.0 issuer, and
    /// preferred_username the sign-in name.
    /// </summary>
    public string IssueIdToken(WorldUser user, string clientId, string issuer, TimeSpan lifetime, DateTime now)
    {
        var claims = UserClaims(user);
        claims["preferred_username"] = user.UserPrincipalName;
        claims["ver"] = "2.0";
        return Sign(clientId, issuer, claims, lifetime, now);
    }

    private static Dictionary<string, object> UserClaims(WorldUser user) => new()
    {
        ["tid"] = user.TenantId,
        ["oid"] = user.ObjectId,
        ["sub"] = user.ObjectId,
        ["name"] = user.DisplayName ?? user.UserPrincipalName,
    };

    private string Sign(string audience, string issuer, Dictionary<string, object> claims, TimeSpan lifetime, DateTime now) =>
        handler.CreateToken(new SecurityTokenDescriptor
        {
            Audience = audience,
            Issuer = issuer,
            IssuedAt = now,
            NotBefore = now.AddMinutes(-5),
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.RsaSha256),
            Claims = claims,
        });

    public async Task<TokenCheck> ValidateAsync(string token, World world, DateTime now)
    {
        if (!handler.CanReadToken(token))
        {
            return TokenCheck.Fail("InvalidAuthenticationToken", "The access token is invalid.");
        }

        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = signingKey,
            ValidateIssuerSigningKey = true,
            ValidIssuers = world.Tenants.Select(t => Issuer(t.Id)).ToList(),
            ValidateIssuer = true,
            ValidAudiences = ArmAudiences,
            ValidateAudience = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = (notBefore, expires, _, _) => (notBefore is null || notBefore <= now) && expires is not null && expires > now,
        };
        JsonWebToken jwt;
        try
        {
            jwt = handler.ReadJsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            // Three dot-separated parts that are not a JWT (for example "a.b.c"): ARM's answer to a malformed token.
            return TokenCheck.Fail("InvalidAuthenticationToken", "The access token is invalid.");
        }

        if (validated.TryGetValue(token, out var cached) && ReferenceEquals(cached.World, world)
            && (cached.NotBefore is null || cached.NotBefore <= now) && cached.Expires > now)
        {
            return cached.Check;
        }

        TokenValidationResult result;
        try
        {
            result = await handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or System.Text.Json.JsonException or FormatException)
        {
            return TokenCheck.Fail("InvalidAuthenticationToken", "The access token is invalid.");
        }

        jwt.TryGetPayloadValue<string>("tid", out var tenantId);
        if (!result.IsValid)
        {
            switch (result.Exception)
            {
                case SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException:
                    return TokenCheck.Fail(
                        "ExpiredAuthenticationToken",
                        string.Create(CultureInfo.InvariantCulture, $"The access token expiry UTC time '{jwt.ValidTo:M/d/yyyy h:mm:ss tt}' is earlier than current UTC time '{now:M/d/yyyy h:mm:ss tt}'."),
                        tenantId);
                case SecurityTokenInvalidAudienceException:
                    jwt.TryGetPayloadValue<string>("aud", out var aud);
                    return TokenCheck.Fail(
                        "InvalidAuthenticationToken",
                        $"The access token has been obtained for wrong audience or resource '{aud}'. It should exactly match with one of the allowed audiences {string.Join(",", ArmAudiences.Select(a => $"'{a}'"))}.",
                        tenantId);
                case SecurityTokenInvalidIssuerException:
                    return TokenCheck.Fail("InvalidAuthenticationTokenTenant", "The access token is from the wrong issuer. It must match one of the tenants known to this emulator.", tenantId);
                default:
                    return TokenCheck.Fail("InvalidAuthenticationToken", "The access token is invalid.", tenantId);
            }
        }

        jwt.TryGetPayloadValue<string>("appid", out var appId);
        jwt.TryGetPayloadValue<string>("oid", out var objectId);
        jwt.TryGetPayloadValue<string>("idtyp", out var identityType);
        jwt.TryGetPayloadValue<string>("upn", out var upn);
        var check = new TokenCheck(true, null, null, tenantId, appId, objectId, identityType == "user", upn);

        // A valid token is remembered (for the same world, until it expires) so that a client's steady stream of
        // requests with one token costs one signature check, not one per request.
        if (validated.Count >= MaxRememberedTokens)
        {
            validated.Clear();
        }

        validated[token] = new ValidatedToken(check, world, jwt.ValidFrom == DateTime.MinValue ? null : jwt.ValidFrom, jwt.ValidTo);
        return check;
    }

    public JsonObject Jwks()
    {
        var rsa = certificate.GetRSAPublicKey()!;
        var p = rsa.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = KeyId,
                ["x5t"] = Base64UrlEncoder.Encode(certificate.GetCertHash(HashAlgorithmName.SHA1)),
                ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                ["e"] = Base64UrlEncoder.Encode(p.Exponent),
                ["x5c"] = new JsonArray(Convert.ToBase64String(certificate.RawData)),
                ["issuer"] = "https://sts.windows.net/{tenantid}/",
            }),
        };
    }
}

/// <summary>A token that passed every check, for the world it was checked against, with its validity window.</summary>
internal sealed record ValidatedToken(TokenCheck Check, World World, DateTime? NotBefore, DateTime Expires);
