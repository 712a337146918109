using System;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Emulator;
using KustoConnect.Engine;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>Test-KustoDataConnectionName and Test-KustoDataConnection against the emulator.</summary>
    public sealed class ValidationCmdletTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private readonly HostedSession _session;

        public ValidationCmdletTests(EmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            fixture.Host.ClearRequestLog();
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void A_taken_name_is_not_available()
        {
            var (_, created) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("taken"));
            Assert.Empty(created.Streams.Error);

            var (output, shell) = _session.Invoke("Test-KustoDataConnectionName", NameParameters("taken"));

            Assert.Empty(shell.Streams.Error);
            var answer = Assert.IsType<NameAvailability>(Assert.Single(output).BaseObject);
            Assert.Equal("taken", answer.Name);
            Assert.False(answer.NameAvailable);
            Assert.Equal("AlreadyExists", answer.Reason);
            Assert.Contains("already taken", answer.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_free_name_is_available()
        {
            var (output, shell) = _session.Invoke("Test-KustoDataConnectionName", NameParameters("free name.1"));

            Assert.Empty(shell.Streams.Error);
            var answer = Assert.IsType<NameAvailability>(Assert.Single(output).BaseObject);
            Assert.Equal("free name.1", answer.Name);
            Assert.True(answer.NameAvailable);
            Assert.Null(answer.Reason);
            Assert.Single(_session.Emulator.RequestLog, e => e.Path.Contains("/checkNameAvailability?", StringComparison.OrdinalIgnoreCase));
        }

        [Fact]
        public void An_invalid_name_is_refused_client_side_and_nothing_is_sent()
        {
            var (output, shell) = _session.Invoke("Test-KustoDataConnectionName", NameParameters("bad/name"));

            Assert.Empty(output);
            var error = Assert.Single(shell.Streams.Error);
            Assert.Equal("InvalidDataConnectionName,KustoConnect.Commands.TestKustoDataConnectionNameCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.DoesNotContain(_session.Emulator.RequestLog, e => e.Path.Contains("/providers/Microsoft.Kusto/", StringComparison.OrdinalIgnoreCase));
        }

        [Fact]
        public void A_valid_iot_hub_definition_writes_nothing_and_creates_nothing()
        {
            var (output, shell) = _session.Invoke("Test-KustoDataConnection", HostedSession.Walkthrough("valid"));

            Assert.Empty(shell.Streams.Error);
            Assert.Empty(output);
            Assert.Single(_session.Emulator.RequestLog, e => e.Method == "POST" && e.Path.Contains("/dataConnectionValidation?", StringComparison.OrdinalIgnoreCase));
            Assert.Empty(_session.DataConnectionRequests("PUT"));
            var (listed, _) = _session.Run("Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase");
            Assert.Empty(listed);
        }

        [Fact]
        public void A_missing_table_and_a_missing_consumer_group_are_both_reported()
        {
            var parameters = HostedSession.Walkthrough("broken");
            parameters["TableName"] = "NoSuchTable";
            parameters.Remove("MappingRuleName");
            parameters["ConsumerGroup"] = "nosuchgroup";

            var (output, shell) = _session.Invoke("Test-KustoDataConnection", parameters);

            Assert.Empty(shell.Streams.Error);
            var messages = output.Select(o => Assert.IsType<string>(o.BaseObject)).ToList();
            Assert.Equal(2, messages.Count);
            Assert.Contains(messages, m => m.Contains("NoSuchTable", StringComparison.Ordinal));
            Assert.Contains(messages, m => m.Contains("nosuchgroup", StringComparison.Ordinal));
        }

        [Fact]
        public void An_existing_connection_piped_in_is_validated_as_stored()
        {
            var (_, created) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("existing"));
            Assert.Empty(created.Streams.Error);

            var (output, shell) = _session.Run("Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name existing | Test-KustoDataConnection");

            Assert.Empty(shell.Streams.Error);
            Assert.Empty(output);
            Assert.Single(_session.Emulator.RequestLog, e => e.Method == "POST" && e.Path.Contains("/dataConnectionValidation?", StringComparison.OrdinalIgnoreCase));
        }

        [Theory]
        [InlineData("EventHub")]
        [InlineData("EventGrid")]
        [InlineData("CosmosDb")]
        public void Every_kind_is_validated_valid_definitions_pass_and_a_missing_table_is_reported(string kind)
        {
            var parameters = NameParameters("validate-" + kind.ToLowerInvariant());
            switch (kind)
            {
                case "EventHub":
                    parameters["EventHubResourceId"] = DefaultWorld.EventHubResourceId;
                    parameters["DataFormat"] = "csv";
                    break;
                case "EventGrid":
                    parameters["StorageAccountResourceId"] = DefaultWorld.StorageAccountResourceId;
                    parameters["EventHubResourceId"] = DefaultWorld.EventHubResourceId;
                    parameters["IgnoreFirstRecord"] = true;
                    break;
                default:
                    parameters["CosmosDbAccountResourceId"] = DefaultWorld.CosmosDbAccountResourceId;
                    parameters["CosmosDbDatabase"] = DefaultWorld.CosmosDbDatabaseName;
                    parameters["CosmosDbContainer"] = DefaultWorld.CosmosDbContainerName;
                    parameters["ManagedIdentityResourceId"] = DefaultWorld.ManagedIdentityResourceId;
                    break;
            }

            parameters["TableName"] = DefaultWorld.StormEventsTable;
            var (valid, validShell) = _session.Invoke("Test-KustoDataConnection", parameters);
            Assert.Empty(validShell.Streams.Error);
            Assert.Empty(valid);

            parameters["TableName"] = "NoSuchTable";
            var (invalid, invalidShell) = _session.Invoke("Test-KustoDataConnection", parameters);
            Assert.Empty(invalidShell.Streams.Error);
            Assert.Contains(invalid, o => o.BaseObject is string text && text.Contains("NoSuchTable", StringComparison.Ordinal));

            Assert.Equal(2, _session.Emulator.RequestLog.Count(e => e.Method == "POST" && e.Path.Contains("/dataConnectionValidation?", StringComparison.OrdinalIgnoreCase)));
            Assert.DoesNotContain(_session.Emulator.RequestLog, e => e.Method is "PUT" or "PATCH" or "DELETE");
        }

        [Fact]
        public void A_piped_object_is_validated_as_it_is_after_editing_not_as_the_service_has_it()
        {
            var (_, created) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("edited"));
            Assert.Empty(created.Streams.Error);
            _session.Emulator.ClearRequestLog();

            var (output, shell) = _session.Run(
                "$c = Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name edited; " +
                "$c.TableName = 'NoSuchTable'; $c | Test-KustoDataConnection");

            Assert.Empty(shell.Streams.Error);
            Assert.Contains(output, o => o.BaseObject is string text && text.Contains("NoSuchTable", StringComparison.Ordinal));
            var reads = _session.Emulator.RequestLog.Where(e => e.Method == "GET" && e.Path.Contains("/dataConnections/edited", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.Single(reads);
        }

        private static System.Collections.Generic.Dictionary<string, object?> NameParameters(string name) => new(StringComparer.OrdinalIgnoreCase)
        {
            ["ResourceGroupName"] = DefaultWorld.ResourceGroup,
            ["ClusterName"] = DefaultWorld.ClusterName,
            ["DatabaseName"] = DefaultWorld.DatabaseName,
            ["Name"] = name,
        };
    }
}
