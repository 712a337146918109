using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using KustoConnect.Emulator.Client;
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

        /// <summary>Parameter set: a service principal with a certificate file (PFX or PEM).</summary>
        public const string CertificateFileSet = "ServicePrincipalCertificateFile";

        /// <summary>Parameter set: a service principal with a certificate from the Windows certificate store.</summary>
        public const string CertificateThumbprintSet = "ServicePrincipalCertificateThumbprint";

        /// <summary>Parameter set: the managed identity of the host.</summary>
        public const string ManagedIdentitySet = "ManagedIdentity";

        /// <summary>Parameter set: the AZURE_* environment variables (secret, certificate or workload identity federation).</summary>
        public const string EnvironmentVariablesSet = "EnvironmentVariables";

        /// <summary>Parameter set: a person, with the device-code flow.</summary>
        public const string DeviceAuthenticationSet = "DeviceAuthentication";

        /// <summary>Parameter set: the KustoConnect emulator started in this session or running on a data folder.</summary>
        public const string EmulatorSet = "Emulator";

        /// <summary>Sign in as a service principal (application).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
        public SwitchParameter ServicePrincipal { get; set; }

        /// <summary>The Entra ID tenant (directory) id or domain.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
        [Parameter(ParameterSetName = AccessTokenSet)]
        [Parameter(ParameterSetName = DeviceAuthenticationSet)]
        [ValidateNotNullOrEmpty]
        [Alias("Tenant")]
        public string? TenantId { get; set; }

        /// <summary>The application (client) id as user name and the client secret as password.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ServicePrincipalSet)]
        [ValidateNotNull]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>
        /// The application (client) id of the service principal that owns the certificate. With -UseDeviceAuthentication: the
        /// public client to sign in through (default: Azure PowerShell's, 1950a258-227b-4e31-a9cf-717495945fc2, as Az.Accounts).
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
        [Parameter(ParameterSetName = DeviceAuthenticationSet)]
        [ValidateNotNullOrEmpty]
        [Alias("ClientId")]
        public string? ApplicationId { get; set; }

        /// <summary>A PFX (PKCS#12) file, or a PEM file with the certificate and its unencrypted private key.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
        [ValidateNotNullOrEmpty]
        public string? CertificatePath { get; set; }

        /// <summary>The password of the PFX file.</summary>
        [Parameter(ParameterSetName = CertificateFileSet)]
        [ValidateNotNull]
        public SecureString? CertificatePassword { get; set; }

        /// <summary>The thumbprint of a certificate in the CurrentUser or LocalMachine "My" store (Windows only).</summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
        [ValidateNotNullOrEmpty]
        public string? CertificateThumbprint { get; set; }

        /// <summary>Sign in with the managed identity of this host (Azure Automation, App Service, Functions, VMs).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ManagedIdentitySet)]
        public SwitchParameter Identity { get; set; }

        /// <summary>
        /// Sign in as the service principal the AZURE_* environment variables describe: AZURE_TENANT_ID, AZURE_CLIENT_ID and
        /// one of AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH (+ AZURE_CLIENT_CERTIFICATE_PASSWORD) or
        /// AZURE_FEDERATED_TOKEN_FILE (workload identity federation, e.g. Kubernetes or GitHub Actions).
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = EnvironmentVariablesSet)]
        public SwitchParameter EnvironmentVariables { get; set; }

        /// <summary>
        /// Sign a person in with a device code: the cmdlet shows the service's message ("To sign in, use a web browser to open
        /// the page ... and enter the code ...") through the host, as Write-Host does, and waits until the code is entered on
        /// any device (Ctrl+C stops the wait). Without -TenantId the person's home tenant is used.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = DeviceAuthenticationSet)]
        [Alias("DeviceCode")]
        public SwitchParameter UseDeviceAuthentication { get; set; }

        /// <summary>
        /// Sign in to the KustoConnect emulator started by Start-KustoEmulator in this session (or, with -DataDirectory, to the
        /// emulator running on that data folder) as its world's first service principal with a client secret and the
        /// Contributor or Owner role, trusting exactly the emulator's certificate.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = EmulatorSet)]
        public SwitchParameter Emulator { get; set; }

        /// <summary>
        /// With -Emulator: the data folder of a running emulator (started by Start-KustoEmulator -DataDirectory in any session,
        /// or by `dotnet KustoConnect.Emulator.dll --data-dir`); its emulator.json says where it listens.
        /// </summary>
        [Parameter(ParameterSetName = EmulatorSet)]
        [ValidateNotNullOrEmpty]
        public string? DataDirectory { get; set; }

        /// <summary>An access token for Azure Resource Manager.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
        [ValidateNotNull]
        public SecureString? AccessToken { get; set; }

        /// <summary>
        /// With -AccessToken: the account the token belongs to (shown by Get-KustoContext). With -Identity: the client id of a
        /// user-assigned managed identity (omit it for the system-assigned identity).
        /// </summary>
        [Parameter(ParameterSetName = AccessTokenSet)]
        [Parameter(ParameterSetName = ManagedIdentitySet)]
        [ValidateNotNullOrEmpty]
        public string? AccountId { get; set; }

        /// <summary>The Azure cloud: AzureCloud (default), AzureChinaCloud or AzureUSGovernment.</summary>
        [Parameter]
        [ValidateSet("AzureCloud", "AzureChinaCloud", "AzureUSGovernment", IgnoreCase = true)]
        public string? Environment { get; set; }

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
            if (ParameterSetName == EmulatorSet)
            {
                Connect(EmulatorConnectionOptions());
                return;
            }

            var cloud = KustoCloud.Get(Environment ?? KustoCloud.AzureCloud.Name);
            var authorityHost = AuthorityHost;
            if (authorityHost == null && Environment == null && ParameterSetName == EnvironmentVariablesSet
                && System.Environment.GetEnvironmentVariable("AZURE_AUTHORITY_HOST") is { Length: > 0 } fromVariable)
            {
                authorityHost = new Uri(fromVariable);
            }

            var custom = ArmEndpoint != null || authorityHost != null || Audience != null;
            var options = new ConnectionOptions
            {
                SubscriptionId = SubscriptionId,
                ArmEndpoint = ArmEndpoint ?? cloud.ArmEndpoint,
                AuthorityHost = authorityHost ?? cloud.AuthorityHost,
                Audience = Audience ?? cloud.Audience,
                TrustedCertificatePath = TrustedCertificatePath == null ? null : ResolveFile(TrustedCertificatePath, "trusted certificate"),
                EnvironmentName = custom ? "Custom" : cloud.Name,
                TenantId = TenantId,
            };

            switch (ParameterSetName)
            {
                case ServicePrincipalSet:
                    options.CredentialKind = CredentialKind.ServicePrincipalSecret;
                    options.ClientId = Credential!.UserName;
                    options.ClientSecret = Credential.Password;
                    break;
                case CertificateFileSet:
                    options.CredentialKind = CredentialKind.ServicePrincipalCertificate;
                    options.ClientId = ApplicationId;
                    options.CertificatePath = ResolveFile(CertificatePath!, "certificate");
                    options.CertificatePassword = CertificatePassword;
                    break;
                case CertificateThumbprintSet:
                    options.CredentialKind = CredentialKind.ServicePrincipalCertificate;
                    options.ClientId = ApplicationId;
                    options.CertificateThumbprint = CertificateThumbprint;
                    break;
                case ManagedIdentitySet:
                    options.CredentialKind = CredentialKind.ManagedIdentity;
                    options.ManagedIdentityClientId = AccountId;
                    break;
                case EnvironmentVariablesSet:
                    options.CredentialKind = CredentialKind.EnvironmentVariables;
                    break;
                case DeviceAuthenticationSet:
                    if (SkipValidation.IsPresent)
                    {
                        ThrowTerminatingError(new ErrorRecord(
                            new ArgumentException("-SkipValidation cannot be used with -UseDeviceAuthentication: the person signs in now, by entering the code."),
                            "DeviceAuthenticationCannotSkipValidation", ErrorCategory.InvalidArgument, nameof(SkipValidation)));
                    }

                    options.CredentialKind = CredentialKind.DeviceCode;
                    options.ClientId = ApplicationId;
                    break;
                default:
                    options.CredentialKind = CredentialKind.AccessToken;
                    options.ClientId = AccountId;
                    options.AccessToken = AccessToken;
                    break;
            }

            Connect(options);
        }

        private void Connect(ConnectionOptions options)
        {
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
                    WriteVerbose($"Signing in ({options.CredentialKind}, {options.EnvironmentName}): requesting a token for {options.Audience} as {Who(options)}.");
                    RunEngine((observer, token) => session.SignInAsync(observer, token));
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

            if (session.TokenExpiresOn is DateTimeOffset expires)
            {
                if (expires <= DateTimeOffset.UtcNow)
                {
                    session.Dispose();
                    ThrowTerminatingError(ToErrorRecord(
                        new KustoAuthenticationException(
                            "AccessTokenExpired",
                            "The access token expired at " + expires.ToString("u", System.Globalization.CultureInfo.InvariantCulture) + ". Get a new token and connect again.",
                            null),
                        null));
                    return;
                }

                if (expires - DateTimeOffset.UtcNow < KustoOperationCmdlet.DefaultTimeout)
                {
                    WriteWarning(
                        "The access token expires at " + expires.ToString("u", System.Globalization.CultureInfo.InvariantCulture)
                        + " and cannot be renewed: a wait for a long-running operation that lasts beyond then ends with an error that says how to resume it (after connecting again).");
                }
            }

            SessionStore.Set(session);
            WriteObject(new KustoContext(session));
        }

        /// <summary>The emulator's connection: this session's emulator, or the one whose connection file is in -DataDirectory.</summary>
        private ConnectionOptions EmulatorConnectionOptions()
        {
            foreach (var name in new[] { nameof(Environment), nameof(ArmEndpoint), nameof(AuthorityHost), nameof(Audience), nameof(TrustedCertificatePath) })
            {
                if (MyInvocation.BoundParameters.ContainsKey(name))
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException($"-{name} cannot be used with -Emulator: the emulator says where it listens and which certificate it serves."),
                        "EmulatorParameterConflict", ErrorCategory.InvalidArgument, name));
                }
            }

            try
            {
                EmulatorConnection connection;
                if (DataDirectory != null)
                {
                    connection = EmulatorConnection.ReadFile(ResolveLocalPath(DataDirectory));
                }
                else
                {
                    var emulator = EmulatorStore.Current;
                    if (emulator == null)
                    {
                        throw new EmulatorException(
                            "NoEmulatorStarted", ErrorCategory.ObjectNotFound,
                            "No emulator was started in this session. Run Start-KustoEmulator, or give -DataDirectory with the data folder of a running emulator.");
                    }

                    if (emulator.HasExited)
                    {
                        throw new EmulatorException(
                            "EmulatorNotRunning", ErrorCategory.ResourceUnavailable,
                            $"The emulator started in this session (process {emulator.ProcessId}) has exited. Run Stop-KustoEmulator, then Start-KustoEmulator.");
                    }

                    connection = emulator.Connection;
                }

                return RunEngine((observer, token) => EmulatorSignIn.CreateConnectionOptionsAsync(connection, SubscriptionId, token));
            }
            catch (EmulatorClientException e)
            {
                ThrowTerminatingError(EmulatorException.From(e).ToErrorRecord(DataDirectory));
                return null!;
            }
            catch (EmulatorException e)
            {
                ThrowTerminatingError(e.ToErrorRecord(DataDirectory));
                return null!;
            }
        }

        private static string Who(ConnectionOptions options)
        {
            switch (options.CredentialKind)
            {
                case CredentialKind.ManagedIdentity:
                    return options.ManagedIdentityClientId == null ? "the system-assigned managed identity" : "the user-assigned managed identity " + options.ManagedIdentityClientId;
                case CredentialKind.EnvironmentVariables:
                    return "the service principal of the AZURE_* environment variables (" + (EnvironmentSignIn.DescribeEnvironmentVariables() ?? "incomplete") + ")";
                case CredentialKind.AccessToken:
                    return "the given access token";
                case CredentialKind.DeviceCode:
                    return "a person with a device code, through public client " + (options.ClientId ?? ConnectionOptions.DefaultPublicClientId) + " from " + options.AuthorityHost;
                default:
                    return "application " + options.ClientId + " from " + options.AuthorityHost;
            }
        }

        /// <summary>
        /// A file-system path: an absolute one as it is (no PowerShell provider involved, so it resolves even while a
        /// runspace's drives are still being set up), anything else (relative, ~, PSDrive:) through the provider.
        /// </summary>
        private string ResolveLocalPath(string path)
        {
            if (Path.IsPathRooted(path) && !path.StartsWith("~", StringComparison.Ordinal)
                && (Path.DirectorySeparatorChar == '/' || (path.Length > 2 && path[1] == ':') || path.StartsWith(@"\\", StringComparison.Ordinal)))
            {
                return Path.GetFullPath(path);
            }

            return GetUnresolvedProviderPathFromPSPath(path);
        }

        private string ResolveFile(string path, string what)
        {
            var resolved = ResolveLocalPath(path);
            if (!File.Exists(resolved))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new FileNotFoundException($"The {what} file '{resolved}' does not exist.", resolved),
                    what == "certificate" ? "CertificateNotFound" : "TrustedCertificateNotFound", ErrorCategory.ObjectNotFound, path));
            }

            return resolved;
        }
    }
}
