using System;
using KustoConnect.Engine.Internal;

namespace KustoConnect.Engine
{
    /// <summary>
    /// How a session signs in from its environment when nobody ran Connect-KustoAccount, after a signed-in Az.Accounts
    /// context (which only the cmdlet layer can ask, through PowerShell): first the AZURE_* variables of a service
    /// principal or workload identity (as the Azure CLI, Terraform and Azure.Identity's EnvironmentCredential read them),
    /// then the managed identity of App Service and Azure Automation (IDENTITY_ENDPOINT + IDENTITY_HEADER). Nothing is
    /// probed over the network to find out. Every environment variable the engine reads for a sign-in is read here or in
    /// the credential factory, nowhere in the cmdlets.
    /// </summary>
    public static class EnvironmentSignIn
    {
        /// <summary>The ARM endpoint for environment-variable and managed-identity sign-in (default: AzureCloud's).</summary>
        public const string ArmEndpointVariable = "KUSTOCONNECT_ARM_ENDPOINT";

        /// <summary>The token audience with <see cref="ArmEndpointVariable"/> (default: AzureCloud's).</summary>
        public const string AudienceVariable = "KUSTOCONNECT_AUDIENCE";

        /// <summary>A certificate to pin TLS to (the emulator's), as Connect-KustoAccount -TrustedCertificatePath.</summary>
        public const string TrustedCertificateVariable = "KUSTOCONNECT_TRUSTED_CERTIFICATE_PATH";

        /// <summary>The managed-identity endpoint of App Service and Azure Automation.</summary>
        public const string IdentityEndpointVariable = "IDENTITY_ENDPOINT";

        /// <summary>The secret header value that goes with <see cref="IdentityEndpointVariable"/>.</summary>
        public const string IdentityHeaderVariable = "IDENTITY_HEADER";

        /// <summary>
        /// What the AZURE_* variables describe: "client secret", "client certificate", "workload identity federation", or
        /// null when they are incomplete.
        /// </summary>
        public static string? DescribeEnvironmentVariables() => Internal.CredentialFactory.DescribeEnvironment();

        /// <summary>The certificate path of <see cref="TrustedCertificateVariable"/>, or null.</summary>
        public static string? TrustedCertificatePath => CredentialFactory.Variable(TrustedCertificateVariable);

        /// <summary>
        /// The options of the first sign-in the environment describes (the AZURE_* variables, then the managed identity),
        /// with the endpoints of <see cref="ArmEndpointVariable"/>, AZURE_AUTHORITY_HOST and <see cref="AudienceVariable"/>
        /// (AzureCloud's by default) and the pinned certificate of <see cref="TrustedCertificateVariable"/>; null when it
        /// describes none. <paramref name="verbose"/> gets one line saying what was chosen, or why nothing was.
        /// </summary>
        /// <param name="verbose">Receives the explanation (a verbose message for the user).</param>
        /// <returns>The options, or null.</returns>
        public static ConnectionOptions? FromEnvironment(Action<string> verbose)
        {
            if (verbose == null)
            {
                throw new ArgumentNullException(nameof(verbose));
            }

            var kind = DescribeEnvironmentVariables();
            if (kind != null)
            {
                verbose("Not connected with Connect-KustoAccount: signing in from the AZURE_* environment variables (" + kind + ").");
                return WithEndpoints(new ConnectionOptions { CredentialKind = CredentialKind.EnvironmentVariables });
            }

            if (CredentialFactory.Variable(IdentityEndpointVariable) == null || CredentialFactory.Variable(IdentityHeaderVariable) == null)
            {
                verbose("No AZURE_* sign-in variables and no managed-identity endpoint (IDENTITY_ENDPOINT, IDENTITY_HEADER) in the environment.");
                return null;
            }

            var clientId = CredentialFactory.Variable(CredentialFactory.ClientIdVariable);
            verbose("Not connected with Connect-KustoAccount: signing in with the managed identity of this host"
                + (clientId == null ? " (system-assigned)." : " (user-assigned, client id " + clientId + " from AZURE_CLIENT_ID)."));
            return WithEndpoints(new ConnectionOptions { CredentialKind = CredentialKind.ManagedIdentity, ManagedIdentityClientId = clientId });
        }

        private static ConnectionOptions WithEndpoints(ConnectionOptions options)
        {
            var arm = CredentialFactory.Variable(ArmEndpointVariable);
            var authority = CredentialFactory.Variable("AZURE_AUTHORITY_HOST");
            options.ArmEndpoint = arm != null ? new Uri(arm) : KustoCloud.AzureCloud.ArmEndpoint;
            options.AuthorityHost = authority != null ? new Uri(authority) : KustoCloud.AzureCloud.AuthorityHost;
            options.Audience = CredentialFactory.Variable(AudienceVariable) ?? KustoCloud.AzureCloud.Audience;
            options.EnvironmentName = arm == null && authority == null ? KustoCloud.AzureCloud.Name : "Custom";
            options.TrustedCertificatePath = TrustedCertificatePath;
            return options;
        }
    }
}
