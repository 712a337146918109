using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace KustoConnect.Engine.Internal
{
    /// <summary>The credential of a session and what is known, before any network call, about who it signs in as.</summary>
    internal sealed class SignInPlan
    {
        internal SignInPlan(TokenCredential credential, string? tenantId, string? accountId, string? secret, DateTimeOffset? fixedExpiry)
        {
            Credential = credential;
            TenantId = tenantId;
            AccountId = accountId;
            Secret = secret;
            FixedExpiry = fixedExpiry;
        }

        internal TokenCredential Credential { get; }

        internal string? TenantId { get; }

        internal string? AccountId { get; }

        /// <summary>The one secret of this credential in plain text (client secret or certificate password), scrubbed from messages.</summary>
        internal string? Secret { get; }

        /// <summary>The expiry of a static access token (it cannot be refreshed).</summary>
        internal DateTimeOffset? FixedExpiry { get; }

        /// <summary>For a device-code credential, where its prompt goes; null for the other kinds.</summary>
        internal UserPrompt? Prompt { get; set; }
    }

    /// <summary>Builds the Azure.Identity credential for each <see cref="CredentialKind"/>, and checks its inputs without a network call.</summary>
    internal static class CredentialFactory
    {
        internal const string TenantVariable = "AZURE_TENANT_ID";
        internal const string ClientIdVariable = "AZURE_CLIENT_ID";
        internal const string SecretVariable = "AZURE_CLIENT_SECRET";
        internal const string CertificatePathVariable = "AZURE_CLIENT_CERTIFICATE_PATH";
        internal const string CertificatePasswordVariable = "AZURE_CLIENT_CERTIFICATE_PASSWORD";
        internal const string FederatedTokenFileVariable = "AZURE_FEDERATED_TOKEN_FILE";

        /// <summary>Checks what only the chosen kind needs. Throws <see cref="KustoValidationException"/> or, for an expired certificate, <see cref="KustoAuthenticationException"/>.</summary>
        internal static void Validate(ConnectionOptions options)
        {
            switch (options.CredentialKind)
            {
                case CredentialKind.ServicePrincipalSecret:
                    RequireTenantAndClient(options, "a client secret");
                    if (options.ClientSecret == null || options.ClientSecret.Length == 0)
                    {
                        throw new KustoValidationException("MissingClientSecret", "A client secret is required to sign in with a service principal.", nameof(options.ClientSecret));
                    }

                    break;
                case CredentialKind.ServicePrincipalCertificate:
                    RequireTenantAndClient(options, "a certificate");
                    if (string.IsNullOrEmpty(options.CertificatePath) == string.IsNullOrEmpty(options.CertificateThumbprint))
                    {
                        throw new KustoValidationException("MissingCertificate", "Give either a certificate file (-CertificatePath) or a certificate thumbprint (-CertificateThumbprint).", nameof(options.CertificatePath));
                    }

                    using (LoadClientCertificate(options, out _, out _))
                    {
                    }

                    break;
                case CredentialKind.AccessToken:
                    if (options.AccessToken == null || options.AccessToken.Length == 0)
                    {
                        throw new KustoValidationException("MissingAccessToken", "An access token is required.", nameof(options.AccessToken));
                    }

                    if (!TokenClaims.Read(SecureStrings.ToPlainText(options.AccessToken)).IsJwt)
                    {
                        // ARM takes only JWTs: anything else (a token's id, a refresh token, text with quotes) fails at the first request.
                        throw new KustoValidationException(
                            "AccessTokenNotJwt",
                            "The access token is not a JWT (three base64url parts separated by dots): pass the access token itself, e.g. (Get-AzAccessToken -AsSecureString).Token.",
                            nameof(options.AccessToken));
                    }

                    break;
                case CredentialKind.ManagedIdentity:
                    break;
                case CredentialKind.EnvironmentVariables:
                    ValidateEnvironment();
                    break;
                case CredentialKind.DeviceCode:
                    if (options.ClientId != null && !Guid.TryParse(options.ClientId, out _))
                    {
                        throw new KustoValidationException("InvalidApplicationId", "The public client (application) id '" + options.ClientId + "' is not a GUID.", nameof(options.ClientId));
                    }

                    break;
                case CredentialKind.TokenProvider:
                    if (options.TokenProvider == null)
                    {
                        throw new KustoValidationException("MissingTokenProvider", "A token provider is required.", nameof(options.TokenProvider));
                    }

                    break;
                default:
                    throw new KustoValidationException("InvalidCredentialKind", "Unknown credential kind '" + options.CredentialKind + "'.", nameof(options.CredentialKind));
            }
        }

        internal static SignInPlan Create(ConnectionOptions options, HttpPipelineTransport? transport, TimeSpan retryDelay)
        {
            T Configure<T>(T credentialOptions, bool debugFromTransport = false)
                where T : TokenCredentialOptions
            {
                credentialOptions.AuthorityHost = options.AuthorityHost;
                credentialOptions.Retry.Delay = retryDelay;

                // Each token request (MSAL's included: Azure.Identity sends them through this pipeline) gets a debug line.
                if (debugFromTransport)
                {
                    credentialOptions.Transport = new HttpDebugTransport(transport ?? HttpClientTransport.Shared);
                    return credentialOptions;
                }

                if (transport != null)
                {
                    credentialOptions.Transport = transport;
                }

                credentialOptions.AddPolicy(new HttpDebugPolicy(), HttpPipelinePosition.PerRetry);
                return credentialOptions;
            }

            var discovery = !IsWellKnownAuthority(options.AuthorityHost);
            switch (options.CredentialKind)
            {
                case CredentialKind.ServicePrincipalSecret:
                {
                    var secret = SecureStrings.ToPlainText(options.ClientSecret!);
                    var credential = new ClientSecretCredential(
                        options.TenantId, options.ClientId, secret, Configure(new ClientSecretCredentialOptions { DisableInstanceDiscovery = discovery }));
                    return new SignInPlan(credential, options.TenantId, options.ClientId, secret, null);
                }

                case CredentialKind.ServicePrincipalCertificate:
                {
                    var certificate = LoadClientCertificate(options, out var password, out var pemFile);
                    var credentialOptions = Configure(new ClientCertificateCredentialOptions { DisableInstanceDiscovery = discovery });
                    if (pemFile)
                    {
                        // Azure.Identity reads the PEM key itself (netstandard2.0 cannot import one); the certificate was only checked.
                        certificate.Dispose();
                        return new SignInPlan(
                            new ClientCertificateCredential(options.TenantId, options.ClientId, options.CertificatePath, credentialOptions), options.TenantId, options.ClientId, null, null);
                    }

                    var credential = new ClientCertificateCredential(options.TenantId, options.ClientId, certificate, credentialOptions);
                    return new SignInPlan(new OwningCredential(credential, certificate), options.TenantId, options.ClientId, password, null);
                }

                case CredentialKind.AccessToken:
                {
                    var claims = TokenClaims.Read(SecureStrings.ToPlainText(options.AccessToken!));
                    return new SignInPlan(
                        new StaticTokenCredential(options.AccessToken!, claims.ExpiresOn), options.TenantId ?? claims.TenantId, options.ClientId ?? claims.Account, null, claims.ExpiresOn);
                }

                case CredentialKind.ManagedIdentity:
                {
                    var id = string.IsNullOrEmpty(options.ManagedIdentityClientId)
                        ? ManagedIdentityId.SystemAssigned
                        : ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId);
                    // ManagedIdentityCredential keeps the options' transport but not their added policies.
                    var credentialOptions = Configure(new ManagedIdentityCredentialOptions(id), debugFromTransport: true);
                    return new SignInPlan(new FreshFirstTokenCredential(new ManagedIdentityCredential(credentialOptions)), null, options.ManagedIdentityClientId ?? "system-assigned managed identity", null, null);
                }

                case CredentialKind.EnvironmentVariables:
                {
                    var tenant = Variable(TenantVariable);
                    var clientId = Variable(ClientIdVariable);
                    var tokenFile = Variable(FederatedTokenFileVariable);
                    // Workload identity federation is what WorkloadIdentityCredential does (the projected token file as the client
                    // assertion), built from ClientAssertionCredential because WorkloadIdentityCredential does not carry the
                    // options' added policies to its inner credential: the token requests would get no debug line. The file is
                    // read for each assertion, so that a rotated token is picked up.
                    TokenCredential credential = tokenFile != null && Variable(SecretVariable) == null && Variable(CertificatePathVariable) == null
                        ? new ClientAssertionCredential(
                            tenant,
                            clientId,
                            cancellationToken => Task.FromResult(File.ReadAllText(tokenFile).Trim()),
                            Configure(new ClientAssertionCredentialOptions { DisableInstanceDiscovery = discovery }))
                        : new EnvironmentCredential(Configure(new EnvironmentCredentialOptions { DisableInstanceDiscovery = discovery }));
                    return new SignInPlan(credential, tenant, clientId, Variable(SecretVariable) ?? Variable(CertificatePasswordVariable), null);
                }

                case CredentialKind.DeviceCode:
                {
                    var prompt = new UserPrompt();
                    var credential = new DeviceCodeCredential(Configure(new DeviceCodeCredentialOptions
                    {
                        TenantId = options.TenantId,
                        ClientId = options.ClientId ?? ConnectionOptions.DefaultPublicClientId,
                        DisableInstanceDiscovery = discovery,

                        // A person signs in once, in SignInAsync; later calls only refresh silently, never prompt from an ARM request.
                        DisableAutomaticAuthentication = true,
                        DeviceCodeCallback = prompt.ShowAsync,
                    }));
                    return new SignInPlan(credential, options.TenantId, null, null, null) { Prompt = prompt };
                }

                case CredentialKind.TokenProvider:
                    return new SignInPlan(
                        new ProviderCredential(options.TokenProvider!, options.Audience), options.TenantId ?? options.TokenProvider!.TenantId, options.TokenProvider!.Account, null, null);
                default:
                    throw new KustoValidationException("InvalidCredentialKind", "Unknown credential kind '" + options.CredentialKind + "'.", nameof(options.CredentialKind));
            }
        }

        /// <summary>Which environment-variable sign-in the variables describe, or null when they describe none.</summary>
        internal static string? DescribeEnvironment()
        {
            if (Variable(TenantVariable) == null || Variable(ClientIdVariable) == null)
            {
                return null;
            }

            if (Variable(SecretVariable) != null)
            {
                return "client secret";
            }

            if (Variable(CertificatePathVariable) != null)
            {
                return "client certificate";
            }

            return Variable(FederatedTokenFileVariable) != null ? "workload identity federation" : null;
        }

        private static void ValidateEnvironment()
        {
            var missing = new List<string>();
            if (Variable(TenantVariable) == null)
            {
                missing.Add(TenantVariable);
            }

            if (Variable(ClientIdVariable) == null)
            {
                missing.Add(ClientIdVariable);
            }

            if (Variable(SecretVariable) == null && Variable(CertificatePathVariable) == null && Variable(FederatedTokenFileVariable) == null)
            {
                missing.Add(SecretVariable + ", " + CertificatePathVariable + " or " + FederatedTokenFileVariable);
            }

            if (missing.Count > 0)
            {
                throw new KustoValidationException(
                    "EnvironmentVariablesMissing",
                    "Signing in from environment variables needs " + string.Join(" and ", missing) + ", which " + (missing.Count == 1 ? "is" : "are") + " not set.",
                    "EnvironmentVariables");
            }

            var tokenFile = Variable(FederatedTokenFileVariable);
            if (tokenFile != null && Variable(SecretVariable) == null && Variable(CertificatePathVariable) == null && !File.Exists(tokenFile))
            {
                throw new KustoValidationException("FederatedTokenFileNotFound", "The file named by " + FederatedTokenFileVariable + " ('" + tokenFile + "') does not exist.", "EnvironmentVariables");
            }
        }

        /// <summary>An environment variable's value; null when it is unset or blank.</summary>
        internal static string? Variable(string name)
        {
            var value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }

        private static void RequireTenantAndClient(ConnectionOptions options, string what)
        {
            if (string.IsNullOrWhiteSpace(options.TenantId))
            {
                throw new KustoValidationException("MissingTenantId", "A tenant id is required to sign in with " + what + ".", nameof(options.TenantId));
            }

            if (string.IsNullOrWhiteSpace(options.ClientId))
            {
                throw new KustoValidationException("MissingClientId", "A client (application) id is required to sign in with " + what + ".", nameof(options.ClientId));
            }
        }

        /// <summary>The certificate with its private key, from a PFX/PEM file or the Windows store; its expiry checked.</summary>
        private static X509Certificate2 LoadClientCertificate(ConnectionOptions options, out string? password, out bool pemFile)
        {
            password = options.CertificatePassword == null ? null : SecureStrings.ToPlainText(options.CertificatePassword);
            pemFile = false;
            var certificate = options.CertificatePath != null ? FromFile(options.CertificatePath, password, out pemFile) : FromStore(options.CertificateThumbprint!);
            var now = DateTime.UtcNow;
            if (certificate.NotAfter.ToUniversalTime() <= now || certificate.NotBefore.ToUniversalTime() > now)
            {
                var expired = certificate.NotAfter.ToUniversalTime() <= now;
                var message = "The certificate '" + certificate.Subject + "' (thumbprint " + certificate.Thumbprint + ") "
                    + (expired
                        ? "expired on " + certificate.NotAfter.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture) + ". Create a new certificate, upload it to the application's 'Certificates & secrets' and sign in with it."
                        : "is not valid before " + certificate.NotBefore.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture) + ". Check the clock or use a certificate that is valid now.");
                certificate.Dispose();
                throw new KustoAuthenticationException(expired ? "CertificateExpired" : "CertificateNotYetValid", message, null);
            }

            if (!pemFile && !certificate.HasPrivateKey)
            {
                certificate.Dispose();
                throw new KustoValidationException("CertificateWithoutPrivateKey", "The certificate has no private key: a PFX file or a PEM file with the PRIVATE KEY block is needed to sign in.", "CertificatePath");
            }

            return certificate;
        }

        private static X509Certificate2 FromFile(string path, string? password, out bool pemFile)
        {
            pemFile = false;
            if (!File.Exists(path))
            {
                throw new KustoValidationException("CertificateNotFound", "The certificate file '" + path + "' does not exist.", "CertificatePath");
            }

            var bytes = File.ReadAllBytes(path);
            var text = Encoding.ASCII.GetString(bytes);
            try
            {
                if (text.Contains("-----BEGIN "))
                {
                    pemFile = true;
                    return PemCertificate(path, text, password);
                }

                return new X509Certificate2(bytes, password, X509KeyStorageFlags.DefaultKeySet);
            }
            catch (CryptographicException)
            {
                // The message of the platform may say nothing useful; it never holds the password, but do not rely on that.
                throw new KustoValidationException(
                    "CertificateUnreadable",
                    "The certificate file '" + path + "' could not be opened: "
                    + (password == null ? "if it is protected, give -CertificatePassword." : "check -CertificatePassword and that it is a PFX or PEM file."),
                    "CertificatePath");
            }
        }

        /// <summary>The CERTIFICATE block of a PEM file that also holds an unencrypted PRIVATE KEY block.</summary>
        private static X509Certificate2 PemCertificate(string path, string text, string? password)
        {
            if (password != null || text.Contains("ENCRYPTED PRIVATE KEY"))
            {
                throw new KustoValidationException(
                    "EncryptedPemNotSupported",
                    "The PEM file '" + path + "' has an encrypted private key, which is not supported: use a PFX file with -CertificatePassword, or a PEM file with an unencrypted key.",
                    "CertificatePassword");
            }

            if (!text.Contains("PRIVATE KEY-----"))
            {
                throw new KustoValidationException("CertificateWithoutPrivateKey", "The PEM file '" + path + "' has no PRIVATE KEY block: the private key is needed to sign in.", "CertificatePath");
            }

            const string Begin = "-----BEGIN CERTIFICATE-----";
            const string End = "-----END CERTIFICATE-----";
            var start = text.IndexOf(Begin, StringComparison.Ordinal);
            var end = start < 0 ? -1 : text.IndexOf(End, start, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new KustoValidationException("CertificateUnreadable", "The PEM file '" + path + "' has no complete CERTIFICATE block.", "CertificatePath");
            }

            try
            {
                var base64 = new string(text.Substring(start + Begin.Length, end - start - Begin.Length).Where(c => !char.IsWhiteSpace(c)).ToArray());
                return new X509Certificate2(Convert.FromBase64String(base64));
            }
            catch (FormatException)
            {
                throw new KustoValidationException("CertificateUnreadable", "The CERTIFICATE block of '" + path + "' is not valid base64.", "CertificatePath");
            }
        }

        private static X509Certificate2 FromStore(string thumbprint)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                throw new KustoValidationException(
                    "CertificateStoreNotSupported",
                    "-CertificateThumbprint reads the Windows certificate store and works on Windows only. On this platform, use -CertificatePath with a PFX or PEM file.",
                    "CertificateThumbprint");
            }

            var wanted = new string(thumbprint.Where(char.IsLetterOrDigit).ToArray());
            foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
            {
                using var store = new X509Store(StoreName.My, location);
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                var found = store.Certificates.Find(X509FindType.FindByThumbprint, wanted, false);
                if (found.Count > 0)
                {
                    return found[0];
                }
            }

            throw new KustoValidationException(
                "CertificateNotFound", "No certificate with thumbprint " + wanted + " is in the CurrentUser or LocalMachine 'My' store.", "CertificateThumbprint");
        }

        internal static bool IsWellKnownAuthority(Uri authorityHost) =>
            new[] { AzureAuthorityHosts.AzurePublicCloud, AzureAuthorityHosts.AzureGovernment, AzureAuthorityHosts.AzureChina }
                .Any(known => Servers.Same(known, authorityHost));

        /// <summary>
        /// The managed identity's tokens live in a cache that MSAL shares across credential instances in the process: a new
        /// session (a Connect after Disconnect-KustoAccount) would get the token an earlier session was given, without the
        /// endpoint being asked. The first token request of each session therefore carries a claims challenge, which makes
        /// MSAL skip its cache; later requests use the cache as usual.
        /// </summary>
        private sealed class FreshFirstTokenCredential : TokenCredential
        {
            private readonly TokenCredential _inner;
            private int _asked;

            internal FreshFirstTokenCredential(TokenCredential inner) => _inner = inner;

            public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
                _inner.GetToken(First(requestContext), cancellationToken);

            public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
                _inner.GetTokenAsync(First(requestContext), cancellationToken);

            private TokenRequestContext First(TokenRequestContext context)
            {
                if (Interlocked.Exchange(ref _asked, 1) != 0 || !string.IsNullOrEmpty(context.Claims))
                {
                    return context;
                }

                var claims = "{\"access_token\":{\"nbf\":{\"essential\":true,\"value\":\""
                    + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}}}";
                return new TokenRequestContext(context.Scopes, context.ParentRequestId, claims, context.TenantId, context.IsCaeEnabled);
            }
        }

        /// <summary>A credential that also owns the certificate it signs with.</summary>
        private sealed class OwningCredential : TokenCredential, IDisposable
        {
            private readonly TokenCredential _inner;
            private readonly X509Certificate2 _certificate;

            internal OwningCredential(TokenCredential inner, X509Certificate2 certificate)
            {
                _inner = inner;
                _certificate = certificate;
            }

            public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
                _inner.GetToken(requestContext, cancellationToken);

            public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
                _inner.GetTokenAsync(requestContext, cancellationToken);

            public void Dispose() => _certificate.Dispose();
        }
    }

    /// <summary>Asks an <see cref="IAccessTokenProvider"/> for each token (it decides about caching).</summary>
    internal sealed class ProviderCredential : TokenCredential
    {
        private readonly IAccessTokenProvider _provider;
        private readonly string _audience;

        internal ProviderCredential(IAccessTokenProvider provider, string audience)
        {
            _provider = provider;
            _audience = audience;
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            ProvidedAccessToken token;
            try
            {
                token = await _provider.GetTokenAsync(_audience, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is KustoException))
            {
                throw new KustoAuthenticationException(
                    "TokenProviderFailed", _provider.Name + " could not provide a token for " + _audience + ": " + ex.Message, null, ex);
            }

            return new AccessToken(SecureStrings.ToPlainText(token.Token), token.ExpiresOn);
        }

        public override string ToString() => nameof(ProviderCredential) + "(" + _provider.Name + ")";
    }
}
