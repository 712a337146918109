using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.ResourceManager;
using KustoConnect.Engine.Internal;

namespace KustoConnect.Engine
{
    /// <summary>
    /// A signed-in connection to one ARM endpoint: credential, pipeline (retries, LRO polling, certificate pinning) and
    /// the operations. Thread-safe; create one per Connect and dispose it on Disconnect.
    /// </summary>
    public sealed class KustoSession : IDisposable
    {
        internal const string KustoApiVersion = "2024-04-13";

        /// <summary>
        /// The host named in the User-Agent after "KustoConnect/{version}", e.g. "PowerShell/7.6.9 (Core)"; set once by the
        /// module when it is imported, read by each new session.
        /// </summary>
        public static string? UserAgentHost { get; set; }

        /// <summary>
        /// Starts, once per process, compiling what a first sign-in and list need on two background threads of its own, over an in-memory
        /// transport (no request leaves the process, no real credential is used); see ColdStartWarmUp. The module calls it
        /// when it is imported.
        /// </summary>
        /// <returns>Whether this call started it (false when it had been started before).</returns>
        public static bool StartWarmUp() => ColdStartWarmUp.Start();

        private static readonly Regex TenantPattern = new Regex("^[A-Za-z0-9][A-Za-z0-9.-]{0,254}$", RegexOptions.CultureInvariant);

        private readonly TokenCredential _credential;
        private readonly HttpClientTransport? _ownedTransport;
        private readonly string? _secret;
        private readonly string _scope;
        private readonly DateTimeOffset? _tokenExpiresOn;
        private readonly UserPrompt? _prompt;
        private string? _subscriptionId;
        private int _disposed;

        private KustoSession(ConnectionOptions options, EngineSettings settings)
        {
            CredentialKind = options.CredentialKind;
            CredentialSource = options.TokenProvider?.Name;
            ArmEndpoint = options.ArmEndpoint;
            AuthorityHost = options.AuthorityHost;
            Audience = options.Audience;
            EnvironmentName = options.EnvironmentName;
            _subscriptionId = options.SubscriptionId ?? DefaultSubscription(options);
            _scope = ScopeOf(options.Audience);
            SystemTrustWarmUp.Start();

            HttpPipelineTransport? transport = settings.Transport;
            if (transport == null && options.TrustedCertificatePath != null)
            {
                _ownedTransport = CreatePinnedTransport(LoadCertificate(options.TrustedCertificatePath));
                transport = _ownedTransport;
            }

            var plan = CredentialFactory.Create(options, transport, settings.RetryDelay);
            _credential = plan.Credential;
            _secret = plan.Secret;
            _tokenExpiresOn = plan.FixedExpiry;
            _prompt = plan.Prompt;
            TenantId = plan.TenantId;
            AccountId = plan.AccountId;

            var armOptions = new ArmClientOptions { Environment = new ArmEnvironment(options.ArmEndpoint, ArmAudienceOf(options.Audience)) };
            armOptions.SetApiVersion(new ResourceType("Microsoft.Kusto/clusters/databases/dataConnections"), KustoApiVersion);
            armOptions.Retry.Delay = settings.RetryDelay;
            armOptions.AddPolicy(new RequestPathGuardPolicy(), HttpPipelinePosition.PerCall);
            armOptions.AddPolicy(new UserAgentPolicy(UserAgentPolicy.Prefix(UserAgentHost)), HttpPipelinePosition.PerRetry);
            armOptions.AddPolicy(new VerbosePolicy(), HttpPipelinePosition.PerRetry);
            armOptions.AddPolicy(new HttpDebugPolicy(), HttpPipelinePosition.PerRetry);
            if (transport != null)
            {
                armOptions.Transport = transport;
            }

            var client = new ArmClient(_credential, null, armOptions);
            var gateway = new ArmGateway(client);
            var requests = new ArmRequests(gateway);
            var resources = new AzureResourceOperations(requests, _secret);
            var operations = new DataConnectionOperations(client, requests, settings.PollInterval, _secret, settings.RetryDelay, settings.MaxRetryAfter, resources);
            var guarded = new GuardedOperations(operations, operations, resources);
            DataConnections = guarded;
            Clusters = guarded;
            Resources = guarded;
        }

        /// <summary>
        /// When the token cannot be renewed (an access token given as it is), when it expires; null for credentials that
        /// renew their tokens.
        /// </summary>
        public DateTimeOffset? TokenExpiresOn => _tokenExpiresOn;

