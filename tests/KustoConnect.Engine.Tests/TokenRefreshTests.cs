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
    /// An operation that outlives its access token: the emulator issues 4-second tokens and takes 7 seconds to finish
    /// the create; every poll must carry a token that is still valid, so Azure.Identity has to hand out fresh ones.
    /// </summary>
    public sealed class TokenRefreshTests : IAsyncLifetime
    {
        private EmulatorHost _host = null!;

        public async Task InitializeAsync()
        {
            _host = await EmulatorHost.StartAsync(new EmulatorOptions { OperationDuration = TimeSpan.FromSeconds(7) });
            var pinned = _host.Certificate.GetCertHashString();
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == pinned,
            };
            using var admin = new HttpClient(handler) { BaseAddress = _host.BaseUri };
            using var body = new StringContent("{\"tokenLifetimeSeconds\":4}", Encoding.UTF8, "application/json");
            (await admin.PostAsync("_emulator/settings", body)).EnsureSuccessStatusCode();
        }

        public async Task DisposeAsync() => await _host.DisposeAsync();

        [Fact]
        public async Task A_create_that_outlives_its_token_keeps_polling_with_fresh_tokens_and_succeeds()
        {
            using var session = KustoSession.Create(new ConnectionOptions
            {
                CredentialKind = CredentialKind.ServicePrincipalSecret,
                TenantId = DefaultWorld.TenantId,
                ClientId = DefaultWorld.ClientId,
                ClientSecret = Sessions.Secure(DefaultWorld.ClientSecret),
                SubscriptionId = DefaultWorld.SubscriptionId,
                ArmEndpoint = _host.BaseUri,
                AuthorityHost = _host.BaseUri,
                TrustedCertificatePath = _host.CertificatePath,
                EnvironmentName = "Emulator",
            });
            await session.SignInAsync(CancellationToken.None);
            var database = DatabaseRef.Create(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, DefaultWorld.ClusterName, DefaultWorld.DatabaseName);
            var target = DataConnectionRef.Create(database, "outlives-token");

            var created = await session.DataConnections.CreateOrUpdateAsync(
                target,
                new IotHubDataConnection
                {
                    Location = DefaultWorld.Location,
                    IotHubResourceId = DefaultWorld.IotHubResourceId,
                    ConsumerGroup = "$Default",
                    SharedAccessPolicyName = "iothubforread",
                    TableName = DefaultWorld.StormEventsTable,
                    DataFormat = "csv",
                },
                null,
                CancellationToken.None);

            Assert.Equal("Succeeded", created.ProvisioningState);
            var log = _host.RequestLog;
            Assert.DoesNotContain(log, e => e.StatusCode == 401);
            var tokenRequests = log.Count(e => e.Method == "POST" && e.Path.Contains("/oauth2/v2.0/token", StringComparison.OrdinalIgnoreCase));
            Assert.True(tokenRequests >= 2, $"expected fresh tokens during the 7 s operation with 4 s tokens, saw {tokenRequests} token request(s)");
        }
    }
}
