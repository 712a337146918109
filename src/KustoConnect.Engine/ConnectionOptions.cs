using System;
using System.Security;

namespace KustoConnect.Engine
{
    /// <summary>How the session signs in.</summary>
    public enum CredentialKind
    {
        /// <summary>A service principal (client id + client secret) through the client-credentials flow.</summary>
        ServicePrincipalSecret,

        /// <summary>A bearer token obtained elsewhere (e.g. Get-AzAccessToken), used as is.</summary>
        AccessToken,

        /// <summary>A service principal signing a client assertion with a certificate (file or Windows certificate store).</summary>
        ServicePrincipalCertificate,

        /// <summary>The managed identity of the host (App Service, Azure Automation, Functions, VMs), system- or user-assigned.</summary>
        ManagedIdentity,

        /// <summary>
        /// A service principal described by environment variables: AZURE_TENANT_ID and AZURE_CLIENT_ID with AZURE_CLIENT_SECRET,
        /// AZURE_CLIENT_CERTIFICATE_PATH (and AZURE_CLIENT_CERTIFICATE_PASSWORD) or AZURE_FEDERATED_TOKEN_FILE (workload identity).
        /// </summary>
        EnvironmentVariables,

        /// <summary>Tokens handed out on demand by the host, e.g. the signed-in Az.Accounts context (see <see cref="IAccessTokenProvider"/>).</summary>
        TokenProvider,

        /// <summary>
        /// A person, through the device-code flow of a public client (Azure PowerShell's unless <see cref="ConnectionOptions.ClientId"/>
        /// names another): the service's "open the page ... and enter the code ..." message reaches
        /// <see cref="IOperationObserver.OnUserMessage"/> while <see cref="KustoSession.SignInAsync(IOperationObserver, System.Threading.CancellationToken)"/> waits.
        /// </summary>
        DeviceCode,
    }

    /// <summary>What <see cref="KustoSession.Create(ConnectionOptions)"/> needs. Checked without any network call.</summary>
    public sealed class ConnectionOptions
    {
        /// <summary>Azure PowerShell's well-known public client id (the one Az.Accounts signs people in with).</summary>
        public const string DefaultPublicClientId = "1950a258-227b-4e31-a9cf-717495945fc2";

        public CredentialKind CredentialKind { get; set; }

        /// <summary>
        /// The Entra ID tenant (GUID or domain name). Required for a service principal; for <see cref="CredentialKind.DeviceCode"/>
        /// optional ("organizations": the person's home tenant).
        /// </summary>
        public string? TenantId { get; set; }

        /// <summary>
        /// The application (client) id of the service principal; for <see cref="CredentialKind.DeviceCode"/>, the public client
        /// (default <see cref="DefaultPublicClientId"/>).
        /// </summary>
        public string? ClientId { get; set; }

        public SecureString? ClientSecret { get; set; }

        public SecureString? AccessToken { get; set; }

        /// <summary>A PFX/PKCS#12 or PEM file holding the certificate and its private key (<see cref="CredentialKind.ServicePrincipalCertificate"/>).</summary>
        public string? CertificatePath { get; set; }

        /// <summary>The password of a PFX file; null when it has none.</summary>
        public SecureString? CertificatePassword { get; set; }

        /// <summary>The thumbprint of a certificate in the CurrentUser or LocalMachine "My" store (Windows only).</summary>
        public string? CertificateThumbprint { get; set; }

        /// <summary>The client id of a user-assigned managed identity; null for the system-assigned identity.</summary>
        public string? ManagedIdentityClientId { get; set; }

        /// <summary>Hands out tokens for <see cref="CredentialKind.TokenProvider"/>.</summary>
        public IAccessTokenProvider? TokenProvider { get; set; }

        public string? SubscriptionId { get; set; }

        /// <summary>ARM's endpoint; https only (Azure.Core refuses bearer tokens over plain http).</summary>
        public Uri ArmEndpoint { get; set; } = new Uri("https://management.azure.com/");

        /// <summary>Entra ID's authority host.</summary>
        public Uri AuthorityHost { get; set; } = new Uri("https://login.microsoftonline.com/");

