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
}
