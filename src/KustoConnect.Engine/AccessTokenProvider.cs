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
        public ProvidedAccessToken(SecureString token, DateTimeOffset expiresOn)
        {
            Token = token ?? throw new ArgumentNullException(nameof(token));
            ExpiresOn = expiresOn;
        }

        public SecureString Token { get; }

        public DateTimeOffset ExpiresOn { get; }

        public override string ToString() => "ProvidedAccessToken(expires " + ExpiresOn.ToString("u", System.Globalization.CultureInfo.InvariantCulture) + ")";
    }
}
