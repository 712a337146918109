using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using KustoConnect.Emulator;
using KustoConnect.Models;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>Connect-KustoAccount -UseDeviceAuthentication against the emulator's device-code flow, through Azure.Identity and MSAL.</summary>
    public sealed class DeviceCodeSignInTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private const string Connect =
            "Connect-KustoAccount -UseDeviceAuthentication -SubscriptionId $sub -ArmEndpoint $arm -AuthorityHost $arm -TrustedCertificatePath $cert";

        private static readonly Regex CodeInMessage = new Regex("enter the code (\\S+) to authenticate", RegexOptions.CultureInvariant);

        private readonly HostedSession _session;
        private readonly HttpClient _admin;

        public DeviceCodeSignInTests(EmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            var pinned = fixture.Host.Certificate.GetCertHashString();
#pragma warning disable CA2000 // Owned and disposed by the HttpClient.
            var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == pinned,
            };
#pragma warning restore CA2000
            _admin = new HttpClient(handler) { BaseAddress = fixture.Host.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        }

        public void Dispose()
        {
            SetAutoApprove(false);
            _admin.Dispose();
            _session.Dispose();
        }

        [Fact]
        public void With_auto_approval_the_person_is_signed_in_the_message_is_shown_and_data_cmdlets_work()
        {
            SetAutoApprove(true);

            var (output, shell) = _session.Run(Connect + " -TenantId $tenant 3>$null", Variables());
            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                var context = Assert.IsType<KustoContext>(Assert.Single(output).BaseObject);
                Assert.Equal(DefaultWorld.UserPrincipalName, context.Account);
                Assert.Equal("DeviceCode", context.CredentialKind);

                // Written as Write-Host writes: a PSHOST-tagged information record, which the host shows even with warnings redirected.
                var message = Assert.Single(shell.Streams.Information);
                Assert.Contains("PSHOST", message.Tags);
                Assert.Matches("^To sign in, use a web browser to open the page https://\\S+ and enter the code \\S+ to authenticate\\.$", message.MessageData.ToString());
                Assert.Empty(shell.Streams.Warning);
            }

            var (current, _) = _session.Run("Get-KustoContext");
            var signedIn = Assert.IsType<KustoContext>(Assert.Single(current).BaseObject);
            Assert.Equal(DefaultWorld.UserPrincipalName, signedIn.Account);
            Assert.Equal(DefaultWorld.TenantId, signedIn.TenantId);

            var (_, list) = _session.Run(
                "Get-KustoDataConnection -ResourceGroupName $rg -ClusterName $cluster -DatabaseName $db",
                new Dictionary<string, object?> { ["rg"] = DefaultWorld.ResourceGroup, ["cluster"] = DefaultWorld.ClusterName, ["db"] = DefaultWorld.DatabaseName });
            using (list)
            {
                Assert.Empty(list.Streams.Error);
            }

            Assert.Contains(_session.Emulator.RequestLog, e => e.Method == "GET" && e.Path.Contains("/dataConnections", StringComparison.OrdinalIgnoreCase) && e.StatusCode == 200);
        }

        [Fact]
        public void The_wait_ends_when_the_person_enters_the_code_the_message_showed()
        {
            SetAutoApprove(false);
            using var shell = ConnectCommand();
            string? approvedCode = null;
            Exception? approvalError = null;
            shell.Streams.Information.DataAdded += (sender, e) =>
            {
                var record = ((PSDataCollection<InformationRecord>)sender!)[e.Index];
                var match = CodeInMessage.Match(record.MessageData.ToString() ?? string.Empty);
                if (!match.Success)
                {
                    return;
                }

                try
                {
                    approvedCode = match.Groups[1].Value;
                    Approve(approvedCode, DefaultWorld.UserPrincipalName);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException)
                {
                    approvalError = ex;
                }
            };

            var output = shell.Invoke();

            Assert.Empty(shell.Streams.Error);
            Assert.Null(approvalError);
            Assert.NotNull(approvedCode);
            var context = Assert.IsType<KustoContext>(Assert.Single(output).BaseObject);
            Assert.Equal(DefaultWorld.UserPrincipalName, context.Account);
            Assert.Equal(DefaultWorld.TenantId, context.TenantId);
        }

        [Fact]
        public void Stopping_the_pipeline_while_it_waits_for_the_code_ends_the_sign_in_and_connects_nobody()
        {
            SetAutoApprove(false);
            using var shell = ConnectCommand();
            using var shown = new ManualResetEventSlim();
            shell.Streams.Information.DataAdded += (_, _) => shown.Set();

            var pending = shell.BeginInvoke();
            Assert.True(shown.Wait(TimeSpan.FromSeconds(60)), "the device-code message was never shown");
            shell.Stop();

            Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
            Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(pending));
            var (context, _) = _session.Run("Get-KustoContext");
            Assert.Empty(context);
        }

        [Fact]
        public void SkipValidation_is_refused_because_a_person_must_sign_in_now()
        {
            var (_, shell) = _session.Run(Connect + " -SkipValidation", Variables());
            using (shell)
            {
                var record = Assert.Single(shell.Streams.Error);
                Assert.Equal("DeviceAuthenticationCannotSkipValidation,KustoConnect.Commands.ConnectKustoAccountCommand", record.FullyQualifiedErrorId);
            }

            Assert.DoesNotContain(_session.Emulator.RequestLog, e => e.Path.Contains("/devicecode", StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>Connect-KustoAccount -UseDeviceAuthentication for the emulator, without -TenantId (the person's home tenant).</summary>
        private PowerShell ConnectCommand()
        {
            var shell = _session.Shell();
            shell.AddCommand("Connect-KustoAccount")
                .AddParameter("UseDeviceAuthentication")
                .AddParameter("SubscriptionId", DefaultWorld.SubscriptionId)
                .AddParameter("ArmEndpoint", _session.Emulator.BaseUri)
                .AddParameter("AuthorityHost", _session.Emulator.BaseUri)
                .AddParameter("TrustedCertificatePath", _session.Emulator.CertificatePath);
            return shell;
        }

        private Dictionary<string, object?> Variables() => new Dictionary<string, object?>
        {
            ["tenant"] = DefaultWorld.TenantId,
            ["sub"] = DefaultWorld.SubscriptionId,
            ["arm"] = _session.Emulator.BaseUri,
            ["cert"] = _session.Emulator.CertificatePath,
        };

        private void SetAutoApprove(bool value) =>
            Post("_emulator/settings", new JsonObject { ["autoApproveDeviceCodes"] = value });

        private void Approve(string userCode, string user) =>
            Post("_emulator/devicecode/approve", new JsonObject { ["userCode"] = userCode, ["user"] = user });

        private void Post(string path, JsonObject body)
        {
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = _admin.PostAsync(path, content).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
        }
    }
}
