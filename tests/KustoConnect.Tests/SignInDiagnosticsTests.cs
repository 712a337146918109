using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using KustoConnect.Emulator;
using KustoConnect.Models;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>
    /// The -Debug HTTP lines (token requests and ARM requests), workload-identity federation through
    /// Connect-KustoAccount -EnvironmentVariables, and the sovereign clouds' endpoints in Get-KustoContext.
    /// </summary>
    [Collection(ProcessEnvironmentGroup.Name)]
    public sealed class SignInDiagnosticsTests : IDisposable
    {
        private static readonly Regex Jwt = new Regex("eyJ[A-Za-z0-9_-]{10,}\\.", RegexOptions.CultureInvariant);

        private readonly SignInWorldFixture _fixture;
        private readonly HostedSession _session;

        public SignInDiagnosticsTests(SignInWorldFixture fixture)
        {
            _fixture = fixture;
            SignInFlowTests.ClearVariables();
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
        }

        public void Dispose()
        {
            _session.Dispose();
            SignInFlowTests.ClearVariables();
        }

        [Fact]
        public void Debug_shows_one_line_per_token_request_and_ARM_request_with_status_duration_and_ids_but_no_secret_or_token()
        {
            var script =
                "$c = [pscredential]::new($appId, (ConvertTo-SecureString $plainSecret -AsPlainText -Force)); " +
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -Credential $c" + SignInFlowTests.Endpoints + " -Debug | Out-Null; " +
                "New-KustoIotHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name debuglines " +
                "-IotHubResourceId $hub -SharedAccessPolicyName iothubforread -ConsumerGroup '$Default' -Location 'Central US' -Debug | Out-Null";
            var variables = SignInFlowTests.Emulator(_fixture.Host);
            variables["plainSecret"] = DefaultWorld.ClientSecret;
            variables["hub"] = DefaultWorld.IotHubResourceId;
            var (_, shell) = _session.Run(script, variables);
            List<string> lines;
            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                lines = shell.Streams.Debug.Select(d => d.Message).Where(m => m.StartsWith("HTTP ", StringComparison.Ordinal)).ToList();
            }

            var root = Regex.Escape(_fixture.Host.BaseUri.ToString());
            const string Id = "[0-9a-fA-F-]{36}";

            // The credential's token request (through MSAL and Azure.Identity's pipeline).
            Assert.Contains(lines, l => Regex.IsMatch(
                l, "^HTTP POST " + root + Regex.Escape(DefaultWorld.TenantId) + "/oauth2/v2\\.0/token -> 200 in \\d+ ms; x-ms-request-id: " + Id));

            // The ARM create: api-version kept, status, duration, and ARM's request and correlation ids.
            Assert.Contains(lines, l => Regex.IsMatch(
                l,
                "^HTTP PUT " + root + "subscriptions/.+/dataConnections/debuglines\\?api-version=2024-04-13 -> 20[01] in \\d+ ms; "
                + "x-ms-request-id: " + Id + "; x-ms-correlation-request-id: " + Id + "; x-ms-client-request-id: " + Id + "\n"));

            // Every line is one attempt with a status; none carries a secret or a token.
            Assert.All(lines, l => Assert.Matches(" -> \\d{3} in \\d+ ms", l));
            Assert.All(lines, l => Assert.DoesNotContain(DefaultWorld.ClientSecret, l, StringComparison.Ordinal));
            Assert.All(lines, l => Assert.DoesNotMatch(Jwt, l));
            Assert.DoesNotContain(lines, l => l.Contains("Authorization", StringComparison.OrdinalIgnoreCase) && !l.Contains("REDACTED", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("certificate", "POST", "oauth2/v2.0/token")]
        [InlineData("environment", "POST", "oauth2/v2.0/token")]
        [InlineData("identity", "GET", "msi/token?api-version=")]
        [InlineData("devicecode", "POST", "oauth2/v2.0/devicecode")]
        [InlineData("devicecode", "POST", "oauth2/v2.0/token")]
        public void Each_credential_kind_reports_its_token_request_in_Debug(string kind, string method, string path)
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", new Uri(_fixture.Host.BaseUri, "msi/token").ToString());
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", DefaultWorld.IdentityHeader);
            Environment.SetEnvironmentVariable("AZURE_TENANT_ID", DefaultWorld.TenantId);
            Environment.SetEnvironmentVariable("AZURE_CLIENT_ID", DefaultWorld.ClientId);
            Environment.SetEnvironmentVariable("AZURE_CLIENT_SECRET", DefaultWorld.ClientSecret);
            var connect = kind switch
            {
                "certificate" => "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -ApplicationId $appId -CertificatePath $pfx -CertificatePassword (ConvertTo-SecureString $pfxPassword -AsPlainText -Force)",
                "environment" => "Connect-KustoAccount -EnvironmentVariables",
                "devicecode" => "Connect-KustoAccount -UseDeviceAuthentication -TenantId $tenant",
                // MSAL keeps managed-identity tokens in a process-wide cache: a resource no other test asks for makes a real request.
                _ => "Connect-KustoAccount -Identity -Audience 'https://debug-" + Guid.NewGuid().ToString("N") + ".example/'",
            };
            var variables = SignInFlowTests.Emulator(_fixture.Host);
            variables["pfx"] = _fixture.PfxPath;
            variables["pfxPassword"] = SignInWorldFixture.PfxPassword;
            SecretLeakTests.SetAutoApprove(_fixture.Host, kind == "devicecode");
            PowerShell shell;
            try
            {
                (_, shell) = _session.Run(connect + SignInFlowTests.Endpoints + " -Debug | Out-Null", variables);
            }
            finally
            {
                SecretLeakTests.SetAutoApprove(_fixture.Host, false);
            }

            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                var lines = shell.Streams.Debug.Select(d => d.Message).Where(m => m.StartsWith("HTTP ", StringComparison.Ordinal)).ToList();
                Assert.Contains(lines, l => l.StartsWith("HTTP " + method + " " + _fixture.Host.BaseUri, StringComparison.Ordinal)
                    && l.Contains(path, StringComparison.Ordinal) && Regex.IsMatch(l, " -> 200 in \\d+ ms; x-ms-request-id: "));
                Assert.All(lines, l => Assert.DoesNotContain(DefaultWorld.ClientSecret, l, StringComparison.Ordinal));
                Assert.All(lines, l => Assert.DoesNotContain(SignInWorldFixture.PfxPassword, l, StringComparison.Ordinal));
                Assert.All(lines, l => Assert.DoesNotMatch(Jwt, l));
            }
        }

        [Fact]
        public void Without_Debug_no_HTTP_line_is_written()
        {
            var script =
                "$c = [pscredential]::new($appId, (ConvertTo-SecureString $plainSecret -AsPlainText -Force)); " +
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -Credential $c" + SignInFlowTests.Endpoints + " | Out-Null; " +
                "Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase | Out-Null";
            var variables = SignInFlowTests.Emulator(_fixture.Host);
            variables["plainSecret"] = DefaultWorld.ClientSecret;
            var (_, shell) = _session.Run(script, variables);
            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                Assert.Empty(shell.Streams.Debug);
            }
        }

        [Fact]
        public void Workload_identity_federation_from_environment_variables_signs_in_and_creates_a_connection()
        {
            var tokenFile = Path.Combine(_fixture.Directory, "federated-" + Guid.NewGuid().ToString("N") + ".jwt");
            File.WriteAllText(tokenFile, _fixture.SignFederatedToken());
            try
            {
                Environment.SetEnvironmentVariable("AZURE_TENANT_ID", DefaultWorld.TenantId);
                Environment.SetEnvironmentVariable("AZURE_CLIENT_ID", DefaultWorld.ClientId);
                Environment.SetEnvironmentVariable("AZURE_FEDERATED_TOKEN_FILE", tokenFile);
                Environment.SetEnvironmentVariable("AZURE_AUTHORITY_HOST", _fixture.Host.BaseUri.ToString());
                var script =
                    "Connect-KustoAccount -EnvironmentVariables -SubscriptionId $sub -ArmEndpoint $arm -TrustedCertificatePath $cert -Debug; " +
                    "New-KustoIotHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name federated " +
                    "-IotHubResourceId $hub -SharedAccessPolicyName iothubforread -ConsumerGroup '$Default' -Location 'Central US'";
                var variables = SignInFlowTests.Emulator(_fixture.Host);
                variables["hub"] = DefaultWorld.IotHubResourceId;
                var (output, shell) = _session.Run(script, variables);
                using (shell)
                {
                    Assert.Empty(shell.Streams.Error);
                    Assert.Equal(2, output.Count);
                    var context = Assert.IsType<KustoContext>(output[0].BaseObject);
                    Assert.Equal("EnvironmentVariables", context.CredentialKind);
                    Assert.Equal(DefaultWorld.ClientId, context.Account);
                    Assert.Equal(DefaultWorld.TenantId, context.TenantId);
                    Assert.Equal(_fixture.Host.BaseUri, context.AuthorityHost);
                    Assert.Equal("Succeeded", output[1].Properties["ProvisioningState"].Value?.ToString());

                    // The assertion went to the emulator's token endpoint, and neither it nor the token shows in -Debug.
                    var debug = shell.Streams.Debug.Select(d => d.Message).ToList();
                    Assert.Contains(debug, l => l.StartsWith("HTTP POST " + _fixture.Host.BaseUri + DefaultWorld.TenantId + "/oauth2/v2.0/token -> 200", StringComparison.Ordinal));
                    Assert.All(debug, l => Assert.DoesNotMatch(Jwt, l));
                }
            }
            finally
            {
                File.Delete(tokenFile);
            }
        }

        [Fact]
        public void Workload_identity_federation_with_a_subject_the_principal_does_not_trust_is_an_authentication_error()
        {
            var tokenFile = Path.Combine(_fixture.Directory, "federated-" + Guid.NewGuid().ToString("N") + ".jwt");
            File.WriteAllText(tokenFile, _fixture.SignFederatedToken("system:serviceaccount:other:intruder"));
            try
            {
                Environment.SetEnvironmentVariable("AZURE_TENANT_ID", DefaultWorld.TenantId);
                Environment.SetEnvironmentVariable("AZURE_CLIENT_ID", DefaultWorld.ClientId);
                Environment.SetEnvironmentVariable("AZURE_FEDERATED_TOKEN_FILE", tokenFile);
                Environment.SetEnvironmentVariable("AZURE_AUTHORITY_HOST", _fixture.Host.BaseUri.ToString());
                var (_, shell) = _session.Run(
                    "Connect-KustoAccount -EnvironmentVariables -SubscriptionId $sub -ArmEndpoint $arm -TrustedCertificatePath $cert",
                    SignInFlowTests.Emulator(_fixture.Host));
                using (shell)
                {
                    var error = Assert.Single(shell.Streams.Error);
                    Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
                    Assert.Contains("AADSTS700213", error.Exception.Message, StringComparison.Ordinal);
                }
            }
            finally
            {
                File.Delete(tokenFile);
            }
        }

        [Theory]
        [InlineData("AzureUSGovernment", "https://management.usgovcloudapi.net/", "https://login.microsoftonline.us/")]
        [InlineData("AzureChinaCloud", "https://management.chinacloudapi.cn/", "https://login.chinacloudapi.cn/")]
        [InlineData("AzureCloud", "https://management.azure.com/", "https://login.microsoftonline.com/")]
        public void Each_cloud_has_its_ARM_endpoint_audience_and_authority_host(string environment, string arm, string authority)
        {
            var (output, shell) = _session.Run(
                "Connect-KustoAccount -AccessToken (ConvertTo-SecureString 'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ0In0.c2ln' -AsPlainText -Force) -Environment $environment -SkipValidation | Out-Null; Get-KustoContext",
                new Dictionary<string, object?> { ["environment"] = environment });
            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                var context = Assert.IsType<KustoContext>(Assert.Single(output).BaseObject);
                Assert.Equal(environment, context.Environment);
                Assert.Equal(new Uri(arm), context.ArmEndpoint);
                Assert.Equal(arm, context.Audience);
                Assert.Equal(new Uri(authority), context.AuthorityHost);
            }
        }
    }
}