        /// <summary>The token audience; the scope requested is this audience + ".default".</summary>
        public string Audience { get; set; } = "https://management.azure.com/";

        /// <summary>
        /// A PEM or DER certificate file. When set, TLS to ARM and to the authority host is accepted only if the server
        /// certificate is exactly this certificate (pinning). When null, the operating system validates as usual.
        /// </summary>
        public string? TrustedCertificatePath { get; set; }

        /// <summary>"AzureCloud" or a label such as "Emulator" or "Custom" (display only).</summary>
        public string? EnvironmentName { get; set; }

        /// <summary>
        /// What the AZURE_* environment variables describe for <see cref="CredentialKind.EnvironmentVariables"/>: "client secret",
        /// "client certificate", "workload identity federation", or null when they are incomplete.
        /// </summary>
        public static string? DescribeEnvironmentVariables() => Internal.CredentialFactory.DescribeEnvironment();
    }

    /// <summary>Receives what an operation does, so that the caller can show it (Write-Progress, Write-Verbose).</summary>
    public interface IOperationObserver
    {
        void OnProgress(OperationProgress progress);

        /// <summary>One line per HTTP exchange, e.g. "PUT https://.../dataConnections/x?api-version=2024-04-13 -> 201 (correlation id ...)".</summary>
        void OnVerbose(string message);

        /// <summary>
        /// One line per HTTP attempt, ARM requests and the credential's token requests alike: method, URL (sensitive query
        /// values redacted), status, duration in ms and the request ids (x-ms-request-id, x-ms-correlation-request-id,
        /// x-ms-client-request-id). Never another header's value, never a body.
        /// </summary>
        void OnDebug(string message);

        /// <summary>
        /// A message the person at the keyboard must read now, such as the device-code prompt ("To sign in, use a web browser
        /// to open the page ... and enter the code ..."). Called on a background thread; implementations that have no person
        /// to show it to may ignore it.
        /// </summary>
        void OnUserMessage(string message);

        /// <summary>
        /// A warning about the call's item (e.g. a create that re-sends the definition to a connection left Failed);
        /// cmdlets write it to the warning stream just before the item's result or error.
        /// </summary>
        void OnWarning(string message);
    }

    /// <summary>
    /// An observer that also gives the budget of the call's waits for long-running operations (-Timeout). Without it a
    /// wait has the default budget of 60 minutes.
    /// </summary>
    public interface IWaitingObserver : IOperationObserver
    {
        /// <summary>How long a wait may last before it ends with a resumable error; zero or less for the default.</summary>
        TimeSpan WaitTimeout { get; }
    }

    /// <summary>The state of a long-running operation after one poll.</summary>
    public sealed class OperationProgress
    {
        public OperationProgress(string activity, string status, TimeSpan elapsed, int? percentComplete, string? operationUrl)
        {
            Activity = activity ?? throw new ArgumentNullException(nameof(activity));
            Status = status ?? throw new ArgumentNullException(nameof(status));
            Elapsed = elapsed;
            PercentComplete = percentComplete;
            OperationUrl = operationUrl;
        }

        /// <summary>e.g. "Creating data connection 'x'".</summary>
        public string Activity { get; }

        /// <summary>The status from the poll body (Running, Succeeded, ...) or the resource's provisioningState.</summary>
        public string Status { get; }

        public TimeSpan Elapsed { get; }

        /// <summary>0-100 when the service reports it.</summary>
        public int? PercentComplete { get; }

        /// <summary>The operation-status URL being polled, when ARM gave one.</summary>
        public string? OperationUrl { get; }

        /// <summary>Why the next poll is late, e.g. "Poll failed: HTTP 503; retry 2 in 1.6 s" or "Retry-After 45 s, capped at 30 s".</summary>
        public string? Note { get; set; }

        /// <summary>The delay before the next poll that the service's Retry-After decided (after the cap), when it did.</summary>
        public TimeSpan? RetryAfter { get; set; }

        public override string ToString() => Activity + ": " + Status;
    }
}
