using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using KustoConnect.Emulator;
using KustoConnect.Engine.DesiredState;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>The definition file of Export-/Sync-KustoDataConnection: written readable and complete, read with every problem at once.</summary>
    public sealed class DefinitionFileTests
    {
        private static T Placed<T>(T connection, string name)
            where T : DataConnection
        {
            connection.Name = name;
            connection.SubscriptionId = DefaultWorld.SubscriptionId;
            connection.ResourceGroupName = DefaultWorld.ResourceGroup;
            connection.ClusterName = "MyKustoCluster";
            connection.DatabaseName = DefaultWorld.DatabaseName;
            connection.Location = DefaultWorld.Location;
            connection.ProvisioningState = "Succeeded";
            return connection;
        }

        private static DataConnection[] EveryKind() => new DataConnection[]
        {
            Placed(new IotHubDataConnection
            {
                IotHubResourceId = DefaultWorld.IotHubResourceId, ConsumerGroup = "$Default", SharedAccessPolicyName = "iothubforread",
                TableName = "StormEvents", DataFormat = "CSV", EventSystemProperties = new List<string> { "message-id" }, DatabaseRouting = "Single",
                RetrievalStartDate = new DateTimeOffset(2024, 5, 1, 8, 30, 0, TimeSpan.Zero),
            }, "iot"),
            Placed(new EventHubDataConnection
            {
                EventHubResourceId = DefaultWorld.EventHubResourceId, ConsumerGroup = "kusto", TableName = "StormEvents", MappingRuleName = "StormEvents_CSV_Mapping",
                DataFormat = "CSV", Compression = "GZip", ManagedIdentityResourceId = DefaultWorld.ManagedIdentityResourceId, ManagedIdentityObjectId = "read-only-object-id",
            }, "eh"),
            Placed(new EventGridDataConnection
            {
                StorageAccountResourceId = DefaultWorld.StorageAccountResourceId, EventHubResourceId = DefaultWorld.EventHubResourceId, ConsumerGroup = "$Default",
                IgnoreFirstRecord = true, BlobStorageEventType = "Microsoft.Storage.BlobCreated", DataFormat = "CSV",
            }, "grid"),
            Placed(new CosmosDbDataConnection
            {
                CosmosDbAccountResourceId = DefaultWorld.CosmosDbAccountResourceId, CosmosDbDatabase = "mydb", CosmosDbContainer = "mycontainer",
                TableName = "Telemetry", ManagedIdentityResourceId = DefaultWorld.ManagedIdentityResourceId,
            }, "cosmos"),
        };

        [Fact]
        public void Every_kind_round_trips_with_its_target_and_settable_properties_and_no_read_only_one()
        {
            var text = DefinitionFile.Write(EveryKind());

            Assert.DoesNotContain("provisioningState", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("managedIdentityObjectId", text, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("\n    {", text, StringComparison.Ordinal);
            using (var document = JsonDocument.Parse(text))
            {
                var iot = document.RootElement.GetProperty("dataConnections")[0];
                Assert.Equal("mykustocluster", iot.GetProperty("clusterName").GetString());
                Assert.Equal(JsonValueKind.Null, iot.GetProperty("properties").GetProperty("mappingRuleName").ValueKind);
                Assert.Equal("2024-05-01T08:30:00Z", iot.GetProperty("properties").GetProperty("retrievalStartDate").GetString());
            }

            var read = DefinitionFile.Read(text, null);

            Assert.Equal(new[] { "IotHub", "EventHub", "EventGrid", "CosmosDb" }, read.Entries.Select(e => e.Kind));
            Assert.Single(read.Databases);
            foreach (var (entry, original) in read.Entries.Zip(EveryKind()))
            {
                Assert.Equal(original.Name, entry.Target.Name);
                Assert.Equal(DefaultWorld.Location, entry.Location);
                var model = entry.ToModel(entry.Location);
                foreach (var property in DataConnectionProperties.Of(original.Kind))
                {
                    Assert.True(property.AreEqual(property.GetValue(original), property.GetValue(model)), original.Name + "." + property.Name);
                }
            }

            Assert.Null(read.Entries[0].Properties["MappingRuleName"]);
            Assert.False(read.Entries[0].Properties.ContainsKey("SharedAccessPolicyKey"));
        }

        [Fact]
        public void Reading_reports_every_problem_at_once_with_the_rule_ids_of_the_cmdlets()
        {
            var json = @"{ ""version"": 1, ""dataConnections"": [
                { ""resourceGroupName"": ""testrg"", ""clusterName"": ""mykustocluster"", ""databaseName"": ""db"", ""name"": ""a"", ""kind"": ""IotHub"",
                  ""properties"": { ""iotHubResourceId"": ""/not/an/id"", ""consumerGroup"": ""$Default"", ""sharedAccessPolicyName"": ""p"", ""dataFormat"": ""raw"" } },
                { ""resourceGroupName"": ""testrg"", ""clusterName"": ""x"", ""databaseName"": ""db"", ""name"": ""b"", ""kind"": ""Kafka"", ""properties"": {} },
                { ""resourceGroupName"": ""testrg"", ""clusterName"": ""mykustocluster"", ""databaseName"": ""db"", ""name"": ""c"", ""kind"": ""EventHub"", ""extra"": 1,
                  ""properties"": { ""eventHubResourceId"": """ + DefaultWorld.EventHubResourceId + @""", ""consumerGroup"": null, ""compression"": ""zip"", ""eventSystemProperties"": ""x"" } },
                { ""resourceGroupName"": ""testrg"", ""clusterName"": ""mykustocluster"", ""databaseName"": ""db"", ""name"": ""d"", ""kind"": ""CosmosDb"",
                  ""properties"": { ""cosmosDbAccountResourceId"": """ + DefaultWorld.CosmosDbAccountResourceId + @""", ""cosmosDbDatabase"": ""d"", ""cosmosDbContainer"": ""c"",
                    ""managedIdentityResourceId"": """ + DefaultWorld.ManagedIdentityResourceId + @""", ""tableName"": null } },
                { ""resourceGroupName"": ""testrg"", ""clusterName"": ""mykustocluster"", ""databaseName"": ""db"", ""name"": ""D"", ""kind"": ""EventHub"",
                  ""properties"": { ""eventHubResourceId"": """ + DefaultWorld.EventHubResourceId + @""", ""consumerGroup"": ""$Default"" } },
                { ""resourceGroupName"": ""testrg"", ""clusterName"": ""mykustocluster"", ""databaseName"": ""db"", ""name"": ""d"", ""kind"": ""EventHub"",
                  ""properties"": { ""eventHubResourceId"": """ + DefaultWorld.EventHubResourceId + @""", ""consumerGroup"": ""$Default"" } }
            ] }";

            var error = Assert.Throws<DefinitionFileException>(() => DefinitionFile.Read(json, DefaultWorld.SubscriptionId));

            var ids = error.Problems.Select(p => p.Index + ":" + p.ErrorId).ToList();
            Assert.Contains("0:InvalidIotHubResourceId", ids);
            Assert.Contains("0:DataFormatNotSupportedForIotHub", ids);
            Assert.Contains("1:InvalidClusterName", ids);
            Assert.Contains("1:InvalidDataConnectionKind", ids);
            Assert.Contains("2:UnknownDefinitionField", ids);
            Assert.Contains("2:MissingConsumerGroup", ids);
            Assert.Contains("2:InvalidCompression", ids);
            Assert.Contains("2:InvalidPropertyValue", ids);
            Assert.Contains("3:MissingTableName", ids);
            Assert.Contains("5:DuplicateDataConnection", ids);
            Assert.Equal("InvalidDefinitionFile", error.ErrorId);
            Assert.Contains("dataConnections[0] 'a'", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_file_that_is_not_JSON_or_has_no_list_is_one_problem()
        {
            Assert.Equal("DefinitionFileNotJson", Assert.Single(Assert.Throws<DefinitionFileException>(() => DefinitionFile.Read("{ nope", null)).Problems).ErrorId);
            Assert.Equal("InvalidDefinitionFileShape", Assert.Single(Assert.Throws<DefinitionFileException>(() => DefinitionFile.Read("[]", null)).Problems).ErrorId);
            Assert.Equal("MissingSubscriptionId", Assert.Single(Assert.Throws<DefinitionFileException>(() => DefinitionFile.Read(
                @"{ ""dataConnections"": [ { ""resourceGroupName"": ""testrg"", ""clusterName"": ""mykustocluster"", ""databaseName"": ""db"", ""name"": ""a"", ""kind"": ""EventHub"",
                    ""properties"": { ""eventHubResourceId"": """ + DefaultWorld.EventHubResourceId + @""", ""consumerGroup"": ""$Default"" } } ] }",
                null)).Problems).ErrorId);
        }
    }
}
