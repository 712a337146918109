using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>
    /// Tokens from the signed-in Az.Accounts context. Get-AzAccessToken runs on the pipeline thread of a KustoConnect
    /// cmdlet (PowerShell cannot run it from the engine's worker threads): <see cref="Refresh"/> is called before each
    /// command, and the engine is handed the token obtained then.
    /// </summary>
    internal sealed class AzAccountsTokenProvider : IAccessTokenProvider
    {
        private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
        private readonly object _gate = new object();
        private readonly string _audience;
        private ProvidedAccessToken? _token;

        internal AzAccountsTokenProvider(string audience, string? account, string? tenantId)
        {
            _audience = audience;
            Account = account;
            TenantId = tenantId;
        }

        public string Name => "Az.Accounts";

        public string? Account { get; }

        public string? TenantId { get; }

        /// <summary>Asks Get-AzAccessToken for a new token when the current one is missing or expires within five minutes.</summary>
        internal void Refresh(PSCmdlet cmdlet)
        {
            lock (_gate)
            {
                if (_token != null && _token.ExpiresOn - RefreshMargin > DateTimeOffset.UtcNow)
                {
                    return;
                }
            }

            cmdlet.WriteVerbose("Requesting a token for " + _audience + " from Az.Accounts (Get-AzAccessToken).");
            PSObject result;
            using (var shell = PowerShell.Create(RunspaceMode.CurrentRunspace))
            {
                shell.AddCommand("Get-AzAccessToken").AddParameter("ResourceUrl", _audience).AddParameter("ErrorAction", "Stop");
                try
                {
                    result = shell.Invoke().FirstOrDefault()
                        ?? throw new KustoAuthenticationException("AzAccessTokenUnavailable", "Get-AzAccessToken returned nothing. Run Connect-AzAccount, or sign in with Connect-KustoAccount.", null);
                }
                catch (RuntimeException e)
                {
                    throw new KustoAuthenticationException(
                        "AzAccessTokenUnavailable",
                        "Az.Accounts could not provide a token for " + _audience + ": " + e.Message + " Run Connect-AzAccount again, or sign in with Connect-KustoAccount.",
                        null,
                        e);
                }
            }

            var token = ReadToken(result.Properties["Token"]?.Value);
            var expiresOn = ReadExpiry(result.Properties["ExpiresOn"]?.Value);
            lock (_gate)
            {
                _token = new ProvidedAccessToken(token, expiresOn);
            }
        }

        public Task<ProvidedAccessToken> GetTokenAsync(string audience, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                if (_token == null || _token.ExpiresOn <= DateTimeOffset.UtcNow)
                {
                    throw new KustoAuthenticationException(
                        "AzAccessTokenExpired",
                        "The token from Az.Accounts expired while the command ran. Run the command again: it will ask Az.Accounts for a new token.",
                        null);
                }

                return Task.FromResult(_token);
            }
        }

        /// <summary>Az.Accounts 2.x returns the token as a string; 3.x+ and -AsSecureString as a SecureString.</summary>
        private static SecureString ReadToken(object? value)
        {
            switch (value is PSObject wrapped ? wrapped.BaseObject : value)
            {
                case SecureString secure when secure.Length > 0:
                    return secure.Copy();
                case string text when text.Length > 0:
                    var result = new SecureString();
                    foreach (var c in text)
                    {
                        result.AppendChar(c);
                    }

                    result.MakeReadOnly();
                    return result;
                default:
                    throw new KustoAuthenticationException("AzAccessTokenUnavailable", "Get-AzAccessToken returned no token. Run Connect-AzAccount again.", null);
            }
        }

        private static DateTimeOffset ReadExpiry(object? value)
        {
            switch (value is PSObject wrapped ? wrapped.BaseObject : value)
            {
                case DateTimeOffset offset:
                    return offset;
                case DateTime time:
                    return new DateTimeOffset(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time);
                case string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed):
                    return parsed;
                default:
                    // Unknown expiry: ask again at the next command.
                    return DateTimeOffset.UtcNow.Add(RefreshMargin);
            }
        }
    }
}
