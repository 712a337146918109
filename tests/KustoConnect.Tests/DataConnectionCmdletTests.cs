using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Emulator;
using KustoConnect.Models;
using Xunit;

namespace KustoConnect.Tests
{
    public sealed class DataConnectionCmdletTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private readonly HostedSession _session;

        public DataConnectionCmdletTests(EmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            fixture.Host.ClearRequestLog();
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void The_walkthrough_creates_lists_and_deletes_an_iot_hub_data_connection()
        {
            var (created, newShell) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("walkthrough"));
            Assert.Empty(newShell.Streams.Error);
            var connection = Assert.IsType<KustoIotHubDataConnection>(Assert.Single(created).BaseObject);
            Assert.Equal("walkthrough", connection.Name);
            Assert.Equal("IotHub", connection.Kind);
            Assert.Equal("Succeeded", connection.ProvisioningState);
            Assert.Equal("mykustocluster", connection.ClusterName);
            Assert.Equal("mykustodatabase", connection.DatabaseName);
            Assert.Equal("testrg", connection.ResourceGroupName, ignoreCase: true);
            Assert.Equal("StormEvents", connection.TableName);
            Assert.Equal("StormEvents_CSV_Mapping", connection.MappingRuleName);
            Assert.Equal("CSV", connection.DataFormat);
            Assert.Equal("$Default", connection.ConsumerGroup);
            Assert.Equal("iothubforread", connection.SharedAccessPolicyName);
            Assert.Equal(DefaultWorld.IotHubResourceId, connection.IotHubResourceId, ignoreCase: true);
            Assert.Contains(newShell.Streams.Progress, p => p.Activity.Contains("walkthrough"));

            var (listed, _) = _session.Invoke("Get-KustoDataConnection", Database());
            Assert.Contains(listed, o => ((KustoDataConnection)o.BaseObject).Name == "walkthrough");

            var (_, removeShell) = _session.Run("Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name walkthrough | Remove-KustoDataConnection -Force");
            Assert.Empty(removeShell.Streams.Error);
            Assert.Single(_session.DataConnectionRequests("DELETE"));

            var (after, _) = _session.Invoke("Get-KustoDataConnection", Database());
            Assert.DoesNotContain(after, o => ((KustoDataConnection)o.BaseObject).Name == "walkthrough");
        }

        [Theory]
        [InlineData("Name", "bad/name", "InvalidDataConnectionName")]
        [InlineData("Name", "this-name-is-far-too-long-for-a-data-connection-x", "InvalidDataConnectionName")]
        [InlineData("IotHubResourceId", "/subscriptions/x/resourceGroups/r/providers/Microsoft.EventHub/namespaces/n", "InvalidIotHubResourceId")]
        [InlineData("IotHubResourceId", "not-a-resource-id", "InvalidIotHubResourceId")]
        [InlineData("DataFormat", "yaml", "InvalidDataFormat")]
        [InlineData("DataFormat", "raw", "DataFormatNotSupportedForIotHub")]
        [InlineData("ClusterName", "My_Cluster", "InvalidClusterName")]
        public void Bad_input_gets_its_own_error_and_sends_nothing(string parameter, string value, string errorId)
        {
            var parameters = HostedSession.Walkthrough("bad-input");
            parameters[parameter] = value;

            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);

            Assert.Empty(output);
            var error = Assert.Single(shell.Streams.Error);
            Assert.Equal(errorId + ",KustoConnect.Commands.NewKustoIotHubConnectionCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Empty(_session.DataConnectionRequests());
        }

