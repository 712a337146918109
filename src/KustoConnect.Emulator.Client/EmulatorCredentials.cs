using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.Serialization;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Emulator.Client
{
    /// <summary>
    /// Whom to sign in to the emulator as, as the emulator itself hands it out (GET /_emulator/connection): its world's
    /// default service principal. The secret is held only as a read-only <see cref="SecureString"/>.
    /// </summary>
    public sealed class EmulatorCredentials
    {
        internal EmulatorCredentials(string tenantId, string subscriptionId, string? clientId, SecureString? clientSecret)
        {
            TenantId = tenantId;
            SubscriptionId = subscriptionId;
            ClientId = clientId;
            ClientSecret = clientSecret;
        }

        /// <summary>The tenant to sign in to.</summary>
        public string TenantId { get; }

        /// <summary>The subscription of the emulator's world.</summary>
        public string SubscriptionId { get; }

        /// <summary>The principal's client id; null when the world has no Contributor or Owner with a secret.</summary>
        public string? ClientId { get; }

        /// <summary>The principal's client secret; null when the world has none.</summary>
        public SecureString? ClientSecret { get; }

        /// <summary>Asks the emulator at <paramref name="connection"/> for its sign-in principal, trusting exactly its certificate.</summary>
        /// <param name="connection">Where the emulator is.</param>
        /// <param name="cancellationToken">Cancels the request.</param>
        /// <returns>The credentials.</returns>
        public static async Task<EmulatorCredentials> GetAsync(EmulatorConnection connection, CancellationToken cancellationToken)
        {
            if (connection is null)
            {
                throw new ArgumentNullException(nameof(connection));
            }

            byte[] pinned;
            try
            {
                pinned = ReadPem(connection.CertificatePath);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException)
            {
                throw new EmulatorClientException(
                    "EmulatorCertificateUnreadable", $"Could not read the emulator's certificate '{connection.CertificatePath}': {e.Message}", e);
            }

            string body;
            using (var handler = new HttpClientHandler())
            {
                handler.ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate != null && certificate.RawData.SequenceEqual(pinned);
                using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
                try
                {
                    using var response = await client.GetAsync(new Uri(connection.Url, "_emulator/connection"), cancellationToken).ConfigureAwait(false);
                    body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new EmulatorClientException(
                            "EmulatorConnectionRequestFailed", $"The emulator at {connection.Url} answered GET /_emulator/connection with {(int)response.StatusCode}.");
                    }
                }
                catch (HttpRequestException e)
                {
                    throw new EmulatorClientException(
                        "EmulatorUnreachable", $"The emulator at {connection.Url} did not answer: {e.Message}", e);
                }
                catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new EmulatorClientException("EmulatorUnreachable", $"The emulator at {connection.Url} did not answer within 30 s.", e);
                }
            }

            CredentialsDocument? document;
            try
            {
                document = Json.Read<CredentialsDocument>(body);
            }
            catch (Exception e) when (e is SerializationException || e is FormatException || e is InvalidCastException)
            {
                throw new EmulatorClientException("EmulatorConnectionInfoInvalid", $"The emulator at {connection.Url} sent an unusable /_emulator/connection answer.", e);
            }

            return new EmulatorCredentials(
                string.IsNullOrEmpty(document?.TenantId) ? connection.TenantId : document!.TenantId!,
                string.IsNullOrEmpty(document?.SubscriptionId) ? connection.SubscriptionId : document!.SubscriptionId!,
                string.IsNullOrEmpty(document?.ClientId) ? null : document!.ClientId,
                string.IsNullOrEmpty(document?.ClientSecret) ? null : ToSecureString(document!.ClientSecret!));
        }

        /// <summary>The DER bytes of the first certificate in a PEM file.</summary>
        internal static byte[] ReadPem(string path)
        {
            const string Begin = "-----BEGIN CERTIFICATE-----";
            const string End = "-----END CERTIFICATE-----";
            var text = File.ReadAllText(path, Encoding.ASCII);
            var start = text.IndexOf(Begin, StringComparison.Ordinal);
            var end = start < 0 ? -1 : text.IndexOf(End, start, StringComparison.Ordinal);
            if (start < 0 || end < 0)
            {
                throw new FormatException("it holds no PEM certificate");
            }

            var base64 = text.Substring(start + Begin.Length, end - start - Begin.Length);
            return Convert.FromBase64String(new string(base64.Where(c => !char.IsWhiteSpace(c)).ToArray()));
        }

        private static SecureString ToSecureString(string value)
        {
            var secure = new SecureString();
            foreach (var c in value)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        [DataContract]
        private sealed class CredentialsDocument
        {
            [DataMember(Name = "tenantId")]
            public string? TenantId { get; set; }

            [DataMember(Name = "subscriptionId")]
            public string? SubscriptionId { get; set; }

            [DataMember(Name = "clientId")]
            public string? ClientId { get; set; }

            [DataMember(Name = "clientSecret")]
            public string? ClientSecret { get; set; }
        }
    }
}
