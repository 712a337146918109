using System;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KustoConnect.Emulator;

/// <summary>The outcome of checking a client assertion: success, or an AADSTS code and its text.</summary>
internal sealed record AssertionCheck(bool Valid, int Code, string? Error)
{
    public static readonly AssertionCheck Ok = new(true, 0, null);

    public static AssertionCheck Fail(int code, string error) => new(false, code, error);
}

/// <summary>
/// Checks the client_assertion of a client-credentials request, as Entra ID does: either a JWT the application signed
/// with the key of a certificate registered on it (iss = sub = client id, aud = the token endpoint), or a token from an
/// external issuer named by one of its federated credentials (workload identity federation).
/// </summary>
internal static class ClientAssertions
{
    public const string JwtBearerType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>The audience Entra ID requires of federated tokens.</summary>
    public const string FederationAudience = "api://AzureADTokenExchange";

    private static readonly JsonWebTokenHandler Handler = new();

    public static async Task<AssertionCheck> CheckAsync(string assertion, WorldServicePrincipal principal, string tokenEndpointBase, DateTime now)
    {
        if (!Handler.CanReadToken(assertion))
        {
            return AssertionCheck.Fail(50027, "AADSTS50027: JWT token is invalid or malformed.");
        }

        var jwt = Handler.ReadJsonWebToken(assertion);
        if (World.Same(jwt.Issuer, principal.ClientId))
        {
            return await CheckCertificateAssertionAsync(assertion, jwt, principal, tokenEndpointBase, now).ConfigureAwait(false);
        }

        var federated = principal.FederatedCredentials.FirstOrDefault(f => f.Issuer == jwt.Issuer && f.Subject == jwt.Subject);
        if (federated is null)
        {
            return AssertionCheck.Fail(
                700213,
                $"AADSTS700213: No matching federated identity record found for presented assertion subject '{jwt.Subject}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.");
        }

        using var issuerCertificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(federated.Certificate));
        var result = await Handler.ValidateTokenAsync(assertion, Parameters(new X509SecurityKey(issuerCertificate), new[] { FederationAudience }, now)).ConfigureAwait(false);
        return result.IsValid
            ? AssertionCheck.Ok
            : AssertionCheck.Fail(700211, "AADSTS700211: The presented assertion could not be validated against the federated credential: " + Reason(result.Exception));
    }

    private static async Task<AssertionCheck> CheckCertificateAssertionAsync(string assertion, JsonWebToken jwt, WorldServicePrincipal principal, string tokenEndpointBase, DateTime now)
    {
        if (!World.Same(jwt.Subject, principal.ClientId))
        {
            return AssertionCheck.Fail(700023, "AADSTS700023: The client assertion's subject must be the client id of the application.");
        }

        if (principal.Certificates.Count == 0)
        {
            return AssertionCheck.Fail(700027, $"AADSTS700027: No certificate is registered on application '{principal.ClientId}' to verify the client assertion.");
        }

        var audiences = jwt.Audiences.Where(a => a.StartsWith(tokenEndpointBase, StringComparison.OrdinalIgnoreCase)).ToList();
        if (audiences.Count == 0)
        {
            return AssertionCheck.Fail(700212, "AADSTS700212: The client assertion's audience must be the token endpoint.");
        }

        Exception? failure = null;
        foreach (var encoded in principal.Certificates)
        {
            using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(encoded));
            var result = await Handler.ValidateTokenAsync(assertion, Parameters(new X509SecurityKey(certificate), audiences, now)).ConfigureAwait(false);
            if (!result.IsValid)
            {
                failure ??= result.Exception;
                continue;
            }

            return certificate.NotAfter.ToUniversalTime() <= now
                ? AssertionCheck.Fail(700027, $"AADSTS700027: The certificate used to sign the client assertion expired on {certificate.NotAfter.ToUniversalTime():u}. Register a valid certificate on application '{principal.ClientId}'.")
                : AssertionCheck.Ok;
        }

        return AssertionCheck.Fail(
            700027,
            $"AADSTS700027: The client assertion is not signed by a certificate registered on application '{principal.ClientId}': " + Reason(failure));
    }

    private static TokenValidationParameters Parameters(SecurityKey? key, System.Collections.Generic.IEnumerable<string> audiences, DateTime now) => new()
    {
        IssuerSigningKey = key,
        ValidateIssuerSigningKey = true,
        ValidateIssuer = false,
        ValidAudiences = audiences,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        LifetimeValidator = (notBefore, expires, _, _) => (notBefore is null || notBefore <= now.AddMinutes(5)) && expires is not null && expires > now,
    };

    private static string Reason(Exception? exception) => exception switch
    {
        SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException => "the assertion has expired.",
        SecurityTokenInvalidAudienceException => "the audience is wrong.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the signature does not match.",
        _ => "the assertion is invalid.",
    };
}
