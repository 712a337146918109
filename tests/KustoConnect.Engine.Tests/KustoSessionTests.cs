using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core.Pipeline;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    public sealed class KustoSessionTests
    {
        private const string Tenant = "8a3c1f2e-5b6d-4e7f-9a0b-1c2d3e4f5a6b";
        private const string Client = "5f0e6a4d-7c3b-4a29-8e1f-2d3c4b5a6978";
        private const string Secret = "not-the-right-secret-Zx81";

        private static ConnectionOptions ServicePrincipal() => new ConnectionOptions
        {
            CredentialKind = CredentialKind.ServicePrincipalSecret,
            TenantId = Tenant,
            ClientId = Client,
            ClientSecret = Sessions.Secure(Secret),
        };

        [Fact]
        public void Defaults_point_at_the_public_Azure_cloud()
        {
            var options = new ConnectionOptions();

            Assert.Equal(new Uri("https://management.azure.com/"), options.ArmEndpoint);
            Assert.Equal(new Uri("https://login.microsoftonline.com/"), options.AuthorityHost);
            Assert.Equal("https://management.azure.com/.default", KustoSession.ScopeOf(options.Audience));
            Assert.Equal("https://example.invalid/.default", KustoSession.ScopeOf("https://example.invalid"));
        }

        [Theory]
        [InlineData("https://management.azure.com/")]
        [InlineData("https://management.azure.com")]
        [InlineData("https://management.usgovcloudapi.net/")]
        public void The_sign_in_scope_is_the_scope_the_ARM_pipeline_asks_for(string audience)
        {
            // ArmEnvironment appends "/.default" itself: its scope must be the sign-in's, or the first ARM call misses the cache.
            var arm = new Azure.ResourceManager.ArmEnvironment(new Uri("https://management.example/"), KustoSession.ArmAudienceOf(audience));

            Assert.Equal(KustoSession.ScopeOf(audience), arm.DefaultScope);
            Assert.DoesNotContain("//.default", arm.DefaultScope, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Creating_a_session_starts_reading_the_machine_CA_store_once_per_process_on_Linux_only()
        {
            using (KustoSession.Create(ServicePrincipal()))
            {
            }

            // Started by this or an earlier session: a second start does nothing, and the read ends without an error.
            Assert.False(KustoConnect.Engine.Internal.SystemTrustWarmUp.Start());
            await KustoConnect.Engine.Internal.SystemTrustWarmUp.Completion.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Equal(System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux), KustoConnect.Engine.Internal.SystemTrustWarmUp.Applies);
            Assert.True(KustoConnect.Engine.Internal.SystemTrustWarmUp.Completion.IsCompletedSuccessfully);
        }

        [Theory]
        [InlineData(nameof(ConnectionOptions.TenantId), "MissingTenantId")]
        [InlineData(nameof(ConnectionOptions.ClientId), "MissingClientId")]
        [InlineData(nameof(ConnectionOptions.ClientSecret), "MissingClientSecret")]
        public void A_service_principal_without_tenant_client_or_secret_is_refused_before_any_network_call(string missing, string errorId)
        {
            var options = ServicePrincipal();
            typeof(ConnectionOptions).GetProperty(missing)!.SetValue(options, null);

            var error = Assert.Throws<KustoValidationException>(() => KustoSession.Create(options));

            Assert.Equal(errorId, error.ErrorId);
            Assert.Equal(missing, error.ParameterName);
        }

        [Fact]
        public void Invalid_options_are_refused_with_their_own_error_ids()
        {
            static string Fails(Action<ConnectionOptions> change)
            {
                var options = ServicePrincipal();
                change(options);
                return Assert.Throws<KustoValidationException>(() => KustoSession.Create(options)).ErrorId;
            }

            Assert.Equal("InvalidArmEndpoint", Fails(o => o.ArmEndpoint = new Uri("http://127.0.0.1:5000/")));
            Assert.Equal("InvalidAuthorityHost", Fails(o => o.AuthorityHost = new Uri("http://127.0.0.1:5000/")));
            Assert.Equal("InvalidAudience", Fails(o => o.Audience = "not a uri"));
            Assert.Equal("InvalidSubscriptionId", Fails(o => o.SubscriptionId = "abc"));
            Assert.Equal("InvalidTenantId", Fails(o => o.TenantId = "bad tenant/"));
            Assert.Equal("MissingAccessToken", Fails(o => o.CredentialKind = CredentialKind.AccessToken));
            Assert.Equal("TrustedCertificateNotFound", Fails(o => o.TrustedCertificatePath = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".pem")));
        }

        [Fact]
        public void A_trusted_certificate_file_that_is_not_a_certificate_is_refused()
        {
            var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".pem");
            File.WriteAllText(path, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
            try
            {
                var options = ServicePrincipal();
                options.TrustedCertificatePath = path;

                Assert.Equal("InvalidTrustedCertificate", Assert.Throws<KustoValidationException>(() => KustoSession.Create(options)).ErrorId);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void An_access_token_session_shows_the_account_and_tenant_from_the_token_claims()
        {
            var token = Sessions.Jwt("{\"tid\":\"" + Tenant + "\",\"upn\":\"ada@contoso.example\",\"exp\":4102444800}");
            using var session = KustoSession.Create(new ConnectionOptions
            {
                CredentialKind = CredentialKind.AccessToken,
                AccessToken = Sessions.Secure(token),
                SubscriptionId = "0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10",
                EnvironmentName = "AzureCloud",
            });

            Assert.Equal(Tenant, session.TenantId);
            Assert.Equal("ada@contoso.example", session.AccountId);
            Assert.Equal(CredentialKind.AccessToken, session.CredentialKind);
            Assert.Equal("AzureCloud", session.EnvironmentName);
            Assert.Equal("0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10", session.SubscriptionId);
            Assert.DoesNotContain(token, session.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task Signing_in_with_an_expired_access_token_fails_with_a_clear_error()
        {
            using var session = KustoSession.Create(new ConnectionOptions
            {
                CredentialKind = CredentialKind.AccessToken,
                AccessToken = Sessions.Secure(Sessions.Jwt("{\"exp\":1000000000}")),
            });

            var error = await Assert.ThrowsAsync<KustoAuthenticationException>(() => session.SignInAsync(CancellationToken.None));

            Assert.Equal("AccessTokenExpired", error.ErrorId);
            Assert.Contains("2001-09-09", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void The_session_subscription_can_be_changed_but_only_to_a_guid()
        {
            using var session = KustoSession.Create(ServicePrincipal());

            session.SubscriptionId = "0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10";
            Assert.Equal("InvalidSubscriptionId", Assert.Throws<KustoValidationException>(() => session.SubscriptionId = "nope").ErrorId);
            Assert.Equal("0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10", session.SubscriptionId);
            Assert.Equal(Client, session.AccountId);
            Assert.DoesNotContain(Secret, session.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task A_rejected_client_secret_fails_sign_in_with_the_AADSTS_code_and_never_the_secret()
        {
            var handler = new ScriptedHandler().On(
                "POST",
                "https://login.kustoconnect.test/" + Tenant + "/oauth2/v2.0/token",
                401,
                "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value. Trace ID: 1 Correlation ID: 2 Timestamp: 2026-01-01 00:00:00Z\",\"error_codes\":[7000215]}");
            var options = ServicePrincipal();
            options.AuthorityHost = new Uri("https://login.kustoconnect.test/");
            using var session = KustoSession.Create(options, new EngineSettings
            {
                Transport = new HttpClientTransport(new HttpClient(handler)),
                RetryDelay = TimeSpan.FromMilliseconds(10),
            });

            var error = await Assert.ThrowsAsync<KustoAuthenticationException>(() => session.SignInAsync(CancellationToken.None));

            Assert.Empty(handler.Unexpected);
            Assert.Equal("InvalidClientSecret", error.ErrorId);
            Assert.Equal("AADSTS7000215", error.AadErrorCode);
            Assert.StartsWith("Sign-in failed for application '" + Client + "' in tenant '" + Tenant + "': AADSTS7000215: Invalid client secret provided.", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
            Assert.Contains(handler.Sent, r => r.Method == "POST" && r.Body!.Contains("client_secret=", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Client_side_checks_refuse_an_IoT_Hub_connection_before_anything_is_sent()
        {
            var handler = new ScriptedHandler();
            using var session = Sessions.Replay(handler);
            var target = DataConnectionRef.Create(DatabaseRef.Create("0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10", "testrg", "mykustocluster", "mykustodatabase"), "iot1");
            IotHubDataConnection Valid() => new IotHubDataConnection
            {
                Location = "Central US",
                IotHubResourceId = "/subscriptions/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/hub",
                ConsumerGroup = "$Default",
                SharedAccessPolicyName = "iothubforread",
                DataFormat = "json",
            };

            async Task<string> Refused(Action<IotHubDataConnection> change)
            {
                var connection = Valid();
                change(connection);
                return (await Assert.ThrowsAsync<KustoValidationException>(() => session.DataConnections.CreateOrUpdateAsync(target, connection, null, CancellationToken.None))).ErrorId;
            }

            Assert.Equal("LocationRequired", await Refused(c => c.Location = null));
            Assert.Equal("InvalidIotHubResourceId", await Refused(c => c.IotHubResourceId = "/subscriptions/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/resourceGroups/testrg"));
            Assert.Equal("MissingConsumerGroup", await Refused(c => c.ConsumerGroup = ""));
            Assert.Equal("MissingSharedAccessPolicyName", await Refused(c => c.SharedAccessPolicyName = null));
            Assert.Equal("DataFormatNotSupportedForIotHub", await Refused(c => c.DataFormat = "raw"));
            Assert.Empty(handler.Sent);
        }
    }
}