        /// <summary>For the AZURE_* environment sign-in, AZURE_SUBSCRIPTION_ID (as the Azure CLI and Terraform read it).</summary>
        private static string? DefaultSubscription(ConnectionOptions options)
        {
            if (options.CredentialKind != CredentialKind.EnvironmentVariables)
            {
                return null;
            }

            var value = System.Environment.GetEnvironmentVariable("AZURE_SUBSCRIPTION_ID");
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            KustoRules.ValidateSubscriptionId(value.Trim());
            return value.Trim();
        }

        /// <summary>The subscription used when a command names none. Validated when set.</summary>
        public string? SubscriptionId
        {
            get => _subscriptionId;
            set
            {
                if (value != null)
                {
                    KustoRules.ValidateSubscriptionId(value);
                }

                _subscriptionId = value;
            }
        }

        /// <summary>The tenant; for a managed identity, known once <see cref="SignInAsync(CancellationToken)"/> has run.</summary>
        public string? TenantId { get; private set; }

        /// <summary>
        /// The client id of the service principal or managed identity, the account named in the access token, or the user
        /// principal name of the person who signed in with a device code.
        /// </summary>
        public string? AccountId { get; private set; }

        /// <summary>How the session signs in (from <see cref="ConnectionOptions.CredentialKind"/>).</summary>
        public CredentialKind CredentialKind { get; }

        /// <summary>For <see cref="CredentialKind.TokenProvider"/>, the provider's name (e.g. "Az.Accounts"); otherwise null.</summary>
        public string? CredentialSource { get; }

        /// <summary>The ARM endpoint every request of the session goes to.</summary>
        public Uri ArmEndpoint { get; }

        /// <summary>The Entra ID authority host that issues the session's tokens.</summary>
        public Uri AuthorityHost { get; }

        /// <summary>The audience of the session's ARM tokens (the scope requested is this + ".default").</summary>
        public string Audience { get; }

        /// <summary>The environment's label (display only), e.g. "AzureCloud" or "Emulator"; null when none was given.</summary>
        public string? EnvironmentName { get; }

        /// <summary>Creates, reads, lists, updates, validates and deletes data connections, and waits for their operations.</summary>
        public IDataConnectionOperations DataConnections { get; }

        /// <summary>Reads clusters and databases (the scopes of data connections).</summary>
        public IClusterOperations Clusters { get; }

        /// <summary>Reads resource groups, and IoT hubs' shared access policies (names and rights, never keys).</summary>
        public IAzureResourceOperations Resources { get; }

        /// <summary>Checks the options (no network) and builds the session. Throws <see cref="KustoValidationException"/>.</summary>
        public static KustoSession Create(ConnectionOptions options) => Create(options, new EngineSettings());

        internal static KustoSession Create(ConnectionOptions options, EngineSettings settings)
        {
            Validate(options ?? throw new ArgumentNullException(nameof(options)));
            return new KustoSession(options, settings ?? throw new ArgumentNullException(nameof(settings)));
        }

        /// <summary>
        /// Acquires one token, so that a wrong secret, tenant or client id fails now rather than at the first command.
        /// Throws <see cref="KustoAuthenticationException"/> (with the AADSTS code when Entra ID sent one).
        /// </summary>
        public Task SignInAsync(CancellationToken cancellationToken) => SignInAsync(null, cancellationToken);