        [Fact]
        public void Raw_is_refused_for_iot_hub_with_a_message_that_says_why()
        {
            var parameters = HostedSession.Walkthrough("raw-format");
            parameters["DataFormat"] = "RAW";
            var (_, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);
            var message = Assert.Single(shell.Streams.Error).Exception.Message;
            Assert.Contains("RAW", message, StringComparison.Ordinal);
            Assert.Contains("IoT Hub", message, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void WhatIf_sends_no_write()
        {
            var parameters = HostedSession.Walkthrough("what-if");
            parameters["WhatIf"] = true;
            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);

            Assert.Empty(output);
            Assert.Empty(shell.Streams.Error);
            Assert.Empty(_session.DataConnectionRequests());
        }

        [Fact]
        public void An_existing_data_connection_is_not_overwritten_by_New()
        {
            var (first, _) = _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("existing"));
            Assert.Single(first);
            _session.Emulator.ClearRequestLog();

            var second = HostedSession.Walkthrough("existing");
            second["ConsumerGroup"] = "kusto";
            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", second);

            Assert.Empty(output);
            var error = Assert.Single(shell.Streams.Error);
            Assert.Equal("DataConnectionAlreadyExists,KustoConnect.Commands.NewKustoIotHubConnectionCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
            Assert.Empty(_session.DataConnectionRequests("PUT"));
            _session.Run("Remove-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name existing -Force");
        }

        [Fact]
        public void A_failed_operation_becomes_an_error_record_with_the_service_code_and_correlation_id()
        {
            var parameters = HostedSession.Walkthrough("missing-table");
            parameters["TableName"] = "NoSuchTable";
            parameters.Remove("MappingRuleName");

            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);

            Assert.Empty(output);
            var error = Assert.Single(shell.Streams.Error);
            // ARM's code is the error's id, with the category that fits it (issue 11: errors say what ARM said).
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal("TableNotFound,KustoConnect.Commands.NewKustoIotHubConnectionCommand", error.FullyQualifiedErrorId);
            var failed = Assert.IsType<KustoConnect.Engine.KustoOperationFailedException>(error.Exception);
            Assert.False(string.IsNullOrEmpty(failed.Code));
            Assert.False(string.IsNullOrEmpty(failed.CorrelationId));
            Assert.Contains("NoSuchTable", failed.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Getting_a_missing_data_connection_is_an_object_not_found_error_with_the_arm_code()
        {
            var parameters = Database();
            parameters["Name"] = "nothere";
            var (output, shell) = _session.Invoke("Get-KustoDataConnection", parameters);

            Assert.Empty(output);
            var error = Assert.Single(shell.Streams.Error);
            Assert.Equal("ArmResourceNotFound,KustoConnect.Commands.GetKustoDataConnectionCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            var arm = Assert.IsType<KustoConnect.Engine.KustoArmException>(error.Exception);
            Assert.Equal(404, arm.StatusCode);
            Assert.False(string.IsNullOrEmpty(arm.CorrelationId));
        }

        [Fact]
        public void Wildcards_filter_the_listed_data_connections()
        {
            _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("wild-one"));
            var second = HostedSession.Walkthrough("other-two");
            second["ConsumerGroup"] = "kusto";
            second["IotHubResourceId"] = DefaultWorld.IotHubResourceId + "2";
            _session.Invoke("New-KustoIotHubConnection", second);

            var parameters = Database();
            parameters["Name"] = "wild*";
            var (output, _) = _session.Invoke("Get-KustoDataConnection", parameters);

            Assert.Equal(new[] { "wild-one" }, output.Select(o => ((KustoDataConnection)o.BaseObject).Name).ToArray());
            _session.Run("Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase | Where-Object Name -in 'wild-one','other-two' | Remove-KustoDataConnection -Force");
        }

        [Fact]
        public void Remove_with_WhatIf_and_Force_still_sends_no_delete()
        {
            var (_, shell) = _session.Run("Remove-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name anything -Force -WhatIf");
            Assert.Empty(shell.Streams.Error);
            Assert.Empty(_session.DataConnectionRequests("DELETE"));
        }

        private static Dictionary<string, object?> Database() => new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ResourceGroupName"] = DefaultWorld.ResourceGroup,
            ["ClusterName"] = DefaultWorld.ClusterName,
            ["DatabaseName"] = DefaultWorld.DatabaseName,
        };
    }
}
