using System;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>
    /// A person's session: DeviceCodeCredential (Azure.Identity + MSAL) against the emulator with auto-approval and
    /// one-minute tokens, which MSAL counts as about to expire, so that every ARM call goes through its refresh-token path.
    /// </summary>
    public sealed class DeviceCodeSessionTests : IAsyncLifetime
    {
        private EmulatorHost _host = null!;

        public async Task InitializeAsync()
        {
            _host = await EmulatorHost.StartAsync(new EmulatorOptions { OperationDuration = TimeSpan.FromSeconds(0.2) });
            var pinned = _host.Certificate.GetCertHashString();
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == pinned,
            };
            using var admin = new HttpClient(handler) { BaseAddress = _host.BaseUri };
            using var body = new StringContent("{\"tokenLifetimeSeconds\":60,\"autoApproveDeviceCodes\":true}", Encoding.UTF8, "application/json");
            (await admin.PostAsync("_emulator/settings", body)).EnsureSuccessStatusCode();
        }

        public async Task DisposeAsync() => await _host.DisposeAsync();

        [Fact]
        public async Task The_prompt_reaches_the_observer_the_account_is_the_user_and_later_calls_refresh_silently()
        {
            using var session = KustoSession.Create(Options());
            var observer = new RecordingObserver();

            await session.SignInAsync(observer, CancellationToken.None);

            var message = Assert.Single(observer.UserMessages);
            Assert.StartsWith("To sign in, use a web browser to open the page https://", message, StringComparison.Ordinal);
            Assert.Equal(DefaultWorld.UserPrincipalName, session.AccountId);
            Assert.Equal(DefaultWorld.TenantId, session.TenantId);
            Assert.Equal(CredentialKind.DeviceCode, session.CredentialKind);

            var database = DatabaseRef.Create(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, DefaultWorld.ClusterName, DefaultWorld.DatabaseName);
            Assert.Empty(await session.DataConnections.ListAsync(database, CancellationToken.None));
            Assert.Empty(await session.DataConnections.ListAsync(database, CancellationToken.None));

            var log = _host.RequestLog;
            Assert.Single(log, e => e.Path.Contains("/oauth2/v2.0/devicecode", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(log, e => e.StatusCode == 401 || e.StatusCode == 403);
            var tokenRequests = log.Count(e => e.Method == "POST" && e.Path.Contains("/oauth2/v2.0/token", StringComparison.OrdinalIgnoreCase) && e.StatusCode == 200);
            Assert.True(tokenRequests >= 2, $"expected the redeemed device code and at least one refresh, saw {tokenRequests} token response(s)");
        }

        [Fact]
        public async Task Signing_a_person_in_without_an_observer_is_refused_before_any_request()
        {
            using var session = KustoSession.Create(Options());

            await Assert.ThrowsAsync<ArgumentNullException>(() => session.SignInAsync(CancellationToken.None));

            Assert.DoesNotContain(_host.RequestLog, e => e.Path.Contains("/oauth2/", StringComparison.OrdinalIgnoreCase));
        }

        private ConnectionOptions Options() => new ConnectionOptions
        {
            CredentialKind = CredentialKind.DeviceCode,
            SubscriptionId = DefaultWorld.SubscriptionId,
            ArmEndpoint = _host.BaseUri,
            AuthorityHost = _host.BaseUri,
            TrustedCertificatePath = _host.CertificatePath,
            EnvironmentName = "Emulator",
        };
    }
}