        /// <summary>
        /// Acquires one token, as <see cref="SignInAsync(CancellationToken)"/>. For <see cref="CredentialKind.DeviceCode"/> this is
        /// the person's sign-in: the service's message goes to <paramref name="observer"/>'s
        /// <see cref="IOperationObserver.OnUserMessage"/> (required), and the call waits until the code is entered, it expires,
        /// or <paramref name="cancellationToken"/> is cancelled. Afterwards <see cref="AccountId"/> is the user principal name.
        /// </summary>
        public async Task SignInAsync(IOperationObserver? observer, CancellationToken cancellationToken)
        {
            ThrowIfDisposed();

            // The token requests report to this observer (debug lines), as ARM requests report to theirs.
            using var scope = new OperationContext(observer, "Signing in").Enter();
            if (_credential is DeviceCodeCredential deviceCode)
            {
                await SignInPersonAsync(deviceCode, observer ?? throw new ArgumentNullException(nameof(observer), "A device-code sign-in needs an observer to show its message to."), cancellationToken)
                    .ConfigureAwait(false);
                return;
            }

            if (CredentialKind == CredentialKind.AccessToken)
            {
                if (_tokenExpiresOn.HasValue && _tokenExpiresOn.Value <= DateTimeOffset.UtcNow)
                {
                    throw new KustoAuthenticationException(
                        "AccessTokenExpired",
                        "The access token expired at " + _tokenExpiresOn.Value.ToString("u", System.Globalization.CultureInfo.InvariantCulture)
                        + ". Get a new token and connect again.",
                        null);
                }

                return;
            }

            AccessToken token;
            try
            {
                // Exactly the request the ARM pipeline makes (same scope, CAE enabled), so its first call finds this token in
                // the credential's cache instead of asking Entra ID a second time.
                token = await _credential.GetTokenAsync(new TokenRequestContext(new[] { _scope }, isCaeEnabled: true), cancellationToken).ConfigureAwait(false);
            }
            catch (AuthenticationFailedException ex)
            {
                throw SignInErrors.Explain(ErrorTranslator.Authentication(ex, Describe(), _secret), CredentialKind);
            }

            // A managed identity or a token provider tells who it is only in its token; a service principal's tenant and
            // client id are known, so its token is not read.
            if (TenantId != null && AccountId != null && CredentialKind != CredentialKind.ManagedIdentity)
            {
                return;
            }

            var claims = TokenClaims.Read(token.Token);
            if (TenantId == null)
            {
                TenantId = claims.TenantId;
            }

            if ((CredentialKind == CredentialKind.ManagedIdentity || AccountId == null) && claims.Account != null)
            {
                AccountId = claims.Account;
            }
        }

        private async Task SignInPersonAsync(DeviceCodeCredential credential, IOperationObserver observer, CancellationToken cancellationToken)
        {
            _prompt!.Observer = observer;
            try
            {
                // Azure.Identity keeps CAE and non-CAE tokens in separate caches, and the ARM pipeline asks with CAE enabled:
                // sign in the same way, or its first silent request would find no account.
                var context = new TokenRequestContext(new[] { _scope }, isCaeEnabled: true);
                var record = await credential.AuthenticateAsync(context, cancellationToken).ConfigureAwait(false);
                TenantId = record.TenantId;
                AccountId = record.Username;
            }
            catch (AuthenticationFailedException ex)
            {
                throw SignInErrors.Explain(ErrorTranslator.Authentication(ex, Describe(), _secret), CredentialKind);
            }
            finally
            {
                _prompt.Observer = null;
            }
        }

        private string Describe()
        {
            switch (CredentialKind)
            {
                case CredentialKind.DeviceCode:
                    return "the device-code sign-in" + (TenantId == null ? string.Empty : " to tenant '" + TenantId + "'");
                case CredentialKind.ManagedIdentity:
                    return "the managed identity" + (AccountId == null ? string.Empty : " '" + AccountId + "'");
                case CredentialKind.TokenProvider:
                    return "'" + (AccountId ?? "the signed-in account") + "'";
                default:
                    return "application '" + AccountId + "' in tenant '" + TenantId + "'";
            }
        }

        /// <summary>
        /// Disposes the credential and the transport the session made for a pinned certificate; <see cref="SignInAsync(CancellationToken)"/>
        /// then throws <see cref="ObjectDisposedException"/>. Safe to call more than once.
        /// </summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            (_credential as IDisposable)?.Dispose();
            _ownedTransport?.Dispose();
        }

        /// <summary>"KustoSession(environment or endpoint, credential kind, account)"; never a secret.</summary>
        /// <returns>The display text.</returns>
        public override string ToString() =>
            "KustoSession(" + (EnvironmentName ?? ArmEndpoint.ToString()) + ", " + CredentialKind + ", " + (AccountId ?? "unknown account") + ")";

        /// <summary>
        /// The audience as ArmEnvironment wants it: it appends "/.default" itself, so a trailing slash would make its scope
        /// "https://management.azure.com//.default", a different entry in the token cache from <see cref="ScopeOf"/>'s.
        /// </summary>
        internal static string ArmAudienceOf(string audience) => audience.TrimEnd('/');

        internal static string ScopeOf(string audience) => ArmAudienceOf(audience) + "/.default";

