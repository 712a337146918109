using System;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>
    /// Signs in without Connect-KustoAccount, in this order: the signed-in Az.Accounts context (asked through its cmdlets,
    /// which is why this part lives in the cmdlet layer); then what the engine's <see cref="EnvironmentSignIn"/> finds in
    /// the environment (the AZURE_* variables, the managed identity of App Service / Azure Automation). Nothing is probed
    /// over the network to find out.
    /// </summary>
    internal static class AmbientSignIn
    {
        /// <summary>A session from the environment, or null when nothing in it says how to sign in.</summary>
        internal static KustoSession? TryCreate(PSCmdlet cmdlet, out AzAccountsTokenProvider? provider)
        {
            provider = null;
            var options = FromAzAccounts(cmdlet) ?? EnvironmentSignIn.FromEnvironment(cmdlet.WriteVerbose);
            if (options == null)
            {
                return null;
            }

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
                TrustedCertificatePath = EnvironmentSignIn.TrustedCertificatePath,
            };
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
