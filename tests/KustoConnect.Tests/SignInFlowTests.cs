using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Models;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>Tests that change process environment variables (AZURE_*, IDENTITY_*) run alone.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ProcessEnvironmentGroup : ICollectionFixture<SignInWorldFixture>
    {
        public const string Name = "ProcessEnvironment";
    }

    /// <summary>
    /// An emulator whose world registers a client certificate on the demo principal, plus that certificate as PFX (with a
    /// password) and PEM files, an expired certificate, and a fake Az.Accounts module.
    /// </summary>
    public sealed class SignInWorldFixture : IAsyncLifetime
    {
        public const string PfxPassword = "kc-test-pfx-password-Zx81";

        public EmulatorHost Host { get; private set; } = null!;

        public string Directory { get; } = Path.Combine(Path.GetTempPath(), "kc-signin-" + Guid.NewGuid().ToString("N"));

        public string PfxPath => Path.Combine(Directory, "client.pfx");

        public string PemPath => Path.Combine(Directory, "client.pem");

        public string ExpiredPfxPath => Path.Combine(Directory, "expired.pfx");

        public string ModulePath => Path.Combine(Directory, "modules");

        /// <summary>The external issuer of federated tokens (workload identity federation) that the world trusts for the demo principal.</summary>
        public const string FederatedIssuer = "https://token.pipelines.example/";

        public const string FederatedSubject = "system:serviceaccount:ingest:kustoconnect";

        private RSA? _issuerKey;
        private X509Certificate2? _issuerCertificate;

        public async Task InitializeAsync()
        {
            System.IO.Directory.CreateDirectory(Directory);
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=kustoconnect-test-client", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            File.WriteAllBytes(PfxPath, certificate.Export(X509ContentType.Pfx, PfxPassword));
            File.WriteAllText(PemPath, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
            using var expired = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
            File.WriteAllBytes(ExpiredPfxPath, expired.Export(X509ContentType.Pfx, PfxPassword));

            var world = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, World.DefaultFileName)))!;
            var principal = world["servicePrincipals"]!.AsArray().First(p => (string?)p!["clientId"] == DefaultWorld.ClientId)!;
            principal["certificates"] = new JsonArray(Convert.ToBase64String(certificate.RawData), Convert.ToBase64String(expired.RawData));
            _issuerKey = RSA.Create(2048);
            var issuerRequest = new CertificateRequest("CN=kustoconnect-test-federated-issuer", _issuerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            _issuerCertificate = issuerRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            principal["federatedCredentials"] = new JsonArray(new JsonObject
            {
                ["issuer"] = FederatedIssuer,
                ["subject"] = FederatedSubject,
                ["certificate"] = Convert.ToBase64String(_issuerCertificate.RawData),
            });
            var worldFile = Path.Combine(Directory, "world.json");
            File.WriteAllText(worldFile, world.ToJsonString());

            var module = Path.Combine(ModulePath, "Az.Accounts");
            System.IO.Directory.CreateDirectory(module);
            File.WriteAllText(Path.Combine(module, "Az.Accounts.psm1"), FakeAzAccounts);

            Host = await EmulatorHost.StartAsync(new EmulatorOptions { OperationDuration = TimeSpan.FromSeconds(0.2), WorldFile = worldFile });
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            _issuerCertificate?.Dispose();
            _issuerKey?.Dispose();
            System.IO.Directory.Delete(Directory, true);
        }

        /// <summary>
        /// A federated token as a workload's issuer (e.g. Kubernetes) would project it into AZURE_FEDERATED_TOKEN_FILE: an RS256
        /// JWT from <see cref="FederatedIssuer"/> for the token-exchange audience, signed with the issuer key the world trusts.
        /// </summary>
        public string SignFederatedToken(string subject = FederatedSubject)
        {
            static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = _issuerCertificate!.Thumbprint };
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var payload = new JsonObject
            {
                ["iss"] = FederatedIssuer,
                ["sub"] = subject,
                ["aud"] = "api://AzureADTokenExchange",
                ["jti"] = Guid.NewGuid().ToString(),
                ["nbf"] = now - 60,
                ["iat"] = now - 60,
                ["exp"] = now + 600,
            };
            var signed = Encode(System.Text.Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Encode(System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString()));
            var signature = _issuerKey!.SignData(System.Text.Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return signed + "." + Encode(signature);
        }

        /// <summary>A token the emulator issues to the demo principal (client credentials), as Az.Accounts would hold one.</summary>
        public string IssueToken(string clientId = DefaultWorld.ClientId, string secret = DefaultWorld.ClientSecret)
        {
            var pinned = Host.Certificate.GetCertHashString();
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.GetCertHashString() == pinned };
            using var client = new HttpClient(handler) { BaseAddress = Host.BaseUri };
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = secret,
                ["scope"] = "https://management.azure.com/.default",
            });
            var response = client.PostAsync(DefaultWorld.TenantId + "/oauth2/v2.0/token", form).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            using var document = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            return document.RootElement.GetProperty("access_token").GetString()!;
        }

        /// <summary>Stands in for Az.Accounts: a signed-in context and Get-AzAccessToken, from $global variables the test sets.</summary>
        private const string FakeAzAccounts = @"
