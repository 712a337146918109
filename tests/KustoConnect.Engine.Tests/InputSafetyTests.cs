using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;
using KustoConnect.Emulator;
using KustoConnect.Engine.Internal;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>The naming rules, the strict resource-id parser and the request-path guard.</summary>
    public sealed class InputSafetyTests : IClassFixture<EmulatorFixture>
    {
        private const string Sub = "/subscriptions/" + DefaultWorld.SubscriptionId + "/resourceGroups/testrg/providers/";
        private readonly EmulatorHost _host;

        public InputSafetyTests(EmulatorFixture fixture) => _host = fixture.Host;

        private static DatabaseRef Database => DatabaseRef.Create(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, DefaultWorld.ClusterName, DefaultWorld.DatabaseName);

        [Theory]
        [InlineData("myeventhubconnect")]
        [InlineData("my conn.v2-a")]
        [InlineData("a")]
        [InlineData("a.b")]
        [InlineData("0123456789012345678901234567890123456789")]
        public void Valid_data_connection_names_pass(string name) => KustoRules.ValidateDataConnectionName(name);

        [Theory]
        [InlineData(".")]
        [InlineData("..")]
        [InlineData("...")]
        [InlineData("   ")]
        [InlineData("a/../..")]
        [InlineData("a/b")]
        [InlineData("a\\b")]
        [InlineData("%2e%2e")]
        [InlineData("a?b")]
        [InlineData("a#b")]
        [InlineData("a\r\nb")]
        [InlineData("a\u0000")]
        [InlineData("name.")]
        [InlineData(" name")]
        [InlineData("name ")]
        [InlineData("a\u200Bb")]
        [InlineData("\u2024\u2024")]
        [InlineData("\uFF0E\uFF0E")]
        [InlineData("01234567890123456789012345678901234567890")]
        [InlineData("")]
        public void Unsafe_or_invalid_data_connection_names_are_refused(string name)
        {
            var e = Assert.Throws<KustoValidationException>(() => KustoRules.ValidateDataConnectionName(name));
            Assert.Equal("InvalidDataConnectionName", e.ErrorId);
            Assert.Equal("Name", e.ParameterName);
            Assert.DoesNotContain("\r", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("\n", e.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("..", "InvalidDatabaseName")]
        [InlineData("db/x", "InvalidDatabaseName")]
        [InlineData("db%2Fx", "InvalidDatabaseName")]
        [InlineData("db.", "InvalidDatabaseName")]
        public void Database_names_that_are_unsafe_in_a_url_are_refused(string name, string errorId) =>
            Assert.Equal(errorId, Assert.Throws<KustoValidationException>(() => KustoRules.ValidateDatabaseName(name)).ErrorId);

        [Theory]
        [InlineData("my_database")]
        [InlineData("mykustodatabase")]
        [InlineData("My Database 2")]
        public void Database_names_the_service_has_pass(string name) => KustoRules.ValidateDatabaseName(name);

        [Theory]
        [InlineData("testrg")]
        [InlineData("my-rg_(1).x")]
        [InlineData("rg\u00e9")]
        public void Resource_group_names_by_arm_rule_pass(string name) => KustoRules.ValidateResourceGroupName(name);

        [Theory]
        [InlineData("..")]
        [InlineData("rg.")]
        [InlineData("rg/x")]
        [InlineData("rg%2e")]
        [InlineData("rg x")]
        public void Resource_group_names_outside_arm_rule_are_refused(string name) =>
            Assert.Equal("InvalidResourceGroupName", Assert.Throws<KustoValidationException>(() => KustoRules.ValidateResourceGroupName(name)).ErrorId);

        [Fact]
        public void A_one_megabyte_table_name_is_refused_and_the_message_shows_at_most_100_characters()
        {
            var huge = new string('t', 1024 * 1024);
            var e = Assert.Throws<KustoValidationException>(() => KustoRules.ValidateTableName(huge));
            Assert.Equal("InvalidTableName", e.ErrorId);
            Assert.True(e.Message.Length < 400, e.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains("1048576 characters", e.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("Storm\r\nEvents", "InvalidTableName")]
        [InlineData("   ", "InvalidTableName")]
        public void Table_names_with_control_characters_or_only_spaces_are_refused(string name, string errorId) =>
            Assert.Equal(errorId, Assert.Throws<KustoValidationException>(() => KustoRules.ValidateTableName(name)).ErrorId);

        [Theory]
        [InlineData("$Default")]
        [InlineData("$default")]
        [InlineData("cg-1.a_b")]
        public void Consumer_groups_including_default_pass(string name) => KustoRules.ValidateConsumerGroup(name);

        [Theory]
        [InlineData(" ")]
        [InlineData("$Other")]
        [InlineData("cg/..")]
        public void Other_consumer_groups_are_refused(string name) =>
            Assert.Equal("InvalidConsumerGroup", Assert.Throws<KustoValidationException>(() => KustoRules.ValidateConsumerGroup(name)).ErrorId);

        [Theory]
        [InlineData("Microsoft.Devices/IotHubs/mykustoiothub")]
        [InlineData("microsoft.devices/iothubs/mykustoiothub")]
        [InlineData("MICROSOFT.DEVICES/IOTHUBS/mykustoiothub")]
        public void Iot_hub_ids_are_accepted_in_any_casing_and_returned_canonical(string tail)
        {
            var parts = ResourceIds.Parse(Sub.Replace("resourceGroups", "ResourceGroups", StringComparison.Ordinal) + tail, ResourceIds.IotHub, "IotHubResourceId");
            Assert.Equal(Sub + "Microsoft.Devices/IotHubs/mykustoiothub", parts.ResourceId);
        }

        [Theory]
        [InlineData("Microsoft.Devices/IotHubs/..")]
        [InlineData("Microsoft.Devices/IotHubs/%2e%2e")]
        [InlineData("Microsoft.Devices/IotHubs/hub/")]
        [InlineData("Microsoft.Devices/IotHubs//hub")]
        [InlineData("Microsoft.Devices/IotHubs/hub/extra/x")]
        [InlineData("Microsoft.Devices/IotHubs")]
        [InlineData("Microsoft.Devices/Hubs/hub")]
        [InlineData("Microsoft.EventHub/IotHubs/hub")]
        [InlineData("Microsoft.Devices/IotHubs/h")]
        [InlineData("Microsoft.Devices/IotHubs/-hub")]
        [InlineData("Microsoft.Devices/IotHubs/hub?x=1")]
        [InlineData("Microsoft.Devices/IotHubs/hub#x")]
        [InlineData("Microsoft.Devices/./IotHubs/hub")]
        public void Iot_hub_ids_that_are_not_exactly_an_iot_hub_are_refused(string tail)
        {
            var e = Assert.Throws<KustoValidationException>(() => ResourceIds.Parse(Sub + tail, ResourceIds.IotHub, "IotHubResourceId"));
            Assert.Equal("InvalidIotHubResourceId", e.ErrorId);
            Assert.Equal("IotHubResourceId", e.ParameterName);
        }

        [Theory]
        [InlineData("/subscriptions/not-a-guid/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/hub")]
        [InlineData("/subscriptions/" + DefaultWorld.SubscriptionId + "/resourceGroups/../providers/Microsoft.Devices/IotHubs/hub")]
        [InlineData("subscriptions/" + DefaultWorld.SubscriptionId + "/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/hub")]
        [InlineData("/subscriptions/" + DefaultWorld.SubscriptionId + "/providers/Microsoft.Devices/IotHubs/hub")]
        public void Iot_hub_ids_with_a_bad_prefix_are_refused(string id) =>
            Assert.Equal("InvalidIotHubResourceId", Assert.Throws<KustoValidationException>(() => ResourceIds.Parse(id, ResourceIds.IotHub, "IotHubResourceId")).ErrorId);

        [Theory]
        [InlineData("Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections/..")]
        [InlineData("Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections/%2e%2e")]
        [InlineData("Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections/%2E")]
        [InlineData("Microsoft.Kusto/clusters/mykustocluster/databases/../dataConnections/x")]
        [InlineData("Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections")]
        [InlineData("Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase")]
        [InlineData("Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections/x/y")]
        [InlineData("Microsoft.Kusto/clusters/mykustocluster/tables/mykustodatabase/dataConnections/x")]
        [InlineData("Microsoft.Kusto/clusters/my_cluster/databases/mykustodatabase/dataConnections/x")]
        public void Data_connection_ids_are_parsed_as_exactly_a_data_connection(string tail) =>
            Assert.Equal("InvalidDataConnectionResourceId", Assert.Throws<KustoValidationException>(() => DataConnectionRef.Parse(Sub + tail)).ErrorId);

        [Fact]
        public void A_data_connection_id_as_arm_spells_it_parses_to_its_names()
        {
            var target = DataConnectionRef.Parse(Sub + "Microsoft.Kusto/Clusters/MyKustoCluster/Databases/mykustodatabase/DataConnections/my conn");
            Assert.Equal("mykustocluster", target.Database.ClusterName);
            Assert.Equal("mykustodatabase", target.Database.DatabaseName);
            Assert.Equal("my conn", target.Name);
            Assert.Equal(Sub + "Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections/my conn", target.ResourceId);
        }

        [Fact]
        public void TryParse_gives_the_identity_or_the_problem_and_never_throws()
        {
            Assert.True(ResourceIds.TryParse(Sub + "microsoft.devices/iothubs/mykustoiothub", ResourceIds.IotHub, out var hub, out var none));
            Assert.Null(none);
            Assert.Equal(Sub + "Microsoft.Devices/IotHubs/mykustoiothub", hub!.ResourceId);

            Assert.False(ResourceIds.TryParse(Sub + "Microsoft.Devices/IotHubs//hub", ResourceIds.IotHub, out var missing, out var problem));
            Assert.Null(missing);
            Assert.Equal("segment 8 is empty", problem);

            Assert.False(ResourceIds.TryParse(null, ResourceIds.IotHub, out _, out var empty));
            Assert.Equal("it is empty", empty);
        }

        [Theory]
        [InlineData("Microsoft.Storage/storageAccounts/mystorage/providers/Microsoft.EventGrid/eventSubscriptions/mysub", true)]
        [InlineData("Microsoft.Storage/storageAccounts/../providers/Microsoft.EventGrid/eventSubscriptions/mysub", false)]
        [InlineData("Microsoft.Storage/storageAccounts/mystorage/providers/Microsoft.EventGrid/eventSubscriptions/..", false)]
        [InlineData("Microsoft.Storage/storageAccounts/mystorage/providers/Microsoft.EventGrid/topics/mysub", false)]
        [InlineData("Microsoft.Storage/storageAccounts/mystorage/providers/Microsoft.EventGrid/eventSubscriptions/mysub/x", false)]
        public void Event_grid_subscription_ids_need_a_valid_scope_and_name(string tail, bool valid)
        {
            if (valid)
            {
                Assert.Equal(Sub + tail, ResourceIds.Parse(Sub + tail, ResourceIds.EventGridSubscription, "EventGridResourceId").ResourceId);
            }
            else
            {
                Assert.Equal("InvalidEventGridResourceId", Assert.Throws<KustoValidationException>(() => ResourceIds.Parse(Sub + tail, ResourceIds.EventGridSubscription, "EventGridResourceId").ResourceId).ErrorId);
            }
        }

        [Theory]
        [InlineData("Microsoft.ManagedIdentity/userAssignedIdentities/mykustoidentity", true)]
        [InlineData("Microsoft.Kusto/clusters/mykustocluster", true)]
        [InlineData("Microsoft.ManagedIdentity/userAssignedIdentities/..", false)]
        [InlineData("Microsoft.Kusto/clusters/mykustocluster/databases/db", false)]
        public void Managed_identity_ids_are_a_user_assigned_identity_or_a_cluster(string tail, bool valid)
        {
            if (valid)
            {
                Assert.Equal(Sub + tail, KustoRules.ParseManagedIdentity(Sub + tail).ResourceId);
            }
            else
            {
                Assert.Equal("InvalidManagedIdentityResourceId", Assert.Throws<KustoValidationException>(() => KustoRules.ParseManagedIdentity(Sub + tail).ResourceId).ErrorId);
            }
        }

        [Theory]
        [InlineData("Microsoft.Storage/storageAccounts/my.storage", "InvalidStorageAccountResourceId")]
        [InlineData("Microsoft.DocumentDB/databaseAccounts/..", "InvalidCosmosDbAccountResourceId")]
        [InlineData("Microsoft.EventHub/namespaces/mynamespace/eventhubs/%2e%2e", "InvalidEventHubResourceId")]
        public void Other_source_ids_are_checked_name_by_name(string tail, string errorId)
        {
            Exception e = errorId switch
            {
                "InvalidStorageAccountResourceId" => Assert.Throws<KustoValidationException>(() => ResourceIds.Parse(Sub + tail, ResourceIds.StorageAccount, "StorageAccountResourceId").ResourceId),
                "InvalidCosmosDbAccountResourceId" => Assert.Throws<KustoValidationException>(() => ResourceIds.Parse(Sub + tail, ResourceIds.CosmosDbAccount, "CosmosDbAccountResourceId").ResourceId),
                _ => Assert.Throws<KustoValidationException>(() => ResourceIds.Parse(Sub + tail, ResourceIds.EventHub, "EventHubResourceId").ResourceId),
            };
            Assert.Equal(errorId, ((KustoValidationException)e).ErrorId);
        }

        [Theory]
        [InlineData("https://h/subscriptions/s/providers/Microsoft.Kusto/locations/Central US/operationResults/1?api-version=1", true)]
        [InlineData("https://h/subscriptions/s/providers/Microsoft.Kusto/locations/x/../../../resourceGroups/r/operationResults/1", false)]
        [InlineData("https://h/subscriptions/s/providers/Microsoft.Kusto/locations/%2e%2e/operationResults/1", false)]
        [InlineData("https://h/subscriptions/s/resourceGroups/r/providers/Microsoft.Kusto/clusters/c", false)]
        [InlineData("ftp://h/subscriptions/s/operationResults/1", false)]
        public void Operation_urls_are_checked_as_given(string url, bool valid)
        {
            if (valid)
            {
                KustoRules.ValidateOperationUrl(url);
            }
            else
            {
                Assert.Equal("InvalidOperationUrl", Assert.Throws<KustoValidationException>(() => KustoRules.ValidateOperationUrl(url)).ErrorId);
            }
        }

        [Fact]
        public void The_guard_refuses_a_path_with_a_dot_segment_an_encoded_dot_or_an_empty_segment()
        {
            foreach (var path in new[] { "/subscriptions/s/x/..", "/subscriptions/s/x/%2e%2e", "/subscriptions/s//x", "/subscriptions/s/x/", "/subscriptions/s/a%2Fb" })
            {
                var request = NewRequest(RequestMethod.Delete, path);
                Assert.Equal("UnsafeRequestPath", Assert.Throws<KustoUnsafeRequestException>(() => RequestPathGuardPolicy.Check(request)).ErrorId);
            }
        }

        [Fact]
        public void The_guard_refuses_a_request_to_another_resource_than_the_call_is_for_but_lets_operation_polls_through()
        {
            var target = DataConnectionRef.Create(Database, "mine").ResourceId;
            using (RequestTarget.Expect(target))
            {
                RequestPathGuardPolicy.Check(NewRequest(RequestMethod.Delete, target));
                RequestPathGuardPolicy.Check(NewRequest(RequestMethod.Get, "/subscriptions/" + DefaultWorld.SubscriptionId + "/providers/Microsoft.Kusto/locations/Central%20US/operationResults/1"));
                var other = Assert.Throws<KustoUnsafeRequestException>(() => RequestPathGuardPolicy.Check(NewRequest(RequestMethod.Delete, Database.ResourceId)));
                Assert.Equal("UnsafeRequestPath", other.ErrorId);
                Assert.Throws<KustoUnsafeRequestException>(() => RequestPathGuardPolicy.Check(NewRequest(RequestMethod.Delete, "/subscriptions/" + DefaultWorld.SubscriptionId + "/providers/Microsoft.Kusto/locations/x/operationResults/1")));
            }
        }

        [Theory]
        [InlineData("..")]
        [InlineData("%2e%2e")]
        [InlineData("a/../..")]
        [InlineData(".")]
        public async Task The_engine_driven_directly_with_an_unchecked_name_sends_nothing(string name)
        {
            using var session = KustoSession.Create(EmulatorOptions());
            await session.SignInAsync(CancellationToken.None);
            _host.ClearRequestLog();
            var target = DataConnectionRef.CreateUnchecked(Database, name);

            var delete = await Assert.ThrowsAsync<KustoUnsafeRequestException>(() => session.DataConnections.DeleteAsync(target, null, CancellationToken.None));
            var get = await Assert.ThrowsAsync<KustoUnsafeRequestException>(() => session.DataConnections.GetAsync(target, CancellationToken.None));
            var start = await Assert.ThrowsAsync<KustoUnsafeRequestException>(() => session.DataConnections.StartDeleteAsync(target, null, CancellationToken.None));

            Assert.All(new KustoException[] { delete, get, start }, e => Assert.Equal("UnsafeRequestPath", e.ErrorId));
            Assert.DoesNotContain(_host.RequestLog, e => e.Path.StartsWith("/subscriptions", StringComparison.OrdinalIgnoreCase));
        }

        [Fact]
        public async Task The_engine_driven_directly_with_an_unchecked_database_lists_nothing()
        {
            using var session = KustoSession.Create(EmulatorOptions());
            await session.SignInAsync(CancellationToken.None);
            _host.ClearRequestLog();
            var database = new DatabaseRef(DefaultWorld.SubscriptionId, DefaultWorld.ResourceGroup, DefaultWorld.ClusterName, "..");

            var e = await Assert.ThrowsAsync<KustoUnsafeRequestException>(() => session.DataConnections.ListAsync(database, CancellationToken.None));

            Assert.Equal("UnsafeRequestPath", e.ErrorId);
            Assert.DoesNotContain(_host.RequestLog, r => r.Path.StartsWith("/subscriptions", StringComparison.OrdinalIgnoreCase));
        }

        [Fact]
        public async Task The_engine_still_reaches_a_valid_name_with_a_space_at_exactly_its_url()
        {
            using var session = KustoSession.Create(EmulatorOptions());
            await session.SignInAsync(CancellationToken.None);
            _host.ClearRequestLog();
            var target = DataConnectionRef.Create(Database, "no such conn");

            var e = await Assert.ThrowsAsync<KustoArmException>(() => session.DataConnections.GetAsync(target, CancellationToken.None));

            Assert.Equal(404, e.StatusCode);
            var sent = Assert.Single(_host.RequestLog, r => r.Path.StartsWith("/subscriptions", StringComparison.OrdinalIgnoreCase));
            Assert.Equal(target.ResourceId, Uri.UnescapeDataString(sent.Path.Split('?')[0]), ignoreCase: true);
        }

        private ConnectionOptions EmulatorOptions() => Sessions.ForEmulator(_host, "Emulator");

        private static Request NewRequest(RequestMethod method, string path)
        {
            var pipeline = HttpPipelineBuilder.Build(new Azure.ResourceManager.ArmClientOptions());
            var request = pipeline.CreateMessage().Request;
            request.Method = method;
            request.Uri.Reset(new Uri("https://127.0.0.1:1/"));
            request.Uri.AppendPath(path, escape: false);
            return request;
        }
    }
}
