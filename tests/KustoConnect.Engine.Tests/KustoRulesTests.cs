using System;
using System.Linq;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    public sealed class KustoRulesTests
    {
        [Theory]
        [InlineData("a")]
        [InlineData("iot-connection")]
        [InlineData("My Connection.v2")]
        [InlineData("0123456789012345678901234567890123456789")]
        public void A_data_connection_name_of_letters_digits_spaces_dots_and_dashes_up_to_40_is_accepted(string name) =>
            KustoRules.ValidateDataConnectionName(name);

        [Theory]
        [InlineData("")]
        [InlineData("01234567890123456789012345678901234567890")]
        [InlineData("under_score")]
        [InlineData("slash/name")]
        [InlineData("café")]
        [InlineData(null)]
        public void A_data_connection_name_breaking_the_rule_is_refused_with_its_own_error_id(string? name)
        {
            var error = Assert.Throws<KustoValidationException>(() => KustoRules.ValidateDataConnectionName(name!));
            Assert.Equal("InvalidDataConnectionName", error.ErrorId);
            Assert.Equal("Name", error.ParameterName);
        }

        [Theory]
        [InlineData("abcd")]
        [InlineData("mykustocluster")]
        [InlineData("a123456789012345678901")]
        public void A_cluster_name_of_4_to_22_lowercase_letters_and_digits_starting_with_a_letter_is_accepted(string name) =>
            KustoRules.ValidateClusterName(name);

        [Theory]
        [InlineData("abc")]
        [InlineData("a1234567890123456789012")]
        [InlineData("1cluster")]
        [InlineData("MyCluster")]
        [InlineData("my-cluster")]
        [InlineData("")]
        public void A_cluster_name_breaking_the_rule_is_refused(string name) =>
            Assert.Equal("InvalidClusterName", Assert.Throws<KustoValidationException>(() => KustoRules.ValidateClusterName(name)).ErrorId);

        [Fact]
        public void A_database_name_of_1_to_260_characters_is_accepted_and_longer_or_blank_is_refused()
        {
            KustoRules.ValidateDatabaseName("d");
            KustoRules.ValidateDatabaseName(new string('d', 260));
            Assert.Equal("InvalidDatabaseName", Assert.Throws<KustoValidationException>(() => KustoRules.ValidateDatabaseName(new string('d', 261))).ErrorId);
            Assert.Equal("InvalidDatabaseName", Assert.Throws<KustoValidationException>(() => KustoRules.ValidateDatabaseName(" ")).ErrorId);
        }

        [Theory]
        [InlineData("testrg")]
        [InlineData("PWSH-SDK-sloc4i")]
        [InlineData("rg_(prod).eu")]
        [InlineData("résumé")]
        public void A_resource_group_name_following_ARM_rules_is_accepted(string name) => KustoRules.ValidateResourceGroupName(name);

        [Theory]
        [InlineData("")]
        [InlineData("ends.with.dot.")]
        [InlineData("has space")]
        [InlineData("has/slash")]
        public void A_resource_group_name_breaking_ARM_rules_is_refused(string name) =>
            Assert.Equal("InvalidResourceGroupName", Assert.Throws<KustoValidationException>(() => KustoRules.ValidateResourceGroupName(name)).ErrorId);

        [Fact]
        public void A_resource_group_name_longer_than_90_characters_is_refused()
        {
            KustoRules.ValidateResourceGroupName(new string('r', 90));
            Assert.Equal("InvalidResourceGroupName", Assert.Throws<KustoValidationException>(() => KustoRules.ValidateResourceGroupName(new string('r', 91))).ErrorId);
        }

        [Fact]
        public void A_subscription_id_must_be_a_guid()
        {
            KustoRules.ValidateSubscriptionId("0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10");
            foreach (var invalid in new[] { "", "not-a-guid", "0b1f64711bf04ddaaec35f2e9c7d4a10x", "{0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10}" })
            {
                Assert.Equal("InvalidSubscriptionId", Assert.Throws<KustoValidationException>(() => KustoRules.ValidateSubscriptionId(invalid)).ErrorId);
            }
        }

        [Theory]
        [InlineData("csv", "CSV")]
        [InlineData("Json", "JSON")]
        [InlineData("MULTIJSON", "MULTIJSON")]
        [InlineData("apacheavro", "APACHEAVRO")]
        [InlineData("w3clogfile", "W3CLOGFILE")]
        public void A_data_format_is_case_insensitive_and_returned_in_canonical_upper_case(string value, string expected) =>
            Assert.Equal(expected, KustoRules.NormalizeDataFormat(value, DataConnectionKind.IotHub));

        [Fact]
        public void Every_documented_data_format_is_listed()
        {
            Assert.Equal(16, KustoRules.DataFormats.Count);
            Assert.All(KustoRules.DataFormats, f => Assert.Equal(f, KustoRules.NormalizeDataFormat(f.ToLowerInvariant(), DataConnectionKind.EventHub)));
        }

        [Fact]
        public void An_unknown_data_format_is_refused_with_the_list_of_valid_ones()
        {
            var error = Assert.Throws<KustoValidationException>(() => KustoRules.NormalizeDataFormat("xml", DataConnectionKind.IotHub));
            Assert.Equal("InvalidDataFormat", error.ErrorId);
            Assert.Contains("MULTIJSON, JSON, CSV", error.Message, StringComparison.Ordinal);
            Assert.Equal("DataFormat", error.ParameterName);
        }

        [Fact]
        public void RAW_is_refused_for_IoT_Hub_with_the_reason_but_accepted_for_Event_Hub()
        {
            var error = Assert.Throws<KustoValidationException>(() => KustoRules.NormalizeDataFormat("raw", DataConnectionKind.IotHub));
            Assert.Equal("DataFormatNotSupportedForIotHub", error.ErrorId);
            Assert.Contains("not supported for IoT Hub", error.Message, StringComparison.Ordinal);
            Assert.Equal("RAW", KustoRules.NormalizeDataFormat("raw", DataConnectionKind.EventHub));
        }

        [Theory]
        [InlineData("/subscriptions/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/myhub")]
        [InlineData("/subscriptions/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/resourcegroups/testrg/providers/microsoft.devices/iothubs/myhub")]
        [InlineData("/SUBSCRIPTIONS/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/RESOURCEGROUPS/testrg/PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/myhub")]
        [InlineData("  /subscriptions/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/resourceGroups/testrg/providers/Microsoft.Devices/iotHubs/myhub  ")]
        public void An_IoT_hub_id_in_any_casing_is_parsed_into_canonical_parts(string id)
        {
            var parts = ResourceIds.Parse(id, ResourceIds.IotHub, "IotHubResourceId");

            Assert.Equal("0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10", parts.SubscriptionId);
            Assert.Equal("testrg", parts.ResourceGroupName);
            Assert.Equal("Microsoft.Devices", parts.ProviderNamespace);
            Assert.Equal("IotHubs", parts.Types[0]);
            Assert.Equal("myhub", parts.Name);
            Assert.Equal("/subscriptions/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/myhub", parts.ResourceId);
        }

        [Theory]
        [InlineData("")]
        [InlineData("myhub")]
        [InlineData("/subscriptions/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/resourceGroups/testrg/providers/Microsoft.EventHub/namespaces/ns")]
        [InlineData("/subscriptions/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/myhub/consumerGroups/x")]
        [InlineData("/subscriptions/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/resourceGroups/testrg")]
        public void Anything_but_an_IoT_hub_id_is_refused(string id) =>
            Assert.Equal("InvalidIotHubResourceId", Assert.Throws<KustoValidationException>(() => ResourceIds.Parse(id, ResourceIds.IotHub, "IotHubResourceId")).ErrorId);

        [Fact]
        public void The_documented_event_system_properties_are_known_in_any_case_and_others_are_not()
        {
            Assert.Equal(15, KustoRules.IotHubEventSystemProperties.Count);
            Assert.Equal(5, KustoRules.EventHubEventSystemProperties.Count);
            Assert.All(KustoRules.IotHubEventSystemProperties, p => Assert.True(KustoRules.IsKnownEventSystemProperty(p, DataConnectionKind.IotHub)));
            Assert.All(KustoRules.EventHubEventSystemProperties, p => Assert.True(KustoRules.IsKnownEventSystemProperty(p, DataConnectionKind.EventHub)));
            Assert.True(KustoRules.IsKnownEventSystemProperty("IOTHUB-ENQUEUEDTIME", DataConnectionKind.IotHub));
            Assert.False(KustoRules.IsKnownEventSystemProperty("x-opt-offset", DataConnectionKind.IotHub));
            Assert.False(KustoRules.IsKnownEventSystemProperty("iothub-enqueuedtime", DataConnectionKind.EventHub));
            Assert.False(KustoRules.IsKnownEventSystemProperty("made-up", DataConnectionKind.IotHub));
            Assert.False(KustoRules.IsKnownEventSystemProperty("message-id", DataConnectionKind.CosmosDb));
        }
    }
}
