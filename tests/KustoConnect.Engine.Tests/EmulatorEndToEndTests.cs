using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>Starts one emulator for the tests of this class (each test uses its own data connection names).</summary>
    public sealed class EmulatorFixture : IAsyncLifetime
    {
        public EmulatorHost Host { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Host = await EmulatorHost.StartAsync(new EmulatorOptions { OperationDuration = TimeSpan.FromSeconds(0.2) });

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    /// <summary>The engine against the real emulator: real client-credentials sign-in, pinned TLS, real LROs.</summary>
    public sealed class EmulatorEndToEndTests : IClassFixture<EmulatorFixture>
    {
        private readonly EmulatorHost _host;

        public EmulatorEndToEndTests(EmulatorFixture fixture) => _host = fixture.Host;

        private static DatabaseRef Database => DatabaseRef.Create(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, DefaultWorld.ClusterName, DefaultWorld.DatabaseName);

        private ConnectionOptions Options(string secret = DefaultWorld.ClientSecret, string? certificatePath = null) => new ConnectionOptions
        {
            CredentialKind = CredentialKind.ServicePrincipalSecret,
            TenantId = DefaultWorld.TenantId,
            ClientId = DefaultWorld.ClientId,
            ClientSecret = Sessions.Secure(secret),
            SubscriptionId = DefaultWorld.SubscriptionId,
            ArmEndpoint = _host.BaseUri,
            AuthorityHost = _host.BaseUri,
            TrustedCertificatePath = certificatePath ?? _host.CertificatePath,
            EnvironmentName = "Emulator",
        };

        private static IotHubDataConnection Walkthrough(string table = DefaultWorld.StormEventsTable) => new IotHubDataConnection
        {
            Location = DefaultWorld.Location,
            IotHubResourceId = DefaultWorld.IotHubResourceId,
            ConsumerGroup = "$Default",
            SharedAccessPolicyName = "iothubforread",
            TableName = table,
            MappingRuleName = DefaultWorld.StormEventsCsvMapping,
            DataFormat = "csv",
        };

        [Fact]
        public async Task The_walkthrough_creates_gets_lists_and_deletes_an_IoT_Hub_connection()
        {
            using var session = KustoSession.Create(Options());
            await session.SignInAsync(CancellationToken.None);
            var target = DataConnectionRef.Create(Database, "walkthrough");
            var observer = new RecordingObserver();

            var created = await session.DataConnections.CreateOrUpdateAsync(target, Walkthrough(), observer, CancellationToken.None);

            var iot = Assert.IsType<IotHubDataConnection>(created);
            Assert.Equal("walkthrough", iot.Name);
            Assert.Equal(DefaultWorld.ClusterName, iot.ClusterName, ignoreCase: true);
            Assert.Equal(DefaultWorld.DatabaseName, iot.DatabaseName, ignoreCase: true);
            Assert.Equal("Succeeded", iot.ProvisioningState);
            Assert.Equal("$Default", iot.ConsumerGroup);
            Assert.Equal("iothubforread", iot.SharedAccessPolicyName);
            Assert.Equal("CSV", iot.DataFormat);
            Assert.Equal(DefaultWorld.StormEventsTable, iot.TableName);
            Assert.Equal(DefaultWorld.StormEventsCsvMapping, iot.MappingRuleName);
            Assert.Equal(DefaultWorld.IotHubResourceId, iot.IotHubResourceId, ignoreCase: true);
            Assert.Equal("Creating data connection 'walkthrough'", observer.Progress[^1].Activity);
            Assert.Equal("Succeeded", observer.Progress[^1].Status);
            Assert.Contains(observer.Verbose, line => line.StartsWith("PUT " + _host.BaseUri, StringComparison.Ordinal) && line.Contains("-> 201", StringComparison.Ordinal));
            Assert.DoesNotContain(observer.Verbose, line => line.Contains(DefaultWorld.ClientSecret, StringComparison.Ordinal));

            var fetched = Assert.IsType<IotHubDataConnection>(await session.DataConnections.GetAsync(target, CancellationToken.None));
            Assert.Equal(iot.Id, fetched.Id);
            Assert.Equal("CSV", fetched.DataFormat);

            var listed = await session.DataConnections.ListAsync(Database, CancellationToken.None);
            Assert.Contains(listed, c => c.Name == "walkthrough" && c is IotHubDataConnection);

            await session.DataConnections.DeleteAsync(target, observer, CancellationToken.None);

            Assert.Equal("Removing data connection 'walkthrough'", observer.Progress[^1].Activity);
            var gone = await Assert.ThrowsAsync<KustoArmException>(() => session.DataConnections.GetAsync(target, CancellationToken.None));
            Assert.Equal(404, gone.StatusCode);
            Assert.DoesNotContain((await session.DataConnections.ListAsync(Database, CancellationToken.None)), c => c.Name == "walkthrough");
        }

        [Fact]
        public async Task A_wrong_client_secret_fails_at_sign_in_without_revealing_the_secret()
        {
            const string wrong = "definitely-wrong-secret-4Kq";
            using var session = KustoSession.Create(Options(secret: wrong));

            var error = await Assert.ThrowsAsync<KustoAuthenticationException>(() => session.SignInAsync(CancellationToken.None));

            Assert.Equal("InvalidClientSecret", error.ErrorId);
            Assert.StartsWith("AADSTS", error.AadErrorCode, StringComparison.Ordinal);
            Assert.Contains(error.AadErrorCode!, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(wrong, error.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task A_connection_to_a_missing_table_ends_in_KustoOperationFailedException_with_the_code()
        {
            using var session = KustoSession.Create(Options());
            var target = DataConnectionRef.Create(Database, "missing-table");

            var error = await Assert.ThrowsAsync<KustoOperationFailedException>(
                () => session.DataConnections.CreateOrUpdateAsync(target, Walkthrough(table: "NoSuchTable"), null, CancellationToken.None));

            Assert.Equal("TableNotFound", error.Code);
            Assert.Contains("NoSuchTable", error.Message, StringComparison.Ordinal);
            Assert.NotNull(error.OperationUrl);
        }

        [Fact]
        public async Task Getting_a_data_connection_that_does_not_exist_is_a_404_KustoArmException()
        {
            using var session = KustoSession.Create(Options());

            var error = await Assert.ThrowsAsync<KustoArmException>(
                () => session.DataConnections.GetAsync(DataConnectionRef.Create(Database, "never-created"), CancellationToken.None));

            Assert.Equal(404, error.StatusCode);
            Assert.Equal("ResourceNotFound", error.Code);
            Assert.Equal("ArmResourceNotFound", error.ErrorId);
        }

        [Fact]
        public async Task A_server_certificate_other_than_the_pinned_one_is_refused()
        {
            var otherCertificate = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".cer");
            using (var key = RSA.Create(2048))
            {
                var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
                File.WriteAllBytes(otherCertificate, certificate.Export(X509ContentType.Cert));
            }

            try
            {
                // Short retry delays: the refused handshake is retried by Azure.Identity's pipeline before it gives up.
                using var session = KustoSession.Create(Options(certificatePath: otherCertificate), new EngineSettings { RetryDelay = TimeSpan.FromMilliseconds(10) });
                var tokenRequestsBefore = _host.RequestLog.Count(entry => entry.Path.Contains("/oauth2/", StringComparison.Ordinal));

                var error = await Assert.ThrowsAsync<KustoAuthenticationException>(() => session.SignInAsync(CancellationToken.None));

                Assert.Equal("AuthenticationFailed", error.ErrorId);
                Assert.Null(error.AadErrorCode);
                Assert.Equal(tokenRequestsBefore, _host.RequestLog.Count(entry => entry.Path.Contains("/oauth2/", StringComparison.Ordinal)));
            }
            finally
            {
                File.Delete(otherCertificate);
            }
        }
    }
}
