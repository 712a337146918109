using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>A connection dropped without a response (the emulator's dropConnection fault) is retried by Azure.Core.</summary>
    public sealed class DroppedConnectionTests : IAsyncLifetime
    {
        private EmulatorHost _host = null!;

        public async Task InitializeAsync()
        {
            _host = await EmulatorHost.StartAsync(new EmulatorOptions { OperationDuration = TimeSpan.FromSeconds(0.2) });
        }

        public async Task DisposeAsync()
        {
            await _host.DisposeAsync();
        }

        private async Task DropNextAsync(string method, string pathPattern)
        {
            var pinned = _host.Certificate.Thumbprint;
            using var admin = new HttpClient(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert != null && cert.Thumbprint == pinned,
            })
            { BaseAddress = _host.BaseUri };
            var fault = new JsonObject { ["method"] = method, ["pathPattern"] = pathPattern, ["dropConnection"] = true };
            using var response = await admin.PostAsync("_emulator/faults", new StringContent(fault.ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        [Fact]
        public async Task A_dropped_PUT_and_a_dropped_GET_are_retried_and_the_calls_succeed()
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
            var name = string.Concat("dropped-", Guid.NewGuid().ToString("N").AsSpan(0, 8));
            var target = DataConnectionRef.Create(
                DatabaseRef.Create(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, DefaultWorld.ClusterName, DefaultWorld.DatabaseName), name);
            var resourcePath = $"/dataConnections/{name}$";

            await DropNextAsync("PUT", resourcePath);
            var created = await session.DataConnections.CreateOrUpdateAsync(target, new IotHubDataConnection
            {
                Location = DefaultWorld.Location,
                IotHubResourceId = DefaultWorld.IotHubResourceId,
                ConsumerGroup = "$Default",
                SharedAccessPolicyName = "iothubforread",
                TableName = DefaultWorld.StormEventsTable,
                MappingRuleName = DefaultWorld.StormEventsCsvMapping,
                DataFormat = "csv",
            }, observer: null, CancellationToken.None);
            Assert.Equal("Succeeded", created.ProvisioningState);

            await DropNextAsync("GET", resourcePath);
            var fetched = await session.DataConnections.GetAsync(target, CancellationToken.None);
            Assert.Equal(name, fetched.Name);

            var resourceRequests = _host.RequestLog
                .Where(e => e.Path.Split('?')[0].EndsWith("/dataConnections/" + name, StringComparison.OrdinalIgnoreCase))
                .Select(e => e.Method + " " + e.StatusCode)
                .ToList();
            // The dropped request (status 0: no response) is followed by its retry; GETs after the create are the SDK's own.
            Assert.Equal(new[] { "PUT 0", "PUT 201" }, resourceRequests.Where(r => r.StartsWith("PUT", StringComparison.Ordinal)));
            var gets = resourceRequests.Where(r => r.StartsWith("GET", StringComparison.Ordinal)).ToList();
            Assert.Equal(new[] { "GET 0", "GET 200" }, gets.Skip(gets.Count - 2));
        }
    }
}
