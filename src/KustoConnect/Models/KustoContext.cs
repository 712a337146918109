using System;
using KustoConnect.Engine;

namespace KustoConnect.Models
{
    /// <summary>What Get-KustoContext shows: who is signed in, where. Never a secret or a token.</summary>
    public sealed class KustoContext
    {
        internal KustoContext(KustoSession session)
        {
            Account = session.AccountId;
            TenantId = session.TenantId;
            SubscriptionId = session.SubscriptionId;
            Environment = session.EnvironmentName;
            CredentialKind = session.CredentialSource == null ? session.CredentialKind.ToString() : session.CredentialKind + " (" + session.CredentialSource + ")";
            ArmEndpoint = session.ArmEndpoint;
            AuthorityHost = session.AuthorityHost;
            Audience = session.Audience;
        }

        /// <summary>The client id of the service principal, or the account of the token.</summary>
        public string? Account { get; }

        /// <summary>The Entra ID tenant.</summary>
        public string? TenantId { get; }

        /// <summary>The default subscription of data cmdlets.</summary>
        public string? SubscriptionId { get; }

        /// <summary>AzureCloud, AzureChinaCloud, AzureUSGovernment or Custom.</summary>
        public string? Environment { get; }

        /// <summary>
        /// How the session signs in: ServicePrincipalSecret, ServicePrincipalCertificate, ManagedIdentity, EnvironmentVariables,
        /// AccessToken, or "TokenProvider (Az.Accounts)".
        /// </summary>
        public string CredentialKind { get; }

        /// <summary>The Azure Resource Manager endpoint.</summary>
        public Uri ArmEndpoint { get; }

        /// <summary>The Entra ID authority host that issues the tokens (e.g. https://login.microsoftonline.us/ for AzureUSGovernment).</summary>
        public Uri AuthorityHost { get; }

        /// <summary>The audience of the ARM tokens (e.g. https://management.usgovcloudapi.net/).</summary>
        public string Audience { get; }
    }
}
