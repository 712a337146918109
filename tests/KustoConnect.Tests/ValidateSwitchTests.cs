using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Commands;
using KustoConnect.Emulator;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>New-Kusto*Connection -Validate against the emulator, and the IoT Hub model builder New- and Test- share.</summary>
    public sealed class ValidateSwitchTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private const string IotHubCommand = "KustoConnect.Commands.NewKustoIotHubConnectionCommand";
        private readonly HostedSession _session;

        public ValidateSwitchTests(EmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            fixture.Host.ClearRequestLog();
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void An_invalid_iot_hub_definition_writes_one_error_with_every_message_and_sends_no_put()
        {
            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", Broken("broken"));

            Assert.Empty(output);
            var error = Assert.Single(shell.Streams.Error);
            Assert.Equal("DataConnectionValidationFailed," + IotHubCommand, error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
            var failure = Assert.IsType<DataConnectionValidationFailedException>(error.Exception);
            Assert.Equal(2, failure.Messages.Count);
            Assert.Contains(failure.Messages, m => m.Contains("NoSuchTable", StringComparison.Ordinal));
            Assert.Contains(failure.Messages, m => m.Contains("nosuchgroup", StringComparison.Ordinal));
            var lines = failure.Message.Split('\n');
            Assert.All(failure.Messages, m => Assert.Contains(m, lines));
            Assert.EndsWith("/dataConnections/broken", failure.ResourceId, StringComparison.OrdinalIgnoreCase);

            Assert.Single(_session.Emulator.RequestLog, e => e.Method == "POST" && e.Path.Contains("/dataConnectionValidation?", StringComparison.OrdinalIgnoreCase));
            Assert.Empty(_session.DataConnectionRequests("PUT"));
        }

        [Fact]
        public void A_valid_event_hub_definition_is_validated_then_created()
        {
            var parameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
            {
                ["ResourceGroupName"] = DefaultWorld.ResourceGroup,
                ["ClusterName"] = DefaultWorld.ClusterName,
                ["DatabaseName"] = DefaultWorld.DatabaseName,
                ["Name"] = "eh-validated",
                ["EventHubResourceId"] = DefaultWorld.EventHubResourceId,
                ["ConsumerGroup"] = "$Default",
                ["TableName"] = DefaultWorld.StormEventsTable,
                ["MappingRuleName"] = DefaultWorld.StormEventsCsvMapping,
                ["DataFormat"] = "csv",
                ["Validate"] = true,
            };

            var (output, shell) = _session.Invoke("New-KustoEventHubConnection", parameters);

            Assert.Empty(shell.Streams.Error);
            var created = Assert.IsType<KustoEventHubDataConnection>(Assert.Single(output).BaseObject);
            Assert.Equal("eh-validated", created.Name);
            Assert.Equal("Succeeded", created.ProvisioningState);
            var log = _session.Emulator.RequestLog.ToList();
            var validation = log.FindIndex(e => e.Method == "POST" && e.Path.Contains("/dataConnectionValidation?", StringComparison.OrdinalIgnoreCase));
            var put = log.FindIndex(e => e.Method == "PUT" && e.Path.Contains("/dataConnections/eh-validated?", StringComparison.OrdinalIgnoreCase));
            Assert.True(validation >= 0, "The definition was not validated.");
            Assert.True(put > validation, "The data connection was not created after the validation.");
        }

        [Fact]
        public void An_invalid_definition_fails_the_job_with_the_validation_error_id()
        {
            var parameters = Broken("broken-job");
            parameters["AsJob"] = true;

            var (output, shell) = _session.Invoke("New-KustoIotHubConnection", parameters);
            Assert.Empty(shell.Streams.Error);
            var job = Assert.IsType<KustoJob>(Assert.Single(output).BaseObject);
            var (received, receiveShell) = _session.Run(
                "$job | Wait-Job -Timeout 60 | Receive-Job",
                new Dictionary<string, object?> { ["job"] = job });

            Assert.Equal(JobState.Failed, job.JobStateInfo.State);
            Assert.Empty(received);
            var error = Assert.Single(receiveShell.Streams.Error);
            Assert.Equal("DataConnectionValidationFailed," + IotHubCommand, error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
            Assert.Equal(2, Assert.IsType<DataConnectionValidationFailedException>(error.Exception).Messages.Count);
            Assert.Empty(_session.DataConnectionRequests("PUT"));
        }

        [Fact]
        public void The_iot_hub_builder_spells_known_properties_as_documented_and_warns_about_unknown_ones()
        {
            var warnings = new List<string>();
            var upperCased = DefaultWorld.IotHubResourceId.ToUpperInvariant();

            var parameters = new NewKustoIotHubConnectionCommand
            {
                IotHubResourceId = upperCased,
                SharedAccessPolicyName = "iothubforread",
                ConsumerGroup = "$Default",
                TableName = "StormEvents",
                MappingRuleName = "StormEvents_CSV_Mapping",
                DataFormat = "csv",
                EventSystemProperty = new[] { "MESSAGE-ID", " ", "no-such-property" },
                DatabaseRouting = "multi",
                RetrievalStartDate = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            };
            var bound = new[] { "IotHubResourceId", "SharedAccessPolicyName", "TableName", "MappingRuleName", "DataFormat", "EventSystemProperty", "DatabaseRouting", "RetrievalStartDate" };

            var model = Assert.IsType<IotHubDataConnection>(DataConnectionModelBuilder.Build(IotHubDataConnection.Description, parameters, bound, warnings.Add));

            Assert.Equal(ResourceIds.Parse(upperCased, ResourceIds.IotHub, "IotHubResourceId").ResourceId, model.IotHubResourceId);
            Assert.Equal(new[] { "message-id", "no-such-property" }, model.EventSystemProperties);
            Assert.Contains("no-such-property", Assert.Single(warnings), StringComparison.Ordinal);
            Assert.Equal("CSV", model.DataFormat);
            Assert.Equal("Multi", model.DatabaseRouting);
            Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), model.RetrievalStartDate);
            Assert.Null(model.Location);
        }

        /// <summary>The walkthrough's IoT Hub definition with -Validate, a table the database lacks and a consumer group the hub lacks.</summary>
        private static Dictionary<string, object?> Broken(string name)
        {
            var parameters = HostedSession.Walkthrough(name);
            parameters["TableName"] = "NoSuchTable";
            parameters.Remove("MappingRuleName");
            parameters["ConsumerGroup"] = "nosuchgroup";
            parameters["Validate"] = true;
            return parameters;
        }
    }
}
