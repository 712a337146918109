using System;
using System.Net.Http;
using System.Security;
using System.Text;
using Azure.Core.Pipeline;

namespace KustoConnect.Engine.Tests.Support
{
    internal static class Sessions
    {
        internal static SecureString Secure(string value)
        {
            var secure = new SecureString();
            foreach (var c in value)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        /// <summary>An unsigned JWT with the given claims (the engine only reads claims; ARM validates tokens).</summary>
        internal static string Jwt(string payloadJson)
        {
            static string Encode(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            return Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Encode(payloadJson) + ".c2lnbmF0dXJl";
        }

        /// <summary>The emulator's demo service principal, signed in over the emulator's pinned certificate.</summary>
        internal static ConnectionOptions ForEmulator(KustoConnect.Emulator.EmulatorHost host, string? environmentName = null) => new ConnectionOptions
        {
            CredentialKind = CredentialKind.ServicePrincipalSecret,
            TenantId = KustoConnect.Emulator.DefaultWorld.TenantId,
            ClientId = KustoConnect.Emulator.DefaultWorld.ClientId,
            ClientSecret = Secure(KustoConnect.Emulator.DefaultWorld.ClientSecret),
            SubscriptionId = KustoConnect.Emulator.DefaultWorld.SubscriptionId,
            ArmEndpoint = host.BaseUri,
            AuthorityHost = host.BaseUri,
            TrustedCertificatePath = host.CertificatePath,
            EnvironmentName = environmentName,
        };

        internal const string Token = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ0ZXN0In0.replay-token-value";

        /// <summary>A session that signs requests with a fixed token and sends them to <paramref name="handler"/>; short intervals.</summary>
        internal static KustoSession Replay(ScriptedHandler handler, TimeSpan? pollInterval = null) =>
            KustoSession.Create(
                new ConnectionOptions { CredentialKind = CredentialKind.AccessToken, AccessToken = Secure(Token), EnvironmentName = "Replay" },
                new EngineSettings
                {
                    Transport = new HttpClientTransport(new HttpClient(handler)),
                    PollInterval = pollInterval ?? TimeSpan.FromMilliseconds(10),
                    RetryDelay = TimeSpan.FromMilliseconds(10),
                });
    }
}
