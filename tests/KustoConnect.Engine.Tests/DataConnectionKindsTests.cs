using System.Collections.Generic;
using System;
using System.Linq;
using System.Text.Json;
using KustoConnect.Engine.Internal;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>The Event Hub, Event Grid and Cosmos DB models in ARM's wire shape, and the spec's own examples.</summary>
    public sealed class DataConnectionKindsTests
    {
        private const string Sub = "/subscriptions/12345678-1234-1234-1234-123456789098/resourceGroups/rg/providers/";
        private const string Identity = Sub + "Microsoft.ManagedIdentity/userAssignedIdentities/id1";
        private const string Hub = Sub + "Microsoft.EventHub/namespaces/mynamespace1/eventhubs/hub1";

        /// <summary>Writes the model as a PUT would, then reads it back as if ARM echoed it.</summary>
        private static DataConnection RoundTrip(DataConnection connection)
        {
            var properties = DataConnectionJson.WriteProperties(connection).ToString();
            using var document = JsonDocument.Parse("{\"kind\":\"" + connection.Kind + "\",\"location\":\"westus\",\"properties\":" + properties + "}");
            return DataConnectionJson.Read(document.RootElement);
        }

        private static JsonElement Properties(DataConnection connection)
        {
            using var document = JsonDocument.Parse(DataConnectionJson.WriteProperties(connection).ToString());
            return document.RootElement.Clone();
        }

        [Fact]
        public void An_event_hub_connection_round_trips_every_writable_property()
        {
            var original = new EventHubDataConnection
            {
                EventHubResourceId = Hub,
                ConsumerGroup = "$Default",
                TableName = "T",
                MappingRuleName = "M",
                DataFormat = "MULTIJSON",
                EventSystemProperties = new List<string> { "x-opt-enqueued-time", "x-opt-offset" },
                Compression = "GZip",
                ManagedIdentityResourceId = Identity,
                DatabaseRouting = "Multi",
                RetrievalStartDate = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero),
            };

            var copy = Assert.IsType<EventHubDataConnection>(RoundTrip(original));

            Assert.Equal(original.EventHubResourceId, copy.EventHubResourceId);
            Assert.Equal(original.ConsumerGroup, copy.ConsumerGroup);
            Assert.Equal(original.TableName, copy.TableName);
            Assert.Equal(original.MappingRuleName, copy.MappingRuleName);
            Assert.Equal(original.DataFormat, copy.DataFormat);
            Assert.Equal(original.EventSystemProperties, copy.EventSystemProperties);
            Assert.Equal(original.Compression, copy.Compression);
            Assert.Equal(original.ManagedIdentityResourceId, copy.ManagedIdentityResourceId);
            Assert.Equal(original.DatabaseRouting, copy.DatabaseRouting);
            Assert.Equal(original.RetrievalStartDate, copy.RetrievalStartDate);
            Assert.Equal("westus", copy.Location);
        }

        [Fact]
        public void An_event_grid_connection_round_trips_every_writable_property_including_false()
        {
            var original = new EventGridDataConnection
            {
                StorageAccountResourceId = Sub + "Microsoft.Storage/storageAccounts/sa1",
                EventGridResourceId = Sub + "Microsoft.Storage/storageAccounts/sa1/providers/Microsoft.EventGrid/eventSubscriptions/sub1",
                EventHubResourceId = Hub,
                ConsumerGroup = "kusto",
                TableName = "T",
                MappingRuleName = "M",
                DataFormat = "CSV",
                IgnoreFirstRecord = false,
                BlobStorageEventType = "Microsoft.Storage.BlobRenamed",
                ManagedIdentityResourceId = Identity,
                DatabaseRouting = "Single",
            };

            var copy = Assert.IsType<EventGridDataConnection>(RoundTrip(original));

            Assert.Equal(original.StorageAccountResourceId, copy.StorageAccountResourceId);
            Assert.Equal(original.EventGridResourceId, copy.EventGridResourceId);
            Assert.Equal(original.EventHubResourceId, copy.EventHubResourceId);
            Assert.Equal(original.ConsumerGroup, copy.ConsumerGroup);
            Assert.Equal(original.TableName, copy.TableName);
            Assert.Equal(original.MappingRuleName, copy.MappingRuleName);
            Assert.Equal(original.DataFormat, copy.DataFormat);
            Assert.False(copy.IgnoreFirstRecord);
            Assert.Equal(original.BlobStorageEventType, copy.BlobStorageEventType);
            Assert.Equal(original.ManagedIdentityResourceId, copy.ManagedIdentityResourceId);
            Assert.Equal(original.DatabaseRouting, copy.DatabaseRouting);
        }

        [Fact]
        public void A_cosmos_db_connection_round_trips_every_writable_property()
        {
            var original = new CosmosDbDataConnection
            {
                TableName = "T",
                MappingRuleName = "M",
                ManagedIdentityResourceId = Identity,
                CosmosDbAccountResourceId = Sub + "Microsoft.DocumentDB/databaseAccounts/acc1",
                CosmosDbDatabase = "db",
                CosmosDbContainer = "c",
                RetrievalStartDate = new DateTimeOffset(2022, 7, 29, 12, 0, 0, TimeSpan.Zero),
            };

            var copy = Assert.IsType<CosmosDbDataConnection>(RoundTrip(original));

            Assert.Equal(original.TableName, copy.TableName);
            Assert.Equal(original.MappingRuleName, copy.MappingRuleName);
            Assert.Equal(original.ManagedIdentityResourceId, copy.ManagedIdentityResourceId);
            Assert.Equal(original.CosmosDbAccountResourceId, copy.CosmosDbAccountResourceId);
            Assert.Equal(original.CosmosDbDatabase, copy.CosmosDbDatabase);
            Assert.Equal(original.CosmosDbContainer, copy.CosmosDbContainer);
            Assert.Equal(original.RetrievalStartDate, copy.RetrievalStartDate);
        }

        [Fact]
        public void Read_only_properties_are_read_but_never_written()
        {
            var connections = new DataConnection[]
            {
                new EventHubDataConnection { EventHubResourceId = Hub, ConsumerGroup = "$Default", ManagedIdentityObjectId = "87654321-1234-1234-1234-123456789123", ProvisioningState = "Succeeded" },
                new EventGridDataConnection { EventHubResourceId = Hub, ConsumerGroup = "$Default", ManagedIdentityObjectId = "87654321-1234-1234-1234-123456789123" },
                new CosmosDbDataConnection { TableName = "T", ManagedIdentityObjectId = "87654321-1234-1234-1234-123456789123" },
            };

            foreach (var connection in connections)
            {
                var names = Properties(connection).EnumerateObject().Select(p => p.Name).ToList();
                Assert.DoesNotContain("managedIdentityObjectId", names);
                Assert.DoesNotContain("provisioningState", names);
            }
        }

        [Fact]
        public void Unset_optional_properties_are_not_sent_and_an_unset_IgnoreFirstRecord_is_left_to_the_service()
        {
            var properties = Properties(new EventGridDataConnection { StorageAccountResourceId = "s", EventHubResourceId = Hub, ConsumerGroup = "$Default" });

            Assert.Equal(new[] { "storageAccountResourceId", "eventHubResourceId", "consumerGroup" }, properties.EnumerateObject().Select(p => p.Name));
        }

        [Fact]
        public void The_spec_example_of_an_event_grid_connection_parses_into_the_typed_model()
        {
            using var example = JsonDocument.Parse(ReferenceData.Example("kusto-examples/KustoDataConnectionsEventGridCreateOrUpdate.json"));
            var body = example.RootElement.GetProperty("responses").GetProperty("200").GetProperty("body");

            var grid = Assert.IsType<EventGridDataConnection>(DataConnectionJson.Read(body));

            Assert.Equal("KustoDataConnection9", grid.Name);
            Assert.Equal("kustoCluster", grid.ClusterName);
            Assert.Equal("KustoDatabase8", grid.DatabaseName);
            Assert.Equal("westus", grid.Location);
            Assert.EndsWith("/storageAccounts/teststorageaccount", grid.StorageAccountResourceId, StringComparison.Ordinal);
            Assert.EndsWith("/eventSubscriptions/eventSubscriptionTest", grid.EventGridResourceId, StringComparison.Ordinal);
            Assert.EndsWith("/eventhubs/eventhubTest2", grid.EventHubResourceId, StringComparison.Ordinal);
            Assert.Equal("$Default", grid.ConsumerGroup);
            Assert.Equal("JSON", grid.DataFormat);
            Assert.False(grid.IgnoreFirstRecord);
            Assert.Equal("Microsoft.Storage.BlobCreated", grid.BlobStorageEventType);
            Assert.Equal("Single", grid.DatabaseRouting);
            Assert.Equal(
                body.GetProperty("properties").GetProperty("managedIdentityObjectId").GetString(),
                grid.ManagedIdentityObjectId);
        }

        [Fact]
        public void The_spec_example_of_a_cosmos_db_connection_parses_into_the_typed_model()
        {
            using var example = JsonDocument.Parse(ReferenceData.Example("kusto-examples/KustoDataConnectionsCosmosDbGet.json"));
            var body = example.RootElement.GetProperty("responses").GetProperty("200").GetProperty("body");

            var cosmos = Assert.IsType<CosmosDbDataConnection>(DataConnectionJson.Read(body));

            Assert.Equal("TestTable", cosmos.TableName);
            Assert.Equal("TestMapping", cosmos.MappingRuleName);
            Assert.Equal("cosmosDbDatabaseTest", cosmos.CosmosDbDatabase);
            Assert.Equal("cosmosDbContainerTest", cosmos.CosmosDbContainer);
            Assert.Equal("87654321-1234-1234-1234-123456789123", cosmos.ManagedIdentityObjectId);
            Assert.Equal(new DateTimeOffset(2022, 7, 29, 12, 0, 0, TimeSpan.Zero).AddTicks(6554616), cosmos.RetrievalStartDate);
            Assert.Equal("Succeeded", cosmos.ProvisioningState);
        }

        [Fact]
        public void The_spec_example_list_by_database_gives_one_typed_model_per_kind()
        {
            var page = DataConnectionJson.ReadPage(
                BinaryData.FromString(JsonDocument.Parse(ReferenceData.Example("kusto-examples/KustoDataConnectionsListByDatabase.json"))
                    .RootElement.GetProperty("responses").GetProperty("200").GetProperty("body").GetRawText()),
                out var nextLink);

            Assert.Null(nextLink);
            Assert.Collection(
                page,
                c => Assert.Equal("Single", Assert.IsType<EventHubDataConnection>(c).DatabaseRouting),
                c => Assert.Equal("Microsoft.Storage.BlobCreated", Assert.IsType<EventGridDataConnection>(c).BlobStorageEventType),
                c => Assert.Equal("cosmosDbContainerTest", Assert.IsType<CosmosDbDataConnection>(c).CosmosDbContainer));
            var hub = (EventHubDataConnection)page[0];
            Assert.Equal("None", hub.Compression);
            Assert.Empty(hub.EventSystemProperties!);
            Assert.Equal("KustoDataConnection1", hub.Name);
        }

        [Fact]
        public void A_kind_the_engine_does_not_know_is_kept_verbatim()
        {
            using var document = JsonDocument.Parse("{\"kind\":\"FutureKind\",\"location\":\"westus\",\"properties\":{\"x\":1}}");

            var unknown = Assert.IsType<OtherDataConnection>(DataConnectionJson.Read(document.RootElement));

            Assert.Equal("FutureKind", unknown.Kind);
            Assert.Equal("{\"x\":1}", DataConnectionJson.WriteProperties(unknown).ToString());
        }

        [Theory]
        [InlineData("/subscriptions/12345678-1234-1234-1234-123456789098/resourceGroups/rg/providers/microsoft.eventhub/Namespaces/mynamespace1/EventHubs/hub1", true)]
        [InlineData("/subscriptions/12345678-1234-1234-1234-123456789098/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/ns1", false)]
        [InlineData("/subscriptions/12345678-1234-1234-1234-123456789098/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/h", false)]
        [InlineData("eventhub", false)]
        public void Event_hub_resource_ids_are_parsed_in_any_casing_and_returned_canonical(string id, bool valid)
        {
            if (valid)
            {
                Assert.Equal(Hub, ResourceIds.Parse(id, ResourceIds.EventHub, "EventHubResourceId").ResourceId);
            }
            else
            {
                Assert.Equal("InvalidEventHubResourceId", Assert.Throws<KustoValidationException>(() => ResourceIds.Parse(id, ResourceIds.EventHub, "EventHubResourceId").ResourceId).ErrorId);
            }
        }

        [Fact]
        public void Managed_identities_may_be_user_assigned_or_the_cluster_itself()
        {
            Assert.Equal(Identity, KustoRules.ParseManagedIdentity(Identity).ResourceId);
            var cluster = Sub + "Microsoft.Kusto/clusters/mycluster";
            Assert.Equal(cluster, KustoRules.ParseManagedIdentity(cluster).ResourceId);
            Assert.Equal(
                "InvalidManagedIdentityResourceId",
                Assert.Throws<KustoValidationException>(() => KustoRules.ParseManagedIdentity(Hub).ResourceId).ErrorId);
        }

        [Theory]
        [InlineData("gzip", "GZip")]
        [InlineData("NONE", "None")]
        public void Compression_is_case_insensitive(string value, string expected) => Assert.Equal(expected, KustoRules.NormalizeCompression(value));

        [Fact]
        public void An_unknown_compression_is_refused() =>
            Assert.Equal("InvalidCompression", Assert.Throws<KustoValidationException>(() => KustoRules.NormalizeCompression("zip")).ErrorId);
    }
}
