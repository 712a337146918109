namespace KustoConnect.Engine.Internal
{
    /// <summary>Gives the common sign-in failures their own error id and says what to do about each.</summary>
    internal static class SignInErrors
    {
        internal static KustoAuthenticationException Explain(KustoAuthenticationException error, CredentialKind kind)
        {
            string id;
            string advice;
            switch (error.AadErrorCode)
            {
                case "AADSTS7000215":
                case "AADSTS7000222":
                    id = "InvalidClientSecret";
                    advice = "Check that you used the secret's value (not its id) and that it has not expired; create a new secret if needed.";
                    break;
                case "AADSTS90002":
                case "AADSTS900023":
                    id = "TenantNotFound";
                    advice = "Check -TenantId, and -Environment if the tenant is in another Azure cloud.";
                    break;
                case "AADSTS700016":
                    id = "ApplicationNotFound";
                    advice = "Check the application (client) id and that the application exists in this tenant.";
                    break;
                case "AADSTS700027":
                case "AADSTS700024":
                    id = "InvalidClientCertificate";
                    advice = "Upload this certificate's public key to the application's 'Certificates & secrets', or renew an expired one.";
                    break;
                case "AADSTS70019":
                case "AADSTS70020":
                    id = "DeviceCodeExpired";
                    advice = "The code was not entered in time: run Connect-KustoAccount -UseDeviceAuthentication again and enter the new code.";
                    break;
                case "AADSTS700213":
                case "AADSTS700211":
                case "AADSTS70021":
                    id = "FederatedCredentialMismatch";
                    advice = "Check that the application has a federated credential for this token's issuer and subject.";
                    break;
                default:
                    if (kind == CredentialKind.ManagedIdentity && error.AadErrorCode == null)
                    {
                        id = "ManagedIdentityUnavailable";
                        advice = "Run this where a managed identity is enabled (Azure Automation, App Service, Functions, a VM) and, for a user-assigned identity, check -AccountId.";
                        break;
                    }

                    return error;
            }

            return new KustoAuthenticationException(id, error.Message.TrimEnd('.') + ". " + advice, error.AadErrorCode, error.InnerException);
        }
    }
}
