using Xunit;

namespace KustoConnect.Engine.Tests
{
    public sealed class ResourceReferenceTests
    {
        private const string Subscription = "0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10";

        [Fact]
        public void A_database_reference_builds_the_canonical_id()
        {
            var database = DatabaseRef.Create(Subscription, "testrg", "mykustocluster", "mykustodatabase");

            Assert.Equal("/subscriptions/" + Subscription + "/resourceGroups/testrg/providers/Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase", database.ResourceId);
        }

        [Fact]
        public void A_database_reference_validates_each_part_with_that_parts_error_id()
        {
            Assert.Equal("InvalidSubscriptionId", Assert.Throws<KustoValidationException>(() => DatabaseRef.Create("sub", "testrg", "mykustocluster", "db")).ErrorId);
            Assert.Equal("InvalidResourceGroupName", Assert.Throws<KustoValidationException>(() => DatabaseRef.Create(Subscription, "rg.", "mykustocluster", "db")).ErrorId);
            Assert.Equal("InvalidClusterName", Assert.Throws<KustoValidationException>(() => DatabaseRef.Create(Subscription, "testrg", "My-Cluster", "db")).ErrorId);
            Assert.Equal("InvalidDatabaseName", Assert.Throws<KustoValidationException>(() => DatabaseRef.Create(Subscription, "testrg", "mykustocluster", "")).ErrorId);
        }

        [Fact]
        public void A_data_connection_reference_validates_its_name()
        {
            var database = DatabaseRef.Create(Subscription, "testrg", "mykustocluster", "mykustodatabase");

            Assert.Equal(database.ResourceId + "/dataConnections/my connection", DataConnectionRef.Create(database, "my connection").ResourceId);
            Assert.Equal("InvalidDataConnectionName", Assert.Throws<KustoValidationException>(() => DataConnectionRef.Create(database, "bad/name")).ErrorId);
        }

        [Theory]
        [InlineData("/subscriptions/" + Subscription + "/resourceGroups/testrg/providers/Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections/iot1")]
        [InlineData("/subscriptions/" + Subscription + "/resourceGroups/testrg/providers/Microsoft.Kusto/Clusters/MyKustoCluster/Databases/mykustodatabase/DataConnections/iot1")]
        [InlineData("/SUBSCRIPTIONS/" + Subscription + "/RESOURCEGROUPS/testrg/PROVIDERS/MICROSOFT.KUSTO/CLUSTERS/mykustocluster/DATABASES/mykustodatabase/DATACONNECTIONS/iot1")]
        public void A_data_connection_id_in_any_casing_parses_to_the_canonical_lowercase_segment_id(string id)
        {
            var reference = DataConnectionRef.Parse(id);

            Assert.Equal("iot1", reference.Name);
            Assert.Equal(Subscription, reference.Database.SubscriptionId);
            Assert.Equal("testrg", reference.Database.ResourceGroupName);
            Assert.Equal("mykustocluster", reference.Database.ClusterName);
            Assert.Equal("mykustodatabase", reference.Database.DatabaseName);
            Assert.Equal("/subscriptions/" + Subscription + "/resourceGroups/testrg/providers/Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections/iot1", reference.ResourceId);
        }

        [Theory]
        [InlineData("")]
        [InlineData("iot1")]
        [InlineData("/subscriptions/" + Subscription + "/resourceGroups/testrg/providers/Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase")]
        [InlineData("/subscriptions/" + Subscription + "/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/hub")]
        [InlineData("/subscriptions/" + Subscription + "/resourceGroups/testrg/providers/Microsoft.Kusto/clusters/mykustocluster/databases/db/principalAssignments/p")]
        public void Anything_but_a_data_connection_id_is_refused(string id) =>
            Assert.Equal("InvalidDataConnectionResourceId", Assert.Throws<KustoValidationException>(() => DataConnectionRef.Parse(id)).ErrorId);
    }
}
