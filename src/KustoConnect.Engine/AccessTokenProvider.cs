using System;
using System.Security;
using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Engine
{
    /// <summary>
    /// A source of access tokens that the engine asks whenever it needs one (it caches nothing itself beyond what the
    /// provider returns). The cmdlets implement it over Az.Accounts' Get-AzAccessToken; the engine never sees PowerShell.
    /// </summary>
    public interface IAccessTokenProvider
    {
        /// <summary>A short name of the source shown by Get-KustoContext and in verbose messages, e.g. "Az.Accounts".</summary>
        string Name { get; }

        /// <summary>The account the tokens belong to, when known.</summary>
        string? Account { get; }

        /// <summary>The tenant the tokens are issued in, when known.</summary>
        string? TenantId { get; }

        /// <summary>A token for <paramref name="audience"/> (e.g. "https://management.azure.com/").</summary>
        Task<ProvidedAccessToken> GetTokenAsync(string audience, CancellationToken cancellationToken);
    }

    /// <summary>A token and its expiry. The token stays in a SecureString; <see cref="ToString"/> never shows it.</summary>
    public sealed class ProvidedAccessToken
    {
        /// <summary>Keeps <paramref name="token"/> as given (the caller owns and disposes it).</summary>
        /// <param name="token">The bearer token.</param>
        /// <param name="expiresOn">When the token stops being valid; the engine asks the provider again before then.</param>
        public ProvidedAccessToken(SecureString token, DateTimeOffset expiresOn)
        {
            Token = token ?? throw new ArgumentNullException(nameof(token));
            ExpiresOn = expiresOn;
        }

        /// <summary>The bearer token, read only when a request needs it.</summary>
        public SecureString Token { get; }

        /// <summary>When the token stops being valid.</summary>
        public DateTimeOffset ExpiresOn { get; }

        /// <summary>"ProvidedAccessToken(expires 2026-01-01 10:00:00Z)": the expiry, never the token.</summary>
        /// <returns>The display text.</returns>
        public override string ToString() => "ProvidedAccessToken(expires " + ExpiresOn.ToString("u", System.Globalization.CultureInfo.InvariantCulture) + ")";
    }
}
