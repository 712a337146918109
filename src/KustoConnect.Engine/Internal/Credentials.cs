using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;

namespace KustoConnect.Engine.Internal
{
    internal static class SecureStrings
    {
        internal static string ToPlainText(SecureString value)
        {
            var pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(value);
                return Marshal.PtrToStringUni(pointer) ?? string.Empty;
            }
            finally
            {
                if (pointer != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(pointer);
                }
            }
        }
    }

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

    /// <summary>
    /// Carries a device-code credential's prompt to whoever is signing in: the observer of the running
    /// <see cref="KustoSession.SignInAsync(IOperationObserver, CancellationToken)"/>, if any.
    /// </summary>
    internal sealed class UserPrompt
    {
        private IOperationObserver? _observer;

        internal IOperationObserver? Observer
        {
            get => Volatile.Read(ref _observer);
            set => Volatile.Write(ref _observer, value);
        }

        /// <summary>The DeviceCodeCallback: hands the service's message on and returns at once, so that polling starts.</summary>
        internal Task ShowAsync(Azure.Identity.DeviceCodeInfo info, CancellationToken cancellationToken)
        {
            Observer?.OnUserMessage(info.Message);
            return Task.CompletedTask;
        }
    }

    /// <summary>A bearer token obtained elsewhere, kept in a SecureString until a request needs it.</summary>
    internal sealed class StaticTokenCredential : TokenCredential, IDisposable
    {
        private readonly SecureString _token;
        private readonly DateTimeOffset _expiresOn;

        internal StaticTokenCredential(SecureString token, DateTimeOffset? expiresOn)
        {
            _token = token.Copy();
            _token.MakeReadOnly();

            // Without an expiry claim, say one hour: Azure.Core only uses it to decide when to ask again.
            _expiresOn = expiresOn ?? DateTimeOffset.UtcNow.AddHours(1);
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new AccessToken(SecureStrings.ToPlainText(_token), _expiresOn);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new ValueTask<AccessToken>(GetToken(requestContext, cancellationToken));

        public void Dispose() => _token.Dispose();

        public override string ToString() => nameof(StaticTokenCredential);
    }
}
