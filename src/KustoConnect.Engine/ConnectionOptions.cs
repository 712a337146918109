using System;
using System.Security;

namespace KustoConnect.Engine
{
    /// <summary>What <see cref="KustoSession.Create(ConnectionOptions)"/> needs. Checked without any network call.</summary>
    public sealed class ConnectionOptions
    {
        /// <summary>Azure PowerShell's well-known public client id (the one Az.Accounts signs people in with).</summary>
        public const string DefaultPublicClientId = "1950a258-227b-4e31-a9cf-717495945fc2";

        /// <summary>How the session signs in; decides which of the other credential properties are required.</summary>
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

        /// <summary>The service principal's client secret (<see cref="CredentialKind.ServicePrincipalSecret"/>).</summary>
        public SecureString? ClientSecret { get; set; }

        /// <summary>The bearer token to send as is (<see cref="CredentialKind.AccessToken"/>); its claims name the tenant and account.</summary>
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

        /// <summary>
        /// The subscription used when a command names none (<see cref="KustoSession.SubscriptionId"/>); for
        /// <see cref="CredentialKind.EnvironmentVariables"/> it defaults to AZURE_SUBSCRIPTION_ID.
        /// </summary>
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

    }
}
