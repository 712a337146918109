using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using KustoConnect.Engine.Internal;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>
    /// Each kind's description (DataConnectionKindDescription) against the 2024-04-13 spec (tests/data/arm-spec), and the
    /// JSON reading and writing, checks and views that are driven by it.
    /// </summary>
    public sealed class KindDescriptionTests
    {
        private static readonly Dictionary<string, string> SpecDefinitions = new Dictionary<string, string>
        {
            ["IotHub"] = "IotHubConnectionProperties",
            ["EventHub"] = "EventHubConnectionProperties",
            ["EventGrid"] = "EventGridConnectionProperties",
            ["CosmosDb"] = "CosmosDbDataConnectionProperties",
        };

        private static readonly Lazy<JsonDocument> Spec = new Lazy<JsonDocument>(() => JsonDocument.Parse(ReferenceData.Example("kusto-2024-04-13.json")));

        public static IEnumerable<object[]> Kinds() => DataConnectionKinds.All.Select(k => new object[] { k.Kind });

        private static JsonElement Definition(string name) => Spec.Value.RootElement.GetProperty("definitions").GetProperty(name);

        [Fact]
        public void The_spec_has_exactly_the_described_kinds_of_data_connection()
        {
            var dataConnection = Definition("DataConnection");
            var specKinds = dataConnection.GetProperty("properties").GetProperty("kind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).ToList();

            Assert.Equal(specKinds.OrderBy(k => k), DataConnectionKinds.All.Select(k => k.ArmKind).OrderBy(k => k));
            Assert.Equal(SpecDefinitions.Keys.OrderBy(k => k), DataConnectionKinds.All.Select(k => k.Kind).OrderBy(k => k));
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Every_property_of_the_spec_is_described_with_its_json_name_type_required_and_read_only(string kind)
        {
            var description = DataConnectionKinds.Find(kind)!;
            var definition = Definition(SpecDefinitions[kind]);
            var required = definition.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : new HashSet<string>();
            var specProperties = definition.GetProperty("properties").EnumerateObject().Where(p => p.Name != "provisioningState").ToList();

            Assert.Equal(specProperties.Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal), description.Properties.Select(p => p.JsonName).OrderBy(n => n, StringComparer.Ordinal));
            foreach (var specProperty in specProperties)
            {
                var property = description.Properties.Single(p => p.JsonName == specProperty.Name);
                Assert.True(required.Contains(specProperty.Name) == property.Required, kind + "." + property.Name + " required");
                var readOnly = specProperty.Value.TryGetProperty("readOnly", out var r) && r.GetBoolean();
                Assert.True(readOnly == property.ReadOnly, kind + "." + property.Name + " read-only");
                Assert.Equal(!readOnly, property.Updatable);
                Assert.Equal(SpecType(specProperty.Value), property.Type);
                Assert.Equal(char.ToUpperInvariant(property.JsonName[0]) + property.JsonName.Substring(1), property.Name);
            }
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void The_definition_file_schema_has_exactly_the_settable_properties_of_each_kind(string kind)
        {
            var description = DataConnectionKinds.Find(kind)!;
            var templatePath = System.IO.Path.Combine(ReferenceData.Root, "..", "..", "build", "KindExport", "KustoDataConnections.schema.json");
            using var schema = JsonDocument.Parse(KustoConnect.Build.DefinitionSchema.Write(System.IO.File.ReadAllText(templatePath)));
            Assert.Contains(kind, schema.RootElement.GetProperty("definitions").GetProperty("entry").GetProperty("properties").GetProperty("kind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
            var branch = schema.RootElement.GetProperty("definitions").GetProperty("entry").GetProperty("allOf").EnumerateArray()
                .Single(b => b.GetProperty("if").GetProperty("properties").GetProperty("kind").GetProperty("const").GetString() == kind)
                .GetProperty("then").GetProperty("properties").GetProperty("properties");

            Assert.False(branch.GetProperty("additionalProperties").GetBoolean());
            Assert.Equal(description.Settable.Select(p => p.JsonName).OrderBy(n => n), branch.GetProperty("properties").EnumerateObject().Select(p => p.Name).OrderBy(n => n));
            Assert.Equal(description.Settable.Where(p => p.Required).Select(p => p.JsonName).OrderBy(n => n), branch.GetProperty("required").EnumerateArray().Select(e => e.GetString()).OrderBy(n => n));
            foreach (var property in description.Settable)
            {
                var node = branch.GetProperty("properties").GetProperty(property.JsonName);
                var types = node.GetProperty("type").ValueKind == JsonValueKind.Array ? node.GetProperty("type").EnumerateArray().Select(t => t.GetString()).ToList() : new List<string?> { node.GetProperty("type").GetString() };
                Assert.True(types.Contains("null") == property.Clearable, kind + "." + property.Name + " may be null");
                Assert.StartsWith(property.Help, node.GetProperty("description").GetString(), StringComparison.Ordinal);
                if (property.IsEnumeration)
                {
                    Assert.Subset(node.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToHashSet(), property.CompletionValues.ToHashSet());
                }
            }
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Completion_offers_the_spec_s_enumerations_and_for_iot_hub_every_data_format_but_raw(string kind)
        {
            var description = DataConnectionKinds.Find(kind)!;
            var definition = Definition(SpecDefinitions[kind]).GetProperty("properties");
            foreach (var specProperty in definition.EnumerateObject().Where(p => p.Name != "provisioningState"))
            {
                var property = description.Properties.Single(p => p.JsonName == specProperty.Name);
                var values = SpecEnum(specProperty.Value);
                if (values == null)
                {
                    continue;
                }

                if (kind == "IotHub" && property.Name == "DataFormat")
                {
                    values.Remove("RAW");
                }

                Assert.Equal(values, property.CompletionValues);
            }
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Every_property_is_written_by_its_json_name_and_read_back_read_only_ones_never_sent(string kind)
        {
            var description = DataConnectionKinds.Find(kind)!;
            foreach (var flag in new[] { true, false })
            {
                var model = description.NewModel();
                foreach (var property in description.Properties)
                {
                    property.SetValue(model, Sample(property, flag));
                }

                using var written = JsonDocument.Parse(DataConnectionJson.WriteProperties(model).ToString());
                Assert.Equal(description.Settable.Select(p => p.JsonName), written.RootElement.EnumerateObject().Select(p => p.Name));

                var all = description.Properties.ToDictionary(p => p.JsonName, p => (object?)Wire(Sample(p, flag)));
                using var echoed = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, object> { ["kind"] = kind.ToLowerInvariant(), ["properties"] = all }));
                var read = DataConnectionJson.Read(echoed.RootElement);

                Assert.Same(description, DataConnectionKinds.Of(read));
                foreach (var property in description.Properties)
                {
                    Assert.True(property.AreEqual(Sample(property, flag), property.GetValue(read)), kind + "." + property.Name);
                }
            }
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void A_new_model_has_every_property_unset_and_the_settable_view_leaves_out_read_only_ones(string kind)
        {
            var description = DataConnectionKinds.Find(kind.ToUpperInvariant())!;
            var model = description.NewModel();

            Assert.Equal(kind, model.Kind);
            Assert.All(description.Properties, p => Assert.Null(p.GetValue(model)));
            Assert.Equal(description.Settable, DataConnectionProperties.Of(kind));
            Assert.DoesNotContain(description.Settable, p => p.ReadOnly);
            Assert.Null(DataConnectionKinds.Find("FutureKind"));
            Assert.Null(DataConnectionKinds.Of(new OtherDataConnection { KindName = kind }));
        }

        [Theory]
        [InlineData("EventHub", "Compression", "zip", "InvalidCompression")]
        [InlineData("EventHub", "DatabaseRouting", "Some", "InvalidDatabaseRouting")]
        [InlineData("IotHub", "DataFormat", "raw", "DataFormatNotSupportedForIotHub")]
        [InlineData("EventGrid", "BlobStorageEventType", "Microsoft.Storage.BlobDeleted", "InvalidBlobStorageEventType")]
        [InlineData("EventGrid", "EventGridResourceId", "not-an-id", "InvalidEventGridResourceId")]
        [InlineData("CosmosDb", "CosmosDbContainer", " ", "InvalidCosmosDbContainer")]
        public void The_checks_before_sending_run_every_set_property_s_rule_from_the_description(string kind, string propertyName, string value, string errorId)
        {
            var description = DataConnectionKinds.Find(kind)!;
            var model = description.NewModel();
            description.Find(propertyName)!.SetValue(model, value);

            var error = Assert.Throws<KustoValidationException>(() => KustoRules.ValidateDefinition(model));

            Assert.Equal(errorId, error.ErrorId);
        }

        [Fact]
        public void A_read_only_value_is_never_checked_and_an_unset_one_is_left_to_the_service()
        {
            var model = (EventHubDataConnection)EventHubDataConnection.Description.NewModel();
            model.ManagedIdentityObjectId = "anything at all";
            model.TableName = string.Empty;

            KustoRules.ValidateDefinition(model);
        }

        [Fact]
        public void A_user_s_iot_hub_id_is_parsed_once_into_its_identity()
        {
            var model = (IotHubDataConnection)IotHubDataConnection.Description.NewModel();
            var property = IotHubDataConnection.Description.Find("IotHubResourceId")!;

            property.Assign(model, "/SUBSCRIPTIONS/12345678-1234-1234-1234-123456789098/RESOURCEGROUPS/rg/PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/hub1");

            Assert.NotNull(model.IotHubIdentity);
            Assert.Equal("hub1", model.IotHubIdentity!.Name);
            Assert.Equal(model.IotHubIdentity.ResourceId, model.IotHubResourceId);
            Assert.Equal("InvalidIotHubResourceId", Assert.Throws<KustoValidationException>(() => property.Assign(model, "hub1")).ErrorId);
        }

        [Fact]
        public void Every_resource_id_of_every_kind_is_parsed_once_into_an_identity_that_the_checks_and_the_wire_reuse()
        {
            const string Sub = "/subscriptions/12345678-1234-1234-1234-123456789098/resourceGroups/rg/providers/";
            var ids = new Dictionary<string, string>
            {
                ["IotHubResourceId"] = Sub + "microsoft.devices/iothubs/hub1",
                ["EventHubResourceId"] = Sub + "microsoft.eventhub/namespaces/ns-one/eventhubs/hub1",
                ["StorageAccountResourceId"] = Sub + "microsoft.storage/storageaccounts/store1",
                ["EventGridResourceId"] = Sub + "microsoft.storage/storageaccounts/store1/providers/microsoft.eventgrid/eventsubscriptions/sub1",
                ["CosmosDbAccountResourceId"] = Sub + "microsoft.documentdb/databaseaccounts/cosmos1",
                ["ManagedIdentityResourceId"] = Sub + "microsoft.managedidentity/userassignedidentities/identity1",
            };
            var seen = new HashSet<string>();
            foreach (var kind in DataConnectionKinds.All)
            {
                foreach (var property in kind.Settable.Where(p => p.IsResourceId))
                {
                    seen.Add(property.Name);
                    var model = kind.NewModel();
                    property.Assign(model, ids[property.Name]);

                    var identity = property.IdentityOf(model);
                    Assert.NotNull(identity);
                    Assert.Same(identity, model.IdentityOf(property.Name));
                    Assert.Equal(identity!.ResourceId, property.GetValue(model));
                    Assert.NotEqual(ids[property.Name], identity.ResourceId); // the canonical spelling is what is sent

                    // The check before sending, the canonical form and the identity asked by a workflow reuse it.
                    property.Check(model);
                    property.Canonicalize(model);
                    Assert.Same(identity, property.Identity(model));
                    Assert.Contains("\"" + identity.ResourceId + "\"", DataConnectionJson.WriteProperties(model).ToString(), StringComparison.Ordinal);

                    // Another value is parsed again, and an invalid one is refused by the check.
                    property.SetValue(model, ids[property.Name].Replace("1", "2", StringComparison.Ordinal));
                    Assert.Null(property.IdentityOf(model));
                    Assert.NotSame(identity, property.Identity(model));
                    property.SetValue(model, "not-an-id");
                    Assert.Throws<KustoValidationException>(() => property.Check(model));
                }
            }

            Assert.Equal(ids.Keys.OrderBy(n => n), seen.OrderBy(n => n));
        }

        [Fact]
        public void A_model_read_from_the_service_has_its_ids_parsed_by_its_first_check_only()
        {
            var model = (EventHubDataConnection)EventHubDataConnection.Description.NewModel();
            model.EventHubResourceId = "/subscriptions/12345678-1234-1234-1234-123456789098/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/ns-one/eventhubs/hub1";
            Assert.Null(model.IdentityOf("EventHubResourceId"));

            KustoRules.ValidateDefinition(model);

            var identity = model.IdentityOf("EventHubResourceId");
            Assert.NotNull(identity);
            KustoRules.ValidateDefinition(model);
            Assert.Same(identity, model.IdentityOf("EventHubResourceId"));
            Assert.Null(model.IdentityOf("ConsumerGroup"));
        }

        [Fact]
        public void An_update_s_resource_id_is_parsed_by_its_check_and_reused_by_the_patch_it_builds()
        {
            var changes = new DataConnectionChanges("EventHub");
            changes.Set("ManagedIdentityResourceId", "/subscriptions/12345678-1234-1234-1234-123456789098/resourceGroups/rg/providers/microsoft.managedidentity/userassignedidentities/identity1");
            changes.Check();

            var first = changes.Build("EventHub", _ => { });
            var second = changes.Build("EventHub", _ => { });

            var identity = first.IdentityOf("ManagedIdentityResourceId");
            Assert.NotNull(identity);
            Assert.Same(identity, second.IdentityOf("ManagedIdentityResourceId"));
            Assert.Equal(identity!.ResourceId, ((EventHubDataConnection)first).ManagedIdentityResourceId);
            Assert.Contains("Microsoft.ManagedIdentity/userAssignedIdentities/identity1", identity.ResourceId, StringComparison.Ordinal);
        }

        [Fact]
        public void Properties_are_found_by_model_name_or_parameter_name()
        {
            var list = IotHubDataConnection.Description.Find("EventSystemProperty");

            Assert.NotNull(list);
            Assert.Same(list, IotHubDataConnection.Description.Find("eventsystemproperties"));
            Assert.Equal("EventSystemProperty", list!.ParameterName);
            Assert.Equal("IoT Hub", IotHubDataConnection.Description.DisplayName);
            Assert.Null(IotHubDataConnection.Description.Find("Compression"));
        }

        private static DataConnectionPropertyType SpecType(JsonElement property)
        {
            var type = property.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type == "array")
            {
                return DataConnectionPropertyType.StringList;
            }

            if (type == "boolean")
            {
                return DataConnectionPropertyType.Boolean;
            }

            return property.TryGetProperty("format", out var f) && f.GetString() == "date-time" ? DataConnectionPropertyType.DateTime : DataConnectionPropertyType.String;
        }

        /// <summary>The property's enumeration (inline or through a $ref), or null when it has none.</summary>
        private static List<string>? SpecEnum(JsonElement property)
        {
            if (property.TryGetProperty("$ref", out var reference))
            {
                property = Definition(reference.GetString()!.Substring("#/definitions/".Length));
            }

            return property.TryGetProperty("enum", out var values) ? values.EnumerateArray().Select(e => e.GetString()!).ToList() : null;
        }

        private static object Sample(DataConnectionProperty property, bool flag) => property.Type switch
        {
            DataConnectionPropertyType.StringList => flag ? new[] { "a", "b" } : new[] { "c" },
            DataConnectionPropertyType.Boolean => flag,
            DataConnectionPropertyType.DateTime => new DateTimeOffset(2024, 5, 6, 7, 8, flag ? 9 : 10, TimeSpan.Zero),
            _ => property.JsonName + (flag ? "-1" : "-2"),
        };

        private static object Wire(object value) => value is DateTimeOffset date ? date.UtcDateTime.ToString("o") : value;
    }
}
