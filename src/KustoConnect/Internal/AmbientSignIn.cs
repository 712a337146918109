using System;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>
    /// Signs in without Connect-KustoAccount, in this order: the signed-in Az.Accounts context; the AZURE_* environment
    /// variables of a service principal or workload identity; the managed identity of App Service / Azure Automation
    /// (IDENTITY_ENDPOINT + IDENTITY_HEADER). Nothing is probed over the network to find out.
    /// </summary>
    internal static class AmbientSignIn
    {
        /// <summary>The ARM endpoint for environment-variable and managed-identity sign-in (default: AzureCloud).</summary>
        internal const string ArmEndpointVariable = "KUSTOCONNECT_ARM_ENDPOINT";

        /// <summary>The token audience with <see cref="ArmEndpointVariable"/> (default: the cloud's, or the endpoint itself).</summary>
        internal const string AudienceVariable = "KUSTOCONNECT_AUDIENCE";

        /// <summary>A certificate to pin TLS to (the emulator's), as Connect-KustoAccount -TrustedCertificatePath.</summary>
        internal const string TrustedCertificateVariable = "KUSTOCONNECT_TRUSTED_CERTIFICATE_PATH";

        /// <summary>A session from the environment, or null when nothing in it says how to sign in.</summary>
        internal static KustoSession? TryCreate(PSCmdlet cmdlet, out AzAccountsTokenProvider? provider)
        {
            provider = null;
            var options = FromAzAccounts(cmdlet) ?? FromEnvironmentVariables(cmdlet) ?? FromManagedIdentity(cmdlet);
            if (options == null)
            {
                return null;
            }

            options.TrustedCertificatePath = Variable(TrustedCertificateVariable);
            var session = KustoSession.Create(options);
            try
            {
                if (options.TokenProvider is AzAccountsTokenProvider azAccounts)
                {
                    azAccounts.Refresh(cmdlet);
                    provider = azAccounts;
                }

                return session;
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }

        private static ConnectionOptions? FromAzAccounts(PSCmdlet cmdlet)
        {
            PSObject? context;
            using (var shell = PowerShell.Create(RunspaceMode.CurrentRunspace))
            {
                shell.AddCommand("Get-Module").AddParameter("Name", "Az.Accounts");
                if (shell.Invoke().Count == 0)
                {
                    cmdlet.WriteVerbose("Az.Accounts is not loaded.");
                    return null;
                }

                shell.Commands.Clear();
                shell.AddCommand("Get-AzContext").AddParameter("ErrorAction", "SilentlyContinue");
                context = shell.Invoke().FirstOrDefault();
            }

            var account = Text(context, "Account", "Id");
            if (context == null || account == null)
            {
                cmdlet.WriteVerbose("Az.Accounts is loaded but not signed in (Get-AzContext returned no account).");
                return null;
            }

            var cloud = KustoCloud.All.FirstOrDefault(c => string.Equals(c.Name, Text(context, "Environment", "Name"), StringComparison.OrdinalIgnoreCase));
            var arm = Text(context, "Environment", "ResourceManagerUrl");
            var audience = Text(context, "Environment", "ActiveDirectoryServiceEndpointResourceId") ?? cloud?.Audience ?? KustoCloud.AzureCloud.Audience;
            var tenant = Text(context, "Tenant", "Id");
            var subscription = Text(context, "Subscription", "Id");
            cmdlet.WriteVerbose(
                "Not connected with Connect-KustoAccount: using the Az.Accounts context of '" + account + "' (tenant " + (tenant ?? "unknown")
                + ", subscription " + (subscription ?? "none") + ", environment " + (Text(context, "Environment", "Name") ?? "unknown") + ").");
            return new ConnectionOptions
            {
                CredentialKind = CredentialKind.TokenProvider,
                TokenProvider = new AzAccountsTokenProvider(audience, account, tenant),
                TenantId = tenant,
                SubscriptionId = subscription,
                ArmEndpoint = arm != null ? new Uri(arm) : (cloud ?? KustoCloud.AzureCloud).ArmEndpoint,
                Audience = audience,
                EnvironmentName = Text(context, "Environment", "Name"),
            };
        }

        private static ConnectionOptions? FromEnvironmentVariables(PSCmdlet cmdlet)
        {
            var kind = ConnectionOptions.DescribeEnvironmentVariables();
            if (kind == null)
            {
                return null;
            }

            cmdlet.WriteVerbose("Not connected with Connect-KustoAccount: signing in from the AZURE_* environment variables (" + kind + ").");
            return WithEndpoints(new ConnectionOptions { CredentialKind = CredentialKind.EnvironmentVariables });
        }

        private static ConnectionOptions? FromManagedIdentity(PSCmdlet cmdlet)
        {
            if (Variable("IDENTITY_ENDPOINT") == null || Variable("IDENTITY_HEADER") == null)
            {
                cmdlet.WriteVerbose("No AZURE_* sign-in variables and no managed-identity endpoint (IDENTITY_ENDPOINT, IDENTITY_HEADER) in the environment.");
                return null;
            }

            var clientId = Variable("AZURE_CLIENT_ID");
            cmdlet.WriteVerbose("Not connected with Connect-KustoAccount: signing in with the managed identity of this host"
                + (clientId == null ? " (system-assigned)." : " (user-assigned, client id " + clientId + " from AZURE_CLIENT_ID)."));
            return WithEndpoints(new ConnectionOptions { CredentialKind = CredentialKind.ManagedIdentity, ManagedIdentityClientId = clientId });
        }

        private static ConnectionOptions WithEndpoints(ConnectionOptions options)
        {
            var arm = Variable(ArmEndpointVariable);
            var authority = Variable("AZURE_AUTHORITY_HOST");
            options.ArmEndpoint = arm != null ? new Uri(arm) : KustoCloud.AzureCloud.ArmEndpoint;
            options.AuthorityHost = authority != null ? new Uri(authority) : KustoCloud.AzureCloud.AuthorityHost;
            options.Audience = Variable(AudienceVariable) ?? KustoCloud.AzureCloud.Audience;
            options.EnvironmentName = arm == null && authority == null ? KustoCloud.AzureCloud.Name : "Custom";
            return options;
        }

        private static string? Variable(string name)
        {
            var value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }

        private static string? Text(PSObject? value, string property, string inner)
        {
            var first = value?.Properties[property]?.Value;
            var second = first == null ? null : PSObject.AsPSObject(first).Properties[inner]?.Value;
            var text = second?.ToString();
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }
    }
}
