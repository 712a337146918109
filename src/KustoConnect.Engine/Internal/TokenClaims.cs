using System;
using System.Text;
using System.Text.Json;

namespace KustoConnect.Engine.Internal
{
    /// <summary>The claims of a JWT access token that are shown to the user (never validated: ARM does that).</summary>
    internal sealed class TokenClaims
    {
        internal string? TenantId { get; private set; }

        internal string? Account { get; private set; }

        internal DateTimeOffset? ExpiresOn { get; private set; }

        /// <summary>True when the value is a JWT: three dot-separated parts whose second is base64url JSON.</summary>
        internal bool IsJwt { get; private set; }

        /// <summary>Reads the payload; returns an empty result when the token is not a JWT (opaque tokens are allowed).</summary>
        internal static TokenClaims Read(string token)
        {
            var claims = new TokenClaims();
            var parts = token.Split('.');
            if (parts.Length != 3)
            {
                return claims;
            }

            try
            {
                var payload = parts[1].Replace('-', '+').Replace('_', '/');
                payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
                using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return claims;
                }

                claims.IsJwt = true;
                claims.TenantId = DataConnectionJson.GetString(root, "tid");
                claims.Account = DataConnectionJson.GetString(root, "upn")
                    ?? DataConnectionJson.GetString(root, "unique_name")
                    ?? DataConnectionJson.GetString(root, "preferred_username")
                    ?? DataConnectionJson.GetString(root, "appid")
                    ?? DataConnectionJson.GetString(root, "azp")
                    ?? DataConnectionJson.GetString(root, "oid");
                if (root.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number && exp.TryGetInt64(out var seconds))
                {
                    claims.ExpiresOn = DateTimeOffset.FromUnixTimeSeconds(seconds);
                }
            }
            catch (FormatException)
            {
                // Not base64url: an opaque token.
            }
            catch (JsonException)
            {
                // Not JSON: an opaque token.
            }
            catch (ArgumentException)
            {
                // Out-of-range expiry or invalid UTF-8.
            }

            return claims;
        }
    }
}
