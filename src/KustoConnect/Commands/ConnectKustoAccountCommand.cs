using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Signs in to Azure Resource Manager for the KustoConnect cmdlets of this session.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "KustoAccount", DefaultParameterSetName = ServicePrincipalSet)]
    [OutputType(typeof(KustoContext))]
    public sealed class ConnectKustoAccountCommand : KustoCmdlet
    {
        /// <summary>Parameter set: a service principal with a client secret.</summary>
        public const string ServicePrincipalSet = "ServicePrincipal";

        /// <summary>Parameter set: a raw access token.</summary>
        public const string AccessTokenSet = "AccessToken";

        private const string DefaultArmEndpoint = "https://management.azure.com/";
        private const string DefaultAuthorityHost = "https://login.microsoftonline.com/";
        private const string DefaultAudience = "https://management.azure.com/";

        /// <summary>Sign in as a service principal (application) with a client secret.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalSet)]
        public SwitchParameter ServicePrincipal { get; set; }

        /// <summary>The Entra ID tenant (directory) id or domain.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalSet)]
        [Parameter(ParameterSetName = AccessTokenSet)]
        [ValidateNotNullOrEmpty]
        [Alias("Tenant")]
        public string? TenantId { get; set; }

        /// <summary>The application (client) id as user name and the client secret as password.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalSet)]
        [ValidateNotNull]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>An access token for Azure Resource Manager.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
        [ValidateNotNull]
        public SecureString? AccessToken { get; set; }

        /// <summary>The account the access token belongs to (shown by Get-KustoContext).</summary>
        [Parameter(ParameterSetName = AccessTokenSet)]
        [ValidateNotNullOrEmpty]
        public string? AccountId { get; set; }

        /// <summary>The subscription the data cmdlets act in unless they are given -SubscriptionId.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("Subscription")]
        public string? SubscriptionId { get; set; }

        /// <summary>The Azure Resource Manager endpoint (another cloud, or the KustoConnect emulator).</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? ArmEndpoint { get; set; }

        /// <summary>The Entra ID authority host that issues tokens.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? AuthorityHost { get; set; }

        /// <summary>The audience of Azure Resource Manager tokens.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Audience { get; set; }

        /// <summary>
        /// A certificate file (PEM or DER). When given, the TLS certificates of the ARM endpoint and the authority host are
        /// trusted only if they are exactly this certificate: use it for the emulator, never needed for Azure.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TrustedCertificatePath { get; set; }

        /// <summary>Sign in now without checking the credential by requesting a token.</summary>
        [Parameter]
        public SwitchParameter SkipValidation { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var options = new ConnectionOptions
            {
                SubscriptionId = SubscriptionId,
                ArmEndpoint = ArmEndpoint ?? new Uri(DefaultArmEndpoint),
                AuthorityHost = AuthorityHost ?? new Uri(DefaultAuthorityHost),
                Audience = Audience ?? DefaultAudience,
                TrustedCertificatePath = TrustedCertificatePath == null ? null : ResolveFile(TrustedCertificatePath),
                EnvironmentName = ArmEndpoint == null && AuthorityHost == null ? "AzureCloud" : "Custom",
            };

            if (ParameterSetName == ServicePrincipalSet)
            {
                options.CredentialKind = CredentialKind.ServicePrincipalSecret;
                options.TenantId = TenantId;
                options.ClientId = Credential!.UserName;
                options.ClientSecret = Credential.Password;
            }
            else
            {
                options.CredentialKind = CredentialKind.AccessToken;
                options.TenantId = TenantId;
                options.ClientId = AccountId;
                options.AccessToken = AccessToken;
            }

            KustoSession session;
            try
            {
                session = KustoSession.Create(options);
            }
            catch (KustoException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, null));
                return;
            }

            try
            {
                if (!SkipValidation.IsPresent)
                {
                    WriteVerbose($"Requesting a token from {options.AuthorityHost} for {options.Audience} as {options.ClientId ?? "the given access token"}.");
                    RunEngine((observer, token) => session.SignInAsync(token));
                }
            }
            catch (KustoException e)
            {
                session.Dispose();
                ThrowTerminatingError(ToErrorRecord(e, null));
                return;
            }
            catch
            {
                session.Dispose();
                throw;
            }

            SessionStore.Set(session);
            WriteObject(new KustoContext(session));
        }

        private string ResolveFile(string path)
        {
            var resolved = GetUnresolvedProviderPathFromPSPath(path);
            if (!File.Exists(resolved))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new FileNotFoundException($"The trusted certificate file '{resolved}' does not exist.", resolved),
                    "TrustedCertificateNotFound", ErrorCategory.ObjectNotFound, path));
            }

            return resolved;
        }
    }
}
