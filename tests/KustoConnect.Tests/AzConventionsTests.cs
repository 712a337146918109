using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Emulator;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>The Az conventions of issue 13 point 4: -PassThru, several subscriptions, databases piped in, missing removals, User-Agent.</summary>
    public sealed class AzConventionsTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private const string Database = "-ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase";
        private const string OtherSubscription = "11111111-2222-4333-8444-555555555555";
        private readonly HostedSession _session;

        public AzConventionsTests(EmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            fixture.Host.ClearRequestLog();
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void Remove_PassThru_writes_what_was_removed()
        {
            Assert.Empty(_session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("passthru")).Shell.Streams.Error);

            var (output, shell) = _session.Run($"Remove-KustoDataConnection {Database} -Name passthru -Force -PassThru");

            Assert.Empty(shell.Streams.Error);
            var removed = Assert.IsType<KustoIotHubDataConnection>(Assert.Single(output).BaseObject);
            Assert.Equal("passthru", removed.Name);
            Assert.Equal("StormEvents", removed.TableName);
            Assert.Empty(_session.Run($"Get-KustoDataConnection {Database}").Output);
        }

        [Fact]
        public void Remove_without_PassThru_writes_nothing()
        {
            Assert.Empty(_session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("quiet")).Shell.Streams.Error);

            var (output, shell) = _session.Run($"Remove-KustoDataConnection {Database} -Name quiet -Force");

            Assert.Empty(shell.Streams.Error);
            Assert.Empty(output);
        }

        [Fact]
        public void Remove_of_a_connection_that_does_not_exist_says_so_and_sends_no_delete()
        {
            var (output, shell) = _session.Run($"Remove-KustoDataConnection {Database} -Name not-there -Force");

            Assert.Empty(output);
            var error = Assert.Single(shell.Streams.Error);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.EndsWith(",KustoConnect.Commands.RemoveKustoDataConnectionCommand", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("not-there", error.Exception.Message, StringComparison.Ordinal);
            Assert.Empty(_session.DataConnectionRequests("DELETE"));
        }

        [Fact]
        public void Get_KustoDatabase_piped_to_Get_KustoDataConnection_lists_its_connections()
        {
            Assert.Empty(_session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("from-db")).Shell.Streams.Error);

            var (output, shell) = _session.Run("Get-KustoDatabase -ResourceGroupName testrg -ClusterName mykustocluster | Get-KustoDataConnection");
            var (named, namedShell) = _session.Run("Get-KustoDatabase -ResourceGroupName testrg -ClusterName mykustocluster | Get-KustoDataConnection -Name from-*");

            Assert.Empty(shell.Streams.Error);
            Assert.Equal("from-db", Assert.IsAssignableFrom<KustoDataConnection>(Assert.Single(output).BaseObject).Name);
            Assert.Empty(namedShell.Streams.Error);
            Assert.Single(named);
        }

        [Fact]
        public void SubscriptionId_takes_several_subscriptions_and_looks_in_each()
        {
            Assert.Empty(_session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("in-one")).Shell.Streams.Error);
            _session.Emulator.ClearRequestLog();
            var subscriptions = new Dictionary<string, object?> { ["subs"] = new[] { OtherSubscription, DefaultWorld.SubscriptionId } };

            var (connections, connectionShell) = _session.Run($"Get-KustoDataConnection {Database} -SubscriptionId $subs", subscriptions);
            var (one, oneShell) = _session.Run($"Get-KustoDataConnection {Database} -Name in-one -SubscriptionId $subs", subscriptions);
            var (clusters, clusterShell) = _session.Run("Get-KustoCluster -ResourceGroupName testrg -SubscriptionId $subs", subscriptions);
            var (databases, databaseShell) = _session.Run("Get-KustoDatabase -ResourceGroupName testrg -ClusterName mykustocluster -SubscriptionId $subs", subscriptions);

            Assert.Equal("in-one", Assert.IsAssignableFrom<KustoDataConnection>(Assert.Single(connections).BaseObject).Name);
            Assert.Single(one);
            Assert.NotEmpty(clusters);
            Assert.NotEmpty(databases);
            Assert.Empty(connectionShell.Streams.Error);
            Assert.Empty(oneShell.Streams.Error);
            Assert.Empty(clusterShell.Streams.Error);
            Assert.Empty(databaseShell.Streams.Error);
            Assert.Contains(_session.Emulator.RequestLog, e => e.Path.StartsWith("/subscriptions/" + OtherSubscription + "/", StringComparison.OrdinalIgnoreCase));

            var (none, noneShell) = _session.Run($"Get-KustoDataConnection {Database} -Name in-one -SubscriptionId $subs", new Dictionary<string, object?> { ["subs"] = new[] { OtherSubscription } });
            Assert.Empty(none);
            Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(noneShell.Streams.Error).CategoryInfo.Category);
        }

        [Fact]
        public void The_User_Agent_names_KustoConnect_with_its_version_and_the_PowerShell_edition_and_version()
        {
            Assert.Equal(
                "PowerShell/" + PSVersionInfoVersion() + " (Core)",
                ModuleInitializer.PowerShellProduct());
            Assert.Equal(ModuleInitializer.PowerShellProduct(), KustoSession.UserAgentHost);
        }

        private static string PSVersionInfoVersion()
        {
            using var shell = PowerShell.Create();
            return shell.AddScript("$PSVersionTable.PSVersion.ToString()").Invoke().Single().BaseObject.ToString()!;
        }
    }
}
