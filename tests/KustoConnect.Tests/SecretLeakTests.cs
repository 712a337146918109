using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using KustoConnect.Emulator;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>
    /// Runs every sign-in path (device code included) with -Verbose -Debug inside Start-Transcript, plus an -AsJob call whose
    /// every stream is received, failing calls and the context as JSON, and
    /// looks for the client secret, the certificate password and every token the emulator could have issued in everything
    /// PowerShell recorded.
    /// </summary>
    [Collection(ProcessEnvironmentGroup.Name)]
    public sealed class SecretLeakTests : IDisposable
    {
        private readonly SignInWorldFixture _fixture;
        private readonly HostedSession _session;

        public SecretLeakTests(SignInWorldFixture fixture)
        {
            _fixture = fixture;
            SignInFlowTests.ClearVariables();
            _session = new HostedSession(fixture.Host);
        }

        public void Dispose()
        {
            _session.Dispose();
            SignInFlowTests.ClearVariables();
        }

        [Fact]
        public void No_secret_or_token_reaches_any_stream_transcript_or_error_record()
        {
            var token = _fixture.IssueToken();
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", new Uri(_fixture.Host.BaseUri, "msi/token").ToString());
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", DefaultWorld.IdentityHeader);
            Environment.SetEnvironmentVariable("AZURE_TENANT_ID", DefaultWorld.TenantId);
            Environment.SetEnvironmentVariable("AZURE_CLIENT_ID", DefaultWorld.ClientId);
            Environment.SetEnvironmentVariable("AZURE_CLIENT_SECRET", DefaultWorld.ClientSecret);
            var transcript = Path.Combine(_fixture.Directory, "transcript-" + Guid.NewGuid().ToString("N") + ".txt");
            const string list = "Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Verbose -Debug | Out-String | Write-Output; ";
            var script =
                "$DebugPreference = 'Continue'; $VerbosePreference = 'Continue'; Start-Transcript -Path $transcript | Out-Null; " +
                "$secret = ConvertTo-SecureString $plainSecret -AsPlainText -Force; $pfxSecure = ConvertTo-SecureString $pfxPassword -AsPlainText -Force; " +
                "$c = [pscredential]::new($appId, $secret); " +
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -Credential $c" + SignInFlowTests.Endpoints + " -Verbose -Debug; " + list +
                "Get-KustoContext | ConvertTo-Json -Depth 10; " +
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -ApplicationId $appId -CertificatePath $pfx -CertificatePassword $pfxSecure" + SignInFlowTests.Endpoints + " -Verbose -Debug; " + list +
                "Get-KustoContext | ConvertTo-Json -Depth 10; " +
                "Connect-KustoAccount -Identity" + SignInFlowTests.Endpoints + " -Verbose -Debug; " + list +
                "Connect-KustoAccount -EnvironmentVariables" + SignInFlowTests.Endpoints + " -Verbose -Debug; " + list +
                "Connect-KustoAccount -AccessToken (ConvertTo-SecureString $token -AsPlainText -Force)" + SignInFlowTests.Endpoints + " -Verbose -Debug; " + list +
                "Get-KustoContext | ConvertTo-Json -Depth 10; " +
                // A person with a device code (auto-approved by the emulator), then a background job and every one of its streams.
                "Connect-KustoAccount -UseDeviceAuthentication -TenantId $tenant" + SignInFlowTests.Endpoints + " -Verbose -Debug; " + list +
                "Get-KustoContext | ConvertTo-Json -Depth 10; " +
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -Credential $c" + SignInFlowTests.Endpoints + " -Verbose -Debug | Out-Null; " +
                "$job = New-KustoIotHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name leakjob " +
                "-IotHubResourceId '" + DefaultWorld.IotHubResourceId + "' -SharedAccessPolicyName iothubforread -ConsumerGroup '$Default' -Location 'Central US' -AsJob -Verbose -Debug; " +
                "$null = Wait-Job $job; " +
                "$jobDebugCount = $job.Debug.Count; " +
                "Receive-Job $job -Keep -Verbose -Debug *>&1 | ForEach-Object { $_ | Format-List * -Force | Out-String -Width 400 }; " +
                "'JOB-DEBUG-LINES: ' + (@($job.Debug | Where-Object { $_.Message -like 'HTTP *' }).Count); " +
                "$job.Debug + $job.Verbose + $job.Information + $job.Warning + $job.Error + $job.Output | Out-String -Width 400; " +
                // Failing calls: a wrong secret that contains the real one, a wrong certificate password, a write without rights.
                "$wrong = [pscredential]::new($appId, (ConvertTo-SecureString ($plainSecret + 'x') -AsPlainText -Force)); " +
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -Credential $wrong" + SignInFlowTests.Endpoints + " -Verbose -Debug; " +
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -ApplicationId $appId -CertificatePath $pfx -CertificatePassword (ConvertTo-SecureString ($pfxPassword + 'x') -AsPlainText -Force)" + SignInFlowTests.Endpoints + "; " +
                "$r = [pscredential]::new($readerId, (ConvertTo-SecureString $readerSecret -AsPlainText -Force)); " +
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -Credential $r" + SignInFlowTests.Endpoints + "; " +
                "New-KustoIotHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name leak " +
                "-IotHubResourceId '" + DefaultWorld.IotHubResourceId + "' -SharedAccessPolicyName iothubforread -ConsumerGroup '$Default' -Location 'Central US' -Verbose -Debug; " +
                "$Error | ForEach-Object { $_ | Format-List * -Force | Out-String; $_.Exception | Format-List * -Force | Out-String; $_.Exception.ToString() }; " +
                "Stop-Transcript | Out-Null";
            var variables = SignInFlowTests.Emulator(_fixture.Host);
            variables["pfx"] = _fixture.PfxPath;
            variables["plainSecret"] = DefaultWorld.ClientSecret;
            variables["pfxPassword"] = SignInWorldFixture.PfxPassword;
            variables["token"] = token;
            variables["transcript"] = transcript;
            variables["readerId"] = DefaultWorld.ReaderClientId;
            variables["readerSecret"] = DefaultWorld.ReaderClientSecret;
            SetAutoApprove(_fixture.Host, true);
            (IReadOnlyList<PSObject> Output, PowerShell Shell) run;
            try
            {
                run = _session.Run(script, variables);
            }
            finally
            {
                SetAutoApprove(_fixture.Host, false);
            }

            var (output, shell) = run;
            var recorded = new StringBuilder();
            using (shell)
            {
                // The device-code sign-in and the job really ran, and the job's debug stream held its HTTP lines.
                Assert.Contains(shell.Streams.Information, i => i.MessageData.ToString()!.Contains("enter the code", StringComparison.Ordinal));
                var jobLines = output.Select(o => o?.ToString()).FirstOrDefault(o => o != null && o.StartsWith("JOB-DEBUG-LINES: ", StringComparison.Ordinal));
                Assert.NotNull(jobLines);
                Assert.True(int.Parse(jobLines!.AsSpan("JOB-DEBUG-LINES: ".Length), System.Globalization.CultureInfo.InvariantCulture) > 0, jobLines);
                foreach (var item in output)
                {
                    recorded.AppendLine(item?.ToString());
                }

                foreach (var record in shell.Streams.Verbose.Cast<object>().Concat(shell.Streams.Debug).Concat(shell.Streams.Warning).Concat(shell.Streams.Information))
                {
                    recorded.AppendLine(record.ToString());
                }

                foreach (var error in shell.Streams.Error)
                {
                    recorded.AppendLine(error.ToString()).AppendLine(error.Exception.ToString()).AppendLine(error.ErrorDetails?.Message);
                }

                // The failures really happened, each with its category.
                var categories = shell.Streams.Error.Select(e => e.CategoryInfo.Category).ToList();
                Assert.Contains(ErrorCategory.AuthenticationError, categories);
                Assert.Contains(ErrorCategory.PermissionDenied, categories);
                Assert.Contains(shell.Streams.Error, e => e.FullyQualifiedErrorId.StartsWith("InvalidClientSecret,", StringComparison.Ordinal));
                Assert.Contains(shell.Streams.Error, e => e.FullyQualifiedErrorId.StartsWith("CertificateUnreadable,", StringComparison.Ordinal));
            }

            recorded.AppendLine(File.ReadAllText(transcript));
            var text = recorded.ToString();
            Assert.Contains("Signing in", text, StringComparison.Ordinal); // verbose was on, so there was something to leak into.
            Assert.DoesNotContain(DefaultWorld.ClientSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(DefaultWorld.ReaderClientSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(SignInWorldFixture.PfxPassword, text, StringComparison.Ordinal);
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);

            // Any JWT at all (the emulator's tokens all start with the same header) would be a token.
            Assert.DoesNotContain(token.Split('.')[0], text, StringComparison.Ordinal);
            Assert.DoesNotMatch("eyJ[A-Za-z0-9_-]{10,}\\.", text);
            Assert.Contains("HTTP PUT ", text, StringComparison.Ordinal); // debug was on, for the job too.

            // The debug records carry headers and bodies (as Az's do), and the credentials in them were redacted: the
            // bearer token, the client secret and assertion of the token requests, the tokens of their answers.
            Assert.Contains("Authorization: REDACTED", text, StringComparison.Ordinal);
            Assert.Contains("client_secret=REDACTED", text, StringComparison.Ordinal);
            Assert.Contains("client_assertion=REDACTED", text, StringComparison.Ordinal);
            Assert.Contains("\"access_token\":\"REDACTED\"", text, StringComparison.Ordinal);
            Assert.Contains("Response body:", text, StringComparison.Ordinal);
        }

        /// <summary>Makes the emulator approve every device code at once (its admin API), or stop doing so.</summary>
        internal static void SetAutoApprove(EmulatorHost host, bool value)
        {
            var pinned = host.Certificate.GetCertHashString();
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.GetCertHashString() == pinned };
            using var client = new HttpClient(handler) { BaseAddress = host.BaseUri };
            using var content = new StringContent("{\"autoApproveDeviceCodes\":" + (value ? "true" : "false") + "}", Encoding.UTF8, "application/json");
            client.PostAsync("_emulator/settings", content).GetAwaiter().GetResult().EnsureSuccessStatusCode();
        }
    }
}
