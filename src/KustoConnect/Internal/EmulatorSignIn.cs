using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator.Client;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>A failure to start, find or connect to the emulator, with the stable id and category of its ErrorRecord.</summary>
    internal sealed class EmulatorException : Exception
    {
        public EmulatorException(string errorId, ErrorCategory category, string message, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = errorId;
            Category = category;
        }

        public string ErrorId { get; }

        public ErrorCategory Category { get; }

        /// <summary>The emulator client's failure with the category its id stands for.</summary>
        public static EmulatorException From(EmulatorClientException e) => new EmulatorException(e.ErrorId, CategoryOf(e.ErrorId), e.Message, e);

        public ErrorRecord ToErrorRecord(object? target) => new ErrorRecord(this, ErrorId, Category, target);

        private static ErrorCategory CategoryOf(string errorId)
        {
            switch (errorId)
            {
                case "DotnetNotFound":
                case "EmulatorConnectionFileNotFound":
                case "EmulatorPrincipalNotFound":
                    return ErrorCategory.ObjectNotFound;
                case "EmulatorStartTimeout":
                case "EmulatorStopTimeout":
                    return ErrorCategory.OperationTimeout;
                case "EmulatorConnectionFileUnreadable":
                case "EmulatorCertificateUnreadable":
                    return ErrorCategory.ReadError;
                case "EmulatorNotRunning":
                case "EmulatorUnreachable":
                    return ErrorCategory.ResourceUnavailable;
                case "EmulatorConnectionInfoInvalid":
                case "EmulatorConnectionRequestFailed":
                    return ErrorCategory.InvalidData;
                default:
                    return ErrorCategory.OpenError;
            }
        }
    }

    /// <summary>Signs in to a running emulator as the principal the emulator itself names (GET /_emulator/connection).</summary>
    internal static class EmulatorSignIn
    {
        /// <summary>
        /// The options that sign in as the emulator's principal with exactly its certificate trusted. The secret comes from
        /// the emulator now and lives only in the returned options (a SecureString).
        /// </summary>
        public static async Task<ConnectionOptions> CreateConnectionOptionsAsync(EmulatorConnection connection, string? subscriptionId, CancellationToken cancellationToken)
        {
            EmulatorCredentials credentials;
            try
            {
                credentials = await EmulatorCredentials.GetAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (EmulatorClientException e)
            {
                throw EmulatorException.From(e);
            }

            if (string.IsNullOrEmpty(credentials.ClientId) || credentials.ClientSecret == null)
            {
                throw new EmulatorException(
                    "EmulatorPrincipalNotFound", ErrorCategory.ObjectNotFound,
                    $"The emulator at {connection.Url} has no service principal with a client secret and the Contributor or Owner role in its world. "
                    + "Add one to the world file, or sign in with Connect-KustoAccount -ServicePrincipal -ArmEndpoint "
                    + $"{connection.Url} -AuthorityHost {connection.Url} -TrustedCertificatePath '{connection.CertificatePath}'.");
            }

            return new ConnectionOptions
            {
                CredentialKind = CredentialKind.ServicePrincipalSecret,
                TenantId = credentials.TenantId,
                ClientId = credentials.ClientId,
                ClientSecret = credentials.ClientSecret,
                SubscriptionId = string.IsNullOrEmpty(subscriptionId) ? credentials.SubscriptionId : subscriptionId,
                ArmEndpoint = connection.Url,
                AuthorityHost = connection.Url,
                Audience = KustoCloud.AzureCloud.Audience,
                TrustedCertificatePath = connection.CertificatePath,
                EnvironmentName = "Emulator",
            };
        }
    }
}