function Get-AzContext {
    if (-not $global:FakeAzToken) { return $null }
    [pscustomobject]@{
        Account      = [pscustomobject]@{ Id = 'someone@contoso.example'; Type = 'User' }
        Tenant       = [pscustomobject]@{ Id = $global:FakeAzTenant }
        Subscription = [pscustomobject]@{ Id = $global:FakeAzSubscription; Name = 'KustoConnect Emulator' }
        Environment  = [pscustomobject]@{ Name = 'KustoEmulator'; ResourceManagerUrl = $global:FakeAzArm; ActiveDirectoryServiceEndpointResourceId = 'https://management.azure.com/' }
    }
}
function Get-AzAccessToken {
    param([string] $ResourceUrl, [switch] $AsSecureString)
    $global:FakeAzTokenRequests += @($ResourceUrl)
    $token = if ($global:FakeAzSecureToken) { ConvertTo-SecureString $global:FakeAzToken -AsPlainText -Force } else { $global:FakeAzToken }
    [pscustomobject]@{ Token = $token; ExpiresOn = [DateTimeOffset]::UtcNow.AddMinutes(50); TenantId = $global:FakeAzTenant; UserId = 'someone@contoso.example'; Type = 'Bearer' }
}
Export-ModuleMember -Function Get-AzContext, Get-AzAccessToken
";
    }

    [Collection(ProcessEnvironmentGroup.Name)]
    public sealed class SignInFlowTests : IDisposable
    {
        private static readonly string[] Variables =
        {
            "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_CERTIFICATE_PASSWORD",
            "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST", "IDENTITY_ENDPOINT", "IDENTITY_HEADER",
            "KUSTOCONNECT_ARM_ENDPOINT", "KUSTOCONNECT_TRUSTED_CERTIFICATE_PATH", "AZURE_SUBSCRIPTION_ID",
        };

        private readonly SignInWorldFixture _fixture;
        private readonly HostedSession _session;

        public SignInFlowTests(SignInWorldFixture fixture)
        {
            _fixture = fixture;
            ClearVariables();
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
        }

        public void Dispose()
        {
            _session.Dispose();
            ClearVariables();
        }

        internal static void ClearVariables()
        {
            foreach (var name in Variables)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }

        internal static Dictionary<string, object?> Emulator(EmulatorHost host) => new Dictionary<string, object?>
        {
            ["arm"] = host.BaseUri,
            ["cert"] = host.CertificatePath,
            ["tenant"] = DefaultWorld.TenantId,
            ["sub"] = DefaultWorld.SubscriptionId,
            ["appId"] = DefaultWorld.ClientId,
            ["pfx"] = null,
            ["pem"] = null,
        };

        internal const string Endpoints = " -SubscriptionId $sub -ArmEndpoint $arm -AuthorityHost $arm -TrustedCertificatePath $cert";

        private (IReadOnlyList<PSObject> Output, IReadOnlyList<ErrorRecord> Errors) Run(string script)
        {
            var variables = Emulator(_fixture.Host);
            variables["pfx"] = _fixture.PfxPath;
            variables["pem"] = _fixture.PemPath;
            variables["expired"] = _fixture.ExpiredPfxPath;
            variables["pfxPassword"] = SignInWorldFixture.PfxPassword;
            var (output, shell) = _session.Run(script, variables);
            using (shell)
            {
                return (output, shell.Streams.Error.ToList());
            }
        }

        private void AssertListsDataConnections()
        {
            var (_, errors) = Run("Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase");
            Assert.Empty(errors);
            Assert.Contains(_fixture.Host.RequestLog, e => e.Method == "GET" && e.Path.Contains("/dataConnections", StringComparison.Ordinal) && e.StatusCode == 200);
        }

        private KustoContext Context() => Assert.IsType<KustoContext>(Assert.Single(Run("Get-KustoContext").Output).BaseObject);

        [Fact]
        public void A_certificate_in_a_password_protected_pfx_signs_in_and_creates_a_data_connection()
        {
            var (_, errors) = Run(
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -ApplicationId $appId -CertificatePath $pfx " +
                "-CertificatePassword (ConvertTo-SecureString $pfxPassword -AsPlainText -Force)" + Endpoints + " | Out-Null; " +
                "New-KustoIotHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name certconnection " +
                "-IotHubResourceId '" + DefaultWorld.IotHubResourceId + "' -SharedAccessPolicyName iothubforread -ConsumerGroup '$Default' -Location 'Central US'");
            Assert.Empty(errors);
            Assert.Equal("ServicePrincipalCertificate", Context().CredentialKind);
            Assert.Contains(_fixture.Host.RequestLog, e => e.Method == "PUT" && e.Path.Contains("/dataConnections/certconnection", StringComparison.Ordinal));
        }

        [Fact]
        public void A_certificate_in_a_pem_file_signs_in()
        {
            var (_, errors) = Run("Connect-KustoAccount -ServicePrincipal -TenantId $tenant -ApplicationId $appId -CertificatePath $pem" + Endpoints + " | Out-Null");
            Assert.Empty(errors);
            Assert.Equal(DefaultWorld.ClientId, Context().Account);
            AssertListsDataConnections();
        }

        [Fact]
        public void An_expired_certificate_fails_with_an_authentication_error_that_says_to_renew_it()
        {
            var (_, errors) = Run(
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -ApplicationId $appId -CertificatePath $expired " +
                "-CertificatePassword (ConvertTo-SecureString $pfxPassword -AsPlainText -Force)" + Endpoints);
            var error = Assert.Single(errors);
            Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
            Assert.StartsWith("CertificateExpired,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("expired on", error.Exception.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_certificate_thumbprint_reads_the_windows_store_and_says_so_elsewhere()
        {
            var (_, errors) = Run("Connect-KustoAccount -ServicePrincipal -TenantId $tenant -ApplicationId $appId -CertificateThumbprint 'ABCDEF0123456789ABCDEF0123456789ABCDEF01'" + Endpoints);
            var error = Assert.Single(errors);
            if (OperatingSystem.IsWindows())
            {
                Assert.StartsWith("CertificateNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            }
            else
            {
                Assert.StartsWith("CertificateStoreNotSupported,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
                Assert.Contains("Windows only", error.Exception.Message, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void The_system_assigned_managed_identity_signs_in_through_identity_endpoint_and_header()
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", new Uri(_fixture.Host.BaseUri, "msi/token").ToString());
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", DefaultWorld.IdentityHeader);
            var (_, errors) = Run("Connect-KustoAccount -Identity" + Endpoints + " | Out-Null");
            Assert.Empty(errors);
            var context = Context();
            Assert.Equal(DefaultWorld.SystemIdentityClientId, context.Account);
            Assert.Equal(DefaultWorld.TenantId, context.TenantId);
            Assert.Equal("ManagedIdentity", context.CredentialKind);
            AssertListsDataConnections();
        }

        [Fact]
        public void Disconnect_forgets_the_managed_identity_token_so_the_next_Connect_asks_the_endpoint_again()
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", new Uri(_fixture.Host.BaseUri, "msi/token").ToString());
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", DefaultWorld.IdentityHeader);
            int TokenRequests() => _fixture.Host.RequestLog.Count(e => e.Path.StartsWith("/msi/token", StringComparison.OrdinalIgnoreCase));

            var (_, first) = Run("Connect-KustoAccount -Identity" + Endpoints + " | Out-Null");
            Assert.Empty(first);
            var afterFirst = TokenRequests();
            Assert.True(afterFirst > 0, "the first Connect -Identity did not ask the endpoint");

            var (_, second) = Run("Disconnect-KustoAccount; Connect-KustoAccount -Identity" + Endpoints + " | Out-Null");
            Assert.Empty(second);
            Assert.True(TokenRequests() > afterFirst, "Connect -Identity after Disconnect-KustoAccount used a remembered token");
            AssertListsDataConnections();
        }

        [Fact]
        public void A_user_assigned_managed_identity_is_chosen_with_AccountId()
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", new Uri(_fixture.Host.BaseUri, "msi/token").ToString());
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", DefaultWorld.IdentityHeader);
            var (_, errors) = Run("Connect-KustoAccount -Identity -AccountId '" + DefaultWorld.UserIdentityClientId + "'" + Endpoints + " | Out-Null");
            Assert.Empty(errors);
            Assert.Equal(DefaultWorld.UserIdentityClientId, Context().Account);
            Assert.Contains(_fixture.Host.RequestLog, e => e.Path.Contains("client_id=" + DefaultWorld.UserIdentityClientId, StringComparison.Ordinal));
            AssertListsDataConnections();
        }

        [Fact]
        public void Environment_variables_with_a_client_secret_sign_in()
        {
            Environment.SetEnvironmentVariable("AZURE_TENANT_ID", DefaultWorld.TenantId);
            Environment.SetEnvironmentVariable("AZURE_CLIENT_ID", DefaultWorld.ClientId);
            Environment.SetEnvironmentVariable("AZURE_CLIENT_SECRET", DefaultWorld.ClientSecret);
            var (_, errors) = Run("Connect-KustoAccount -EnvironmentVariables" + Endpoints + " | Out-Null");
            Assert.Empty(errors);
            var context = Context();
            Assert.Equal("EnvironmentVariables", context.CredentialKind);
            Assert.Equal(DefaultWorld.ClientId, context.Account);
            AssertListsDataConnections();
        }

        [Fact]
        public void AZURE_SUBSCRIPTION_ID_is_the_default_subscription_of_the_environment_sign_in()
        {
            Environment.SetEnvironmentVariable("AZURE_TENANT_ID", DefaultWorld.TenantId);
            Environment.SetEnvironmentVariable("AZURE_CLIENT_ID", DefaultWorld.ClientId);
            Environment.SetEnvironmentVariable("AZURE_CLIENT_SECRET", DefaultWorld.ClientSecret);
            Environment.SetEnvironmentVariable("AZURE_SUBSCRIPTION_ID", DefaultWorld.SubscriptionId);

            var (_, errors) = Run("Connect-KustoAccount -EnvironmentVariables -ArmEndpoint $arm -AuthorityHost $arm -TrustedCertificatePath $cert | Out-Null");

            Assert.Empty(errors);
            Assert.Equal(DefaultWorld.SubscriptionId, Context().SubscriptionId);
            AssertListsDataConnections();
        }

        [Fact]
        public void Connect_with_AccessToken_refuses_a_value_that_is_not_a_JWT_or_has_expired_and_warns_when_it_expires_soon()
        {
            static string Jwt(long exp)
            {
                static string Encode(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
                return Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Encode("{\"exp\":" + exp.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}") + ".c2ln";
            }

            const string Connect = "Connect-KustoAccount -AccessToken (ConvertTo-SecureString $value -AsPlainText -Force) -SkipValidation -ArmEndpoint $arm -AuthorityHost $arm -TrustedCertificatePath $cert";
            var variables = Emulator(_fixture.Host);

            variables["value"] = "not-a-jwt";
            var (_, opaque) = _session.Run(Connect, variables);
            using (opaque)
            {
                var error = Assert.Single(opaque.Streams.Error);
                Assert.StartsWith("AccessTokenNotJwt,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
                Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            }

            variables["value"] = Jwt(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds());
            var (_, expired) = _session.Run(Connect, variables);
            using (expired)
            {
                var error = Assert.Single(expired.Streams.Error);
                Assert.StartsWith("AccessTokenExpired,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
                Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
            }

            variables["value"] = Jwt(DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
            var (_, soon) = _session.Run(Connect + " | Out-Null", variables);
            using (soon)
            {
                Assert.Empty(soon.Streams.Error);
                Assert.Contains(soon.Streams.Warning, w => w.Message.Contains("cannot be renewed", StringComparison.Ordinal));
            }
        }

        [Fact]
        public void Environment_variables_with_a_certificate_path_sign_in()
        {
            Environment.SetEnvironmentVariable("AZURE_TENANT_ID", DefaultWorld.TenantId);
            Environment.SetEnvironmentVariable("AZURE_CLIENT_ID", DefaultWorld.ClientId);
            Environment.SetEnvironmentVariable("AZURE_CLIENT_CERTIFICATE_PATH", _fixture.PemPath);
            var (_, errors) = Run("Connect-KustoAccount -EnvironmentVariables" + Endpoints + " | Out-Null");
            Assert.Empty(errors);
            AssertListsDataConnections();
        }

        [Fact]
        public void Incomplete_environment_variables_name_what_is_missing()
        {
            Environment.SetEnvironmentVariable("AZURE_TENANT_ID", DefaultWorld.TenantId);
            var (_, errors) = Run("Connect-KustoAccount -EnvironmentVariables" + Endpoints);
            var error = Assert.Single(errors);
            Assert.StartsWith("EnvironmentVariablesMissing,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("AZURE_CLIENT_ID", error.Exception.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Without_connect_the_signed_in_Az_Accounts_context_is_used_with_its_string_or_secure_token(bool secureToken)
        {
            Environment.SetEnvironmentVariable("KUSTOCONNECT_TRUSTED_CERTIFICATE_PATH", _fixture.Host.CertificatePath);
            var token = _fixture.IssueToken();
            var (_, shell) = _session.Run(
                "$global:FakeAzToken = $t; $global:FakeAzSecureToken = $s; $global:FakeAzTenant = $tenant; $global:FakeAzSubscription = $sub; " +
                "$global:FakeAzArm = $arm; $global:FakeAzTokenRequests = @(); Import-Module (Join-Path $modules 'Az.Accounts'); " +
                "Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Verbose",
                new Dictionary<string, object?>
                {
                    ["t"] = token, ["s"] = secureToken, ["tenant"] = DefaultWorld.TenantId, ["sub"] = DefaultWorld.SubscriptionId,
                    ["arm"] = _fixture.Host.BaseUri.ToString(), ["modules"] = _fixture.ModulePath,
                });
            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                Assert.Contains(shell.Streams.Verbose, v => v.Message.Contains("Az.Accounts context of 'someone@contoso.example'", StringComparison.Ordinal));
            }

            var context = Context();
            Assert.Equal("TokenProvider (Az.Accounts)", context.CredentialKind);
            Assert.Equal(DefaultWorld.SubscriptionId, context.SubscriptionId);
            var (requests, _) = Run("$global:FakeAzTokenRequests");
            Assert.Equal("https://management.azure.com/", Assert.Single(requests).ToString());
        }

        [Fact]
        public void Without_connect_the_managed_identity_of_the_host_is_used_and_verbose_says_so()
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", new Uri(_fixture.Host.BaseUri, "msi/token").ToString());
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", DefaultWorld.IdentityHeader);
            Environment.SetEnvironmentVariable("KUSTOCONNECT_ARM_ENDPOINT", _fixture.Host.BaseUri.ToString());
            Environment.SetEnvironmentVariable("KUSTOCONNECT_TRUSTED_CERTIFICATE_PATH", _fixture.Host.CertificatePath);
            var (_, shell) = _session.Run("Get-KustoDataConnection -SubscriptionId $sub -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Verbose",
                new Dictionary<string, object?> { ["sub"] = DefaultWorld.SubscriptionId });
            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                Assert.Contains(shell.Streams.Verbose, v => v.Message.Contains("managed identity of this host (system-assigned)", StringComparison.Ordinal));
            }
        }

        [Fact]
        public void Set_KustoContext_changes_the_default_subscription_and_rejects_a_malformed_one()
        {
            _session.Connect();
            const string other = "11111111-2222-4333-8444-555555555555";

            // Azure is asked first: a subscription that does not exist (or that the account cannot see) is refused.
            var (_, missing) = Run("Set-KustoContext -SubscriptionId '" + other + "'");
            var notFound = Assert.Single(missing);
            Assert.Equal("SubscriptionNotFound,KustoConnect.Commands.SetKustoContextCommand", notFound.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, notFound.CategoryInfo.Category);
            Assert.Equal(DefaultWorld.SubscriptionId, Context().SubscriptionId);

            var (output, errors) = Run("Set-KustoContext -SubscriptionId '" + other + "' -SkipValidation");
            Assert.Empty(errors);
            Assert.Equal(other, Assert.IsType<KustoContext>(Assert.Single(output).BaseObject).SubscriptionId);
            Assert.Equal(other, Context().SubscriptionId);

            var (_, bad) = Run("Set-KustoContext -SubscriptionId 'not-a-guid'");
            Assert.Equal(ErrorCategory.InvalidArgument, Assert.Single(bad).CategoryInfo.Category);
            Assert.Equal(other, Context().SubscriptionId);
        }

        [Fact]
        public void Environment_picks_the_cloud_endpoints()
        {
            var (output, errors) = Run("Connect-KustoAccount -AccessToken (ConvertTo-SecureString 'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ0In0.c2ln' -AsPlainText -Force) -Environment AzureChinaCloud -SkipValidation");
            Assert.Empty(errors);
            var context = Assert.IsType<KustoContext>(Assert.Single(output).BaseObject);
            Assert.Equal("AzureChinaCloud", context.Environment);
            Assert.Equal(new Uri("https://management.chinacloudapi.cn/"), context.ArmEndpoint);
        }

        [Fact]
        public void The_reader_principal_gets_permission_denied_on_a_write()
        {
            var (_, errors) = Run(
                "$c = [pscredential]::new('" + DefaultWorld.ReaderClientId + "', (ConvertTo-SecureString '" + DefaultWorld.ReaderClientSecret + "' -AsPlainText -Force)); " +
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -Credential $c" + Endpoints + " | Out-Null; " +
                "New-KustoIotHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name readerconnection " +
                "-IotHubResourceId '" + DefaultWorld.IotHubResourceId + "' -SharedAccessPolicyName iothubforread -ConsumerGroup '$Default' -Location 'Central US'");
            var error = Assert.Single(errors);
            Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        }

        [Fact]
        public void An_unknown_tenant_fails_with_its_own_error_id()
        {
            var (_, errors) = Run(
                "$c = [pscredential]::new($appId, (ConvertTo-SecureString 'whatever-secret' -AsPlainText -Force)); " +
                "Connect-KustoAccount -ServicePrincipal -TenantId 'nosuchtenant.onmicrosoft.com' -Credential $c" + Endpoints);
            var error = Assert.Single(errors);
            Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
            Assert.StartsWith("TenantNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("-TenantId", error.Exception.Message, StringComparison.Ordinal);
        }
    }
}
