using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Emulator;
using KustoConnect.Models;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>Every data-connection kind through the cmdlets against the emulator; Update's partial semantics; clusters and databases.</summary>
    public sealed class KindsCmdletTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private const string UpdateId = ",KustoConnect.Commands.UpdateKustoDataConnectionCommand";
        private readonly HostedSession _session;

        public KindsCmdletTests(EmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            fixture.Host.ClearRequestLog();
        }

        public void Dispose() => _session.Dispose();

        private static Dictionary<string, object?> Target(string name) => new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ResourceGroupName"] = DefaultWorld.ResourceGroup,
            ["ClusterName"] = DefaultWorld.ClusterName,
            ["DatabaseName"] = DefaultWorld.DatabaseName,
            ["Name"] = name,
        };

        private static Dictionary<string, object?> EventHub(string name, string consumerGroup = "$Default")
        {
            var parameters = Target(name);
            parameters["EventHubResourceId"] = DefaultWorld.EventHubResourceId;
            parameters["ConsumerGroup"] = consumerGroup;
            parameters["TableName"] = DefaultWorld.StormEventsTable;
            parameters["MappingRuleName"] = DefaultWorld.StormEventsCsvMapping;
            parameters["DataFormat"] = "csv";
            return parameters;
        }

        private T Create<T>(string command, IDictionary<string, object?> parameters)
        {
            var (output, shell) = _session.Invoke(command, parameters);
            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                return Assert.IsType<T>(Assert.Single(output).BaseObject);
            }
        }

        private KustoDataConnection Get(string name)
        {
            var (output, shell) = _session.Invoke("Get-KustoDataConnection", Target(name));
            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                return (KustoDataConnection)Assert.Single(output).BaseObject;
            }
        }

        private List<RequestLogEntry> Writes() =>
            _session.DataConnectionRequests().Where(e => e.Method is "PUT" or "PATCH" or "DELETE").ToList();

        [Fact]
        public void New_KustoEventHubConnection_uses_the_cluster_location_when_Location_is_omitted_and_says_so()
        {
            var parameters = EventHub("eh-default-location");
            parameters["Verbose"] = true;

            var (output, shell) = _session.Invoke("New-KustoEventHubConnection", parameters);

            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                var created = Assert.IsType<KustoEventHubDataConnection>(Assert.Single(output).BaseObject);
                Assert.Equal(DefaultWorld.Location, created.Location);
                Assert.Contains(shell.Streams.Verbose, v => v.Message.Contains("-Location") && v.Message.Contains(DefaultWorld.Location));
            }

            Assert.Contains(_session.Emulator.RequestLog, e => e.Method == "GET"
                && e.Path.Split('?')[0].EndsWith("/clusters/" + DefaultWorld.ClusterName, StringComparison.OrdinalIgnoreCase));
        }

        [Fact]
        public void New_KustoEventHubConnection_sends_every_optional_property_and_reads_them_back()
        {
            var parameters = EventHub("eh-everything");
            parameters["Location"] = DefaultWorld.LocationName;
            parameters["EventSystemProperty"] = new[] { "X-Opt-Enqueued-Time", "x-opt-offset" };
            parameters["Compression"] = "gzip";
            parameters["ManagedIdentityResourceId"] = DefaultWorld.ManagedIdentityResourceId;
            parameters["DatabaseRouting"] = "multi";
            parameters["RetrievalStartDate"] = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

            var created = Create<KustoEventHubDataConnection>("New-KustoEventHubConnection", parameters);

            Assert.Equal("Succeeded", created.ProvisioningState);
            Assert.Equal("EventHub", created.Kind);
            Assert.Equal(new[] { "x-opt-enqueued-time", "x-opt-offset" }, created.EventSystemProperties);
            Assert.Equal("GZip", created.Compression);
            Assert.Equal("Multi", created.DatabaseRouting);
            Assert.Equal("CSV", created.DataFormat);
            Assert.Equal(DefaultWorld.EventHubResourceId, created.EventHubResourceId, ignoreCase: true);
            Assert.Equal(DefaultWorld.ManagedIdentityResourceId, created.ManagedIdentityResourceId, ignoreCase: true);
            Assert.False(string.IsNullOrEmpty(created.ManagedIdentityObjectId));
            Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), created.RetrievalStartDate);
            Assert.Single(Writes(), e => e.Method == "PUT");
        }

        [Fact]
        public void New_KustoEventGridConnection_creates_a_blob_ingestion_connection()
        {
            var parameters = Target("eg-blobs");
            parameters["StorageAccountResourceId"] = DefaultWorld.StorageAccountResourceId;
            parameters["EventHubResourceId"] = DefaultWorld.EventHubResourceId;
            parameters["ConsumerGroup"] = "kusto";
            parameters["TableName"] = DefaultWorld.StormEventsTable;
            parameters["DataFormat"] = "csv";
            parameters["IgnoreFirstRecord"] = true;
            parameters["BlobStorageEventType"] = "microsoft.storage.blobrenamed";
            parameters["ManagedIdentityResourceId"] = DefaultWorld.ManagedIdentityResourceId;

            var created = Create<KustoEventGridDataConnection>("New-KustoEventGridConnection", parameters);

            Assert.Equal("EventGrid", created.Kind);
            Assert.Equal("Succeeded", created.ProvisioningState);
            Assert.Equal(DefaultWorld.StorageAccountResourceId, created.StorageAccountResourceId, ignoreCase: true);
            Assert.Equal("kusto", created.ConsumerGroup);
            Assert.True(created.IgnoreFirstRecord);
            Assert.Equal("Microsoft.Storage.BlobRenamed", created.BlobStorageEventType);
            Assert.Equal("CSV", created.DataFormat);
            Assert.Equal(DefaultWorld.Location, created.Location);
        }

        [Fact]
        public void New_KustoCosmosDbConnection_creates_a_change_feed_connection()
        {
            var parameters = Target("cosmos-feed");
            parameters["CosmosDbAccountResourceId"] = DefaultWorld.CosmosDbAccountResourceId;
            parameters["CosmosDbDatabase"] = DefaultWorld.CosmosDbDatabaseName;
            parameters["CosmosDbContainer"] = DefaultWorld.CosmosDbContainerName;
            parameters["TableName"] = DefaultWorld.TelemetryTable;
            parameters["MappingRuleName"] = DefaultWorld.TelemetryJsonMapping;
            parameters["ManagedIdentityResourceId"] = DefaultWorld.ManagedIdentityResourceId;

            var created = Create<KustoCosmosDbDataConnection>("New-KustoCosmosDbConnection", parameters);

            Assert.Equal("CosmosDb", created.Kind);
            Assert.Equal("Succeeded", created.ProvisioningState);
            Assert.Equal(DefaultWorld.CosmosDbContainerName, created.CosmosDbContainer);
            Assert.Equal(DefaultWorld.CosmosDbDatabaseName, created.CosmosDbDatabase);
            Assert.Equal(DefaultWorld.TelemetryTable, created.TableName);
            Assert.False(string.IsNullOrEmpty(created.ManagedIdentityObjectId));
            Assert.IsType<KustoCosmosDbDataConnection>(Get("cosmos-feed"));
        }

        [Fact]
        public void New_KustoIotHubConnection_no_longer_needs_a_Location()
        {
            var parameters = HostedSession.Walkthrough("iot-no-location");
            parameters.Remove("Location");

            var created = Create<KustoIotHubDataConnection>("New-KustoIotHubConnection", parameters);

            Assert.Equal(DefaultWorld.Location, created.Location);
        }

        [Theory]
        [InlineData("EventHubResourceId", DefaultWorld.IotHubResourceId, "InvalidEventHubResourceId")]
        [InlineData("ManagedIdentityResourceId", DefaultWorld.StorageAccountResourceId, "InvalidManagedIdentityResourceId")]
        [InlineData("DataFormat", "yaml", "InvalidDataFormat")]
        [InlineData("Name", "bad/name", "InvalidDataConnectionName")]
        public void New_KustoEventHubConnection_refuses_bad_input_before_any_request(string parameter, string value, string errorId)
        {
            var parameters = EventHub("eh-bad");
            parameters[parameter] = value;

            var (output, shell) = _session.Invoke("New-KustoEventHubConnection", parameters);

            using (shell)
            {
                Assert.Empty(output);
                var error = Assert.Single(shell.Streams.Error);
                Assert.Equal(errorId + ",KustoConnect.Commands.NewKustoEventHubConnectionCommand", error.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            }

            Assert.DoesNotContain(_session.Emulator.RequestLog, e => e.Path.Contains("/providers/Microsoft.Kusto", StringComparison.OrdinalIgnoreCase));
        }

        [Fact]
        public void Update_changes_only_the_passed_property_and_keeps_kind_and_location()
        {
            var parameters = EventHub("eh-partial");
            parameters["Compression"] = "GZip";
            parameters["EventSystemProperty"] = new[] { "x-opt-enqueued-time" };
            parameters["ManagedIdentityResourceId"] = DefaultWorld.ManagedIdentityResourceId;
            var before = Create<KustoEventHubDataConnection>("New-KustoEventHubConnection", parameters);
            _session.Emulator.ClearRequestLog();

            var (output, shell) = _session.Run(
                "Get-KustoDataConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase -Name eh-partial | " +
                "Update-KustoDataConnection -DataFormat json");

            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
                Assert.Equal("JSON", Assert.IsType<KustoEventHubDataConnection>(Assert.Single(output).BaseObject).DataFormat);
            }

            // One PATCH (the piped object brings the kind): no GET, no PUT.
            var patch = Assert.Single(Writes());
            Assert.Equal("PATCH", patch.Method);
            var after = Assert.IsType<KustoEventHubDataConnection>(Get("eh-partial"));
            Assert.Equal("JSON", after.DataFormat);
            Assert.Equal(before.Kind, after.Kind);
            Assert.Equal(before.Location, after.Location);
            foreach (var property in typeof(KustoEventHubDataConnection).GetProperties().Where(p => p.Name is not "DataFormat" and not "ProvisioningState"))
            {
                var expected = property.GetValue(before);
                var actual = property.GetValue(after);
                if (expected is string[] list)
                {
                    Assert.Equal(list, (string[])actual!);
                }
                else
                {
                    Assert.True(Equals(expected, actual), $"{property.Name} changed from '{expected}' to '{actual}'.");
                }
            }
        }

        [Fact]
        public void Update_by_name_with_Kind_sends_one_PATCH_and_reads_nothing_first_and_without_Kind_reads_once()
        {
            Create<KustoIotHubDataConnection>("New-KustoIotHubConnection", HostedSession.Walkthrough("iot-kind"));
            _session.Emulator.ClearRequestLog();
            var parameters = Target("iot-kind");
            parameters["Kind"] = "IotHub";
            parameters["DataFormat"] = "json";

            var updated = Create<KustoIotHubDataConnection>("Update-KustoDataConnection", parameters);

            Assert.Equal("JSON", updated.DataFormat);
            var log = _session.DataConnectionRequests();
            Assert.Equal("PATCH", log[0].Method);
            Assert.Single(Writes());

            _session.Emulator.ClearRequestLog();
            var byName = Target("iot-kind");
            byName["TableName"] = DefaultWorld.TelemetryTable;
            byName["MappingRuleName"] = string.Empty;
            Create<KustoIotHubDataConnection>("Update-KustoDataConnection", byName);
            var second = _session.DataConnectionRequests();
            Assert.Equal(new[] { "GET", "PATCH" }, second.Take(2).Select(e => e.Method));
            Assert.Single(Writes());
        }

        [Fact]
        public void Update_with_a_wrong_Kind_is_refused_by_the_service_and_changes_nothing()
        {
            Create<KustoIotHubDataConnection>("New-KustoIotHubConnection", HostedSession.Walkthrough("iot-wrong-kind-given"));
            var parameters = Target("iot-wrong-kind-given");
            parameters["Kind"] = "EventHub";
            parameters["DataFormat"] = "json";

            var (output, shell) = _session.Invoke("Update-KustoDataConnection", parameters);

            using (shell)
            {
                Assert.Empty(output);
                Assert.Equal(ErrorCategory.InvalidArgument, Assert.Single(shell.Streams.Error).CategoryInfo.Category);
            }

            Assert.Equal("CSV", ((KustoIotHubDataConnection)Get("iot-wrong-kind-given")).DataFormat);
        }

        [Fact]
        public void Update_by_name_can_clear_a_mapping_with_an_empty_string()
        {
            Create<KustoIotHubDataConnection>("New-KustoIotHubConnection", HostedSession.Walkthrough("iot-clear"));
            var parameters = Target("iot-clear");
            parameters["MappingRuleName"] = string.Empty;
            parameters["TableName"] = DefaultWorld.TelemetryTable;

            var updated = Create<KustoIotHubDataConnection>("Update-KustoDataConnection", parameters);

            Assert.Null(updated.MappingRuleName);
            Assert.Equal(DefaultWorld.TelemetryTable, updated.TableName);
            Assert.Equal("CSV", updated.DataFormat);
            Assert.Equal("iothubforread", updated.SharedAccessPolicyName);
        }

        [Fact]
        public void Update_refuses_a_parameter_of_another_kind_before_any_write()
        {
            Create<KustoIotHubDataConnection>("New-KustoIotHubConnection", HostedSession.Walkthrough("iot-wrong-kind"));
            _session.Emulator.ClearRequestLog();
            var parameters = Target("iot-wrong-kind");
            parameters["Compression"] = "GZip";

            var (output, shell) = _session.Invoke("Update-KustoDataConnection", parameters);

            using (shell)
            {
                Assert.Empty(output);
                var error = Assert.Single(shell.Streams.Error);
                Assert.Equal("ParameterNotValidForKind" + UpdateId, error.FullyQualifiedErrorId);
                Assert.Contains("-Compression", error.Exception.Message);
                Assert.Contains("IotHub", error.Exception.Message);
            }

            Assert.Empty(Writes());
        }

        [Fact]
        public void Update_without_Kind_refuses_a_value_no_kind_accepts_before_any_request()
        {
            var parameters = Target("anything");
            parameters["DataFormat"] = "NOPE";

            var (output, shell) = _session.Invoke("Update-KustoDataConnection", parameters);

            using (shell)
            {
                Assert.Empty(output);
                var error = Assert.Single(shell.Streams.Error);
                Assert.Equal("InvalidDataFormat" + UpdateId, error.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            }

            Assert.Empty(_session.DataConnectionRequests());
        }

        [Fact]
        public void Update_without_Kind_lets_a_value_another_kind_accepts_through_and_checks_it_by_the_kind_it_reads()
        {
            Create<KustoIotHubDataConnection>("New-KustoIotHubConnection", HostedSession.Walkthrough("iot-raw"));
            _session.Emulator.ClearRequestLog();
            var parameters = Target("iot-raw");
            parameters["DataFormat"] = "raw";

            var (output, shell) = _session.Invoke("Update-KustoDataConnection", parameters);

            using (shell)
            {
                Assert.Empty(output);
                Assert.Equal("DataFormatNotSupportedForIotHub" + UpdateId, Assert.Single(shell.Streams.Error).FullyQualifiedErrorId);
            }

            Assert.Single(_session.DataConnectionRequests(), r => r.Method == "GET");
            Assert.Empty(Writes());
        }

        [Fact]
        public void Update_of_a_piped_object_refuses_another_kinds_parameter_without_any_request()
        {
            Create<KustoIotHubDataConnection>("New-KustoIotHubConnection", HostedSession.Walkthrough("iot-piped-wrong"));
            var connection = Get("iot-piped-wrong");
            _session.Emulator.ClearRequestLog();

            var (_, shell) = _session.Run("$c | Update-KustoDataConnection -CosmosDbContainer other", new Dictionary<string, object?> { ["c"] = connection });

            using (shell)
            {
                Assert.Equal("ParameterNotValidForKind" + UpdateId, Assert.Single(shell.Streams.Error).FullyQualifiedErrorId);
            }

            Assert.Empty(_session.DataConnectionRequests());
        }

        [Fact]
        public void Update_with_WhatIf_sends_no_write()
        {
            Create<KustoIotHubDataConnection>("New-KustoIotHubConnection", HostedSession.Walkthrough("iot-whatif"));
            _session.Emulator.ClearRequestLog();
            var parameters = Target("iot-whatif");
            parameters["DataFormat"] = "json";
            parameters["WhatIf"] = true;

            var (output, shell) = _session.Invoke("Update-KustoDataConnection", parameters);

            using (shell)
            {
                Assert.Empty(output);
                Assert.Empty(shell.Streams.Error);
            }

            Assert.Empty(Writes());
            Assert.Equal("CSV", ((KustoIotHubDataConnection)Get("iot-whatif")).DataFormat);
        }

        [Fact]
        public void Update_with_nothing_to_change_is_an_error()
        {
            var (_, shell) = _session.Invoke("Update-KustoDataConnection", Target("anything"));
            using (shell)
            {
                var error = Assert.Single(shell.Streams.Error);
                Assert.Equal("NothingToUpdate" + UpdateId, error.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            }

            Assert.Empty(_session.DataConnectionRequests());
        }

        [Fact]
        public void Update_of_a_missing_connection_is_ObjectNotFound()
        {
            var parameters = Target("not-there");
            parameters["TableName"] = DefaultWorld.TelemetryTable;

            var (_, shell) = _session.Invoke("Update-KustoDataConnection", parameters);

            using (shell)
            {
                Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(shell.Streams.Error).CategoryInfo.Category);
            }

            Assert.Empty(Writes());
        }

        [Fact]
        public void Get_KustoDataConnection_filters_by_kind()
        {
            Create<KustoIotHubDataConnection>("New-KustoIotHubConnection", HostedSession.Walkthrough("kind-iot"));
            Create<KustoEventHubDataConnection>("New-KustoEventHubConnection", EventHub("kind-eh"));
            var database = Target("unused");
            database.Remove("Name");

            database["Kind"] = new[] { "EventHub" };
            var (eventHubs, _) = _session.Invoke("Get-KustoDataConnection", database);
            database["Kind"] = new[] { "iot*" };
            var (iotHubs, _) = _session.Invoke("Get-KustoDataConnection", database);
            database["Kind"] = new[] { "CosmosDb" };
            var (none, _) = _session.Invoke("Get-KustoDataConnection", database);

            Assert.Equal("kind-eh", ((KustoDataConnection)Assert.Single(eventHubs).BaseObject).Name);
            Assert.Equal("kind-iot", ((KustoDataConnection)Assert.Single(iotHubs).BaseObject).Name);
            Assert.Empty(none);
        }

        [Fact]
        public void Get_KustoCluster_lists_matches_and_gets_one()
        {
            var (all, allShell) = _session.Invoke("Get-KustoCluster", new Dictionary<string, object?> { ["ResourceGroupName"] = DefaultWorld.ResourceGroup });
            var (matched, _) = _session.Invoke("Get-KustoCluster", new Dictionary<string, object?> { ["ResourceGroupName"] = DefaultWorld.ResourceGroup, ["Name"] = "MYKUSTO*" });
            var (none, _) = _session.Invoke("Get-KustoCluster", new Dictionary<string, object?> { ["ResourceGroupName"] = DefaultWorld.ResourceGroup, ["Name"] = "other*" });
            var one = Create<KustoCluster>("Get-KustoCluster", new Dictionary<string, object?> { ["ResourceGroupName"] = DefaultWorld.ResourceGroup, ["Name"] = DefaultWorld.ClusterName });

            Assert.Empty(allShell.Streams.Error);
            var listed = Assert.IsType<KustoCluster>(Assert.Single(all).BaseObject);
            Assert.Equal(DefaultWorld.ClusterName, listed.Name);
            Assert.Single(matched);
            Assert.Empty(none);
            Assert.Equal(DefaultWorld.Location, one.Location);
            Assert.Equal("Running", one.State);
            Assert.Equal(DefaultWorld.SubscriptionId, one.SubscriptionId);
            Assert.Equal(DefaultWorld.ResourceGroup, one.ResourceGroupName, ignoreCase: true);
            Assert.StartsWith("https://", one.Uri);
        }

        [Fact]
        public void Get_KustoCluster_of_a_missing_cluster_is_ObjectNotFound()
        {
            var (output, shell) = _session.Invoke("Get-KustoCluster", new Dictionary<string, object?> { ["ResourceGroupName"] = DefaultWorld.ResourceGroup, ["Name"] = "nosuchcluster" });
            using (shell)
            {
                Assert.Empty(output);
                Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(shell.Streams.Error).CategoryInfo.Category);
            }
        }

        [Fact]
        public void Get_KustoDatabase_lists_by_name_and_from_a_piped_cluster()
        {
            var database = Create<KustoDatabase>("Get-KustoDatabase", new Dictionary<string, object?>
            {
                ["ResourceGroupName"] = DefaultWorld.ResourceGroup,
                ["ClusterName"] = DefaultWorld.ClusterName,
                ["Name"] = DefaultWorld.DatabaseName,
            });
            var (piped, shell) = _session.Run("Get-KustoCluster -ResourceGroupName testrg | Get-KustoDatabase");

            Assert.Equal(DefaultWorld.DatabaseName, database.Name);
            Assert.Equal(DefaultWorld.ClusterName, database.ClusterName);
            Assert.Equal("ReadWrite", database.Kind);
            Assert.Equal(DefaultWorld.Location, database.Location);
            Assert.Empty(shell.Streams.Error);
            Assert.Contains(piped, o => ((KustoDatabase)o.BaseObject).Name == DefaultWorld.DatabaseName);
        }
    }
}
