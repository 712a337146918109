using System;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;

namespace KustoConnect.Engine.Internal
{
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