        private static void Validate(ConnectionOptions options)
        {
            if (options.ArmEndpoint == null || !options.ArmEndpoint.IsAbsoluteUri || options.ArmEndpoint.Scheme != Uri.UriSchemeHttps)
            {
                throw new KustoValidationException("InvalidArmEndpoint", "The ARM endpoint must be an absolute https URL.", nameof(options.ArmEndpoint));
            }

            if (options.AuthorityHost == null || !options.AuthorityHost.IsAbsoluteUri || options.AuthorityHost.Scheme != Uri.UriSchemeHttps)
            {
                throw new KustoValidationException("InvalidAuthorityHost", "The authority host must be an absolute https URL.", nameof(options.AuthorityHost));
            }

            if (string.IsNullOrWhiteSpace(options.Audience) || !Uri.TryCreate(options.Audience, UriKind.Absolute, out _))
            {
                throw new KustoValidationException("InvalidAudience", "The audience must be an absolute URI such as https://management.azure.com/.", nameof(options.Audience));
            }

            if (options.SubscriptionId != null)
            {
                KustoRules.ValidateSubscriptionId(options.SubscriptionId);
            }

            if (options.TenantId != null && !TenantPattern.IsMatch(options.TenantId))
            {
                throw new KustoValidationException(
                    "InvalidTenantId",
                    "The tenant '" + options.TenantId + "' is not valid: use the tenant GUID or a domain name such as contoso.onmicrosoft.com.",
                    nameof(options.TenantId));
            }

            CredentialFactory.Validate(options);

            if (options.TrustedCertificatePath != null)
            {
                LoadCertificate(options.TrustedCertificatePath);
            }
        }

        /// <summary>Reads a PEM ("-----BEGIN CERTIFICATE-----") or DER certificate file.</summary>
        internal static byte[] LoadCertificate(string path)
        {
            if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
            {
                throw new KustoValidationException("TrustedCertificateNotFound", "The trusted certificate file '" + path + "' does not exist.", "TrustedCertificatePath");
            }

            try
            {
                var bytes = File.ReadAllBytes(path);
                var text = Encoding.ASCII.GetString(bytes);
                const string Begin = "-----BEGIN CERTIFICATE-----";
                const string End = "-----END CERTIFICATE-----";
                var start = text.IndexOf(Begin, StringComparison.Ordinal);
                if (start >= 0)
                {
                    var end = text.IndexOf(End, start, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        throw new FormatException("The PEM block has no END line.");
                    }

                    var base64 = text.Substring(start + Begin.Length, end - start - Begin.Length);
                    bytes = Convert.FromBase64String(new string(base64.Where(c => !char.IsWhiteSpace(c)).ToArray()));
                }

                using var certificate = new X509Certificate2(bytes);
                return certificate.RawData;
            }
            catch (Exception ex) when (ex is FormatException || ex is CryptographicException || ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new KustoValidationException(
                    "InvalidTrustedCertificate",
                    "The trusted certificate file '" + path + "' could not be read as a PEM or DER certificate: " + ex.Message,
                    "TrustedCertificatePath");
            }
        }

        /// <summary>A transport that accepts exactly one server certificate, and nothing else.</summary>
        private static HttpClientTransport CreatePinnedTransport(byte[] pinned)
        {
#pragma warning disable CA2000 // The handler is owned and disposed by the transport's HttpClient.
            var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) =>
                    certificate != null && certificate.RawData.AsSpan().SequenceEqual(pinned),
            };
#pragma warning restore CA2000
            return new HttpClientTransport(handler);
        }

        private void ThrowIfDisposed()
        {
            if (Volatile.Read(ref _disposed) == 1)
            {
                throw new ObjectDisposedException(nameof(KustoSession));
            }
        }
    }

    /// <summary>Engine knobs that tests turn (transport, intervals); the defaults are the product's.</summary>
    internal sealed class EngineSettings
    {
        /// <summary>Replaces the HTTP transport (tests); null uses the default or the pinned one.</summary>
        internal HttpPipelineTransport? Transport { get; set; }

        /// <summary>Interval between two polls of a long-running operation when ARM sends no Retry-After.</summary>
        internal TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>First delay of Azure.Core's retry policy (exponential afterwards; Retry-After honoured).</summary>
        internal TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.8);

        /// <summary>The longest Retry-After a wait honours between two polls (a longer one is cut to this, and the progress record says so).</summary>
        internal TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);
    }
}
