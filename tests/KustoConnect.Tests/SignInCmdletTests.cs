using System;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Emulator;
using KustoConnect.Models;
using Xunit;

namespace KustoConnect.Tests
{
    public sealed class SignInCmdletTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private readonly HostedSession _session;

        public SignInCmdletTests(EmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void Data_cmdlets_say_to_connect_first_when_the_session_is_not_signed_in()
        {
            var (output, _) = _session.Run("try { Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase } catch { $_ }");
            var record = Assert.IsType<ErrorRecord>(Assert.Single(output).BaseObject);
            Assert.Equal("NotConnected,KustoConnect.Commands.GetKustoDataConnectionCommand", record.FullyQualifiedErrorId);
        }

        [Fact]
        public void A_wrong_client_secret_fails_at_connect_with_an_authentication_error_that_hides_the_secret()
        {
            const string wrong = "definitely-not-the-secret-42";
            var record = Assert.Single(_session.TryConnect(wrong));
            Assert.Equal(ErrorCategory.AuthenticationError, record.CategoryInfo.Category);
            Assert.EndsWith(",KustoConnect.Commands.ConnectKustoAccountCommand", record.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.DoesNotContain(wrong, record.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(wrong, record.Exception.ToString(), StringComparison.Ordinal);
            var (context, _) = _session.Run("Get-KustoContext");
            Assert.Empty(context);
        }

        [Fact]
        public void Get_KustoContext_shows_who_and_where_but_never_the_secret()
        {
            _session.Connect();
            var (output, _) = _session.Run("Get-KustoContext");
            var context = Assert.IsType<KustoContext>(Assert.Single(output).BaseObject);
            Assert.Equal(DefaultWorld.ClientId, context.Account);
            Assert.Equal(DefaultWorld.TenantId, context.TenantId);
            Assert.Equal(DefaultWorld.SubscriptionId, context.SubscriptionId);
            Assert.Equal("ServicePrincipalSecret", context.CredentialKind);

            var (json, _) = _session.Run("Get-KustoContext | ConvertTo-Json -Depth 10");
            Assert.DoesNotContain(DefaultWorld.ClientSecret, json.Single().ToString(), StringComparison.Ordinal);

            _session.Run("Disconnect-KustoAccount");
            var (after, _) = _session.Run("Get-KustoContext");
            Assert.Empty(after);
        }
    }
}
