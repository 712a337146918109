using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using Azure.Core;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// Reads and writes data connections in ARM's wire shape. One converter per kind, keyed on "kind"
    /// (case-insensitive); a kind without a converter becomes <see cref="UnknownDataConnection"/>.
    /// Parses what real ARM sends: capitalised ids and types, "cluster/database/name" names, "" / null / missing optional
    /// strings (all read as null), display-name locations, unknown extra properties (ignored).
    /// </summary>
    internal static class DataConnectionJson
    {
        private static readonly Dictionary<string, KindConverter> Converters =
            new KindConverter[] { new IotHubConverter(), new EventHubConverter(), new EventGridConverter(), new CosmosDbConverter() }.ToDictionary(c => c.Kind, StringComparer.OrdinalIgnoreCase);

        internal static DataConnection Read(JsonElement resource)
        {
            if (resource.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("A data connection must be a JSON object.");
            }

            var kind = GetString(resource, "kind") ?? string.Empty;
            var hasProperties = resource.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;

            DataConnection connection;
            if (Converters.TryGetValue(kind, out var converter))
            {
                connection = converter.Read(hasProperties ? properties : default);
            }
            else
            {
                connection = new UnknownDataConnection
                {
                    KindName = kind,
                    RawPropertiesJson = hasProperties ? properties.GetRawText() : "{}",
                };
            }

            connection.Id = GetString(resource, "id");
            connection.Type = GetString(resource, "type");
            connection.Location = GetString(resource, "location");
            connection.ProvisioningState = hasProperties ? GetString(properties, "provisioningState") : null;
            connection.Name = ShortName(GetString(resource, "name"));
            if (connection.Id != null && ResourceIdentifier.TryParse(connection.Id, out var id) && id is not null)
            {
                connection.Name = id.Name;
                connection.SubscriptionId = id.SubscriptionId;
                connection.ResourceGroupName = id.ResourceGroupName;
                connection.DatabaseName = id.Parent?.Name;
                connection.ClusterName = id.Parent?.Parent?.Name;
            }

            return connection;
        }

        internal static DataConnection Read(BinaryData body)
        {
            using var document = JsonDocument.Parse(body.ToMemory());
            return Read(document.RootElement);
        }

        /// <summary>Reads a list page: {"value":[...], "nextLink": "..."}.</summary>
        internal static IReadOnlyList<DataConnection> ReadPage(BinaryData body, out string? nextLink)
        {
            using var document = JsonDocument.Parse(body.ToMemory());
            var root = document.RootElement;
            var items = new List<DataConnection>();
            JsonElement value = default;
            if (root.ValueKind == JsonValueKind.Array)
            {
                value = root;
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("value", out var v))
            {
                value = v;
            }

            if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in value.EnumerateArray())
                {
                    items.Add(Read(item));
                }
            }

            nextLink = root.ValueKind == JsonValueKind.Object ? GetString(root, "nextLink") : null;
            return items;
        }

        /// <summary>The "properties" object of a PUT body: only the properties that are set, never nulls.</summary>
        internal static BinaryData WriteProperties(DataConnection connection)
        {
            if (connection is UnknownDataConnection unknown)
            {
                using var raw = JsonDocument.Parse(string.IsNullOrWhiteSpace(unknown.RawPropertiesJson) ? "{}" : unknown.RawPropertiesJson);
                return BinaryData.FromString(raw.RootElement.GetRawText());
            }

            if (!Converters.TryGetValue(connection.Kind, out var converter))
            {
                throw new NotSupportedException("Data connections of kind '" + connection.Kind + "' cannot be written.");
            }

            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                converter.WriteProperties(writer, connection);
                writer.WriteEndObject();
            }

            return BinaryData.FromBytes(stream.ToArray());
        }

        /// <summary>
        /// The "properties" object of a PATCH (a partial update): every property that is set on <paramref name="changes"/>
        /// (null = unchanged), "" and [] included, which clear the property; read-only properties never.
        /// </summary>
        internal static BinaryData WriteChanges(DataConnection changes)
        {
            if (changes is UnknownDataConnection)
            {
                return WriteProperties(changes);
            }

            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                foreach (var property in DataConnectionProperties.Of(changes.Kind))
                {
                    switch (property.GetValue(changes))
                    {
                        case null:
                            break;
                        case string text:
                            writer.WriteString(property.JsonName, text);
                            break;
                        case string[] list:
                            WriteStringArray(writer, property.JsonName, list);
                            break;
                        case bool flag:
                            writer.WriteBoolean(property.JsonName, flag);
                            break;
                        case DateTimeOffset date:
                            writer.WriteString(property.JsonName, date.UtcDateTime);
                            break;
                    }
                }

                writer.WriteEndObject();
            }

            return BinaryData.FromBytes(stream.ToArray());
        }

        private static void WriteStringArray(Utf8JsonWriter writer, string name, IEnumerable<string> values)
        {
            writer.WriteStartArray(name);
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        internal static string? GetString(JsonElement element, string name)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                var text = value.GetString();
                return string.IsNullOrEmpty(text) ? null : text;
            }

            return null;
        }

        internal static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                writer.WriteString(name, value);
            }
        }

        private static void WriteStrings(Utf8JsonWriter writer, string name, IList<string>? values)
        {
            if (values != null && values.Count > 0)
            {
                writer.WriteStartArray(name);
                foreach (var value in values)
                {
                    writer.WriteStringValue(value);
                }

                writer.WriteEndArray();
            }
        }

        private static void WriteDate(Utf8JsonWriter writer, string name, DateTimeOffset? value)
        {
            if (value.HasValue)
            {
                writer.WriteString(name, value.Value.UtcDateTime);
            }
        }

        /// <summary>A JSON boolean, or the strings "true"/"false" (some services send those); null otherwise.</summary>
        private static bool? GetBool(JsonElement element, string name)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value))
            {
                switch (value.ValueKind)
                {
                    case JsonValueKind.True:
                        return true;
                    case JsonValueKind.False:
                        return false;
                    case JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed):
                        return parsed;
                }
            }

            return null;
        }

        private static string? ShortName(string? name)
        {
            if (name == null)
            {
                return null;
            }

            var slash = name.LastIndexOf('/');
            return slash >= 0 ? name.Substring(slash + 1) : name;
        }

        private static DateTimeOffset? GetDate(JsonElement element, string name)
        {
            var text = GetString(element, name);
            if (text != null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            {
                return date;
            }

            return null;
        }

        private static List<string> GetStrings(JsonElement element, string name)
        {
            var list = new List<string>();
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(item.GetString()))
                    {
                        list.Add(item.GetString()!);
                    }
                }
            }

            return list;
        }

        /// <summary>Reads and writes the "properties" of one kind. Add a subclass per modelled kind.</summary>
        private abstract class KindConverter
        {
            internal abstract string Kind { get; }

            /// <param name="properties">The "properties" object, or default when ARM sent none.</param>
            internal abstract DataConnection Read(JsonElement properties);

            internal abstract void WriteProperties(Utf8JsonWriter writer, DataConnection connection);
        }

        private sealed class IotHubConverter : KindConverter
        {
            internal override string Kind => "IotHub";

            internal override DataConnection Read(JsonElement properties) => new IotHubDataConnection
            {
                IotHubResourceId = GetString(properties, "iotHubResourceId"),
                ConsumerGroup = GetString(properties, "consumerGroup"),
                TableName = GetString(properties, "tableName"),
                MappingRuleName = GetString(properties, "mappingRuleName"),
                DataFormat = GetString(properties, "dataFormat"),
                SharedAccessPolicyName = GetString(properties, "sharedAccessPolicyName"),
                DatabaseRouting = GetString(properties, "databaseRouting"),
                EventSystemProperties = GetStrings(properties, "eventSystemProperties"),
                RetrievalStartDate = GetDate(properties, "retrievalStartDate"),
            };

            internal override void WriteProperties(Utf8JsonWriter writer, DataConnection connection)
            {
                var iot = (IotHubDataConnection)connection;
                WriteIfSet(writer, "iotHubResourceId", iot.IotHubResourceId);
                WriteIfSet(writer, "consumerGroup", iot.ConsumerGroup);
                WriteIfSet(writer, "tableName", iot.TableName);
                WriteIfSet(writer, "mappingRuleName", iot.MappingRuleName);
                WriteIfSet(writer, "dataFormat", iot.DataFormat);
                WriteStrings(writer, "eventSystemProperties", iot.EventSystemProperties);
                WriteIfSet(writer, "sharedAccessPolicyName", iot.SharedAccessPolicyName);
                WriteIfSet(writer, "databaseRouting", iot.DatabaseRouting);
                WriteDate(writer, "retrievalStartDate", iot.RetrievalStartDate);
            }
        }

        private sealed class EventHubConverter : KindConverter
        {
            internal override string Kind => "EventHub";

            internal override DataConnection Read(JsonElement properties) => new EventHubDataConnection
            {
                EventHubResourceId = GetString(properties, "eventHubResourceId"),
                ConsumerGroup = GetString(properties, "consumerGroup"),
                TableName = GetString(properties, "tableName"),
                MappingRuleName = GetString(properties, "mappingRuleName"),
                DataFormat = GetString(properties, "dataFormat"),
                EventSystemProperties = GetStrings(properties, "eventSystemProperties"),
                Compression = GetString(properties, "compression"),
                ManagedIdentityResourceId = GetString(properties, "managedIdentityResourceId"),
                ManagedIdentityObjectId = GetString(properties, "managedIdentityObjectId"),
                DatabaseRouting = GetString(properties, "databaseRouting"),
                RetrievalStartDate = GetDate(properties, "retrievalStartDate"),
            };

            internal override void WriteProperties(Utf8JsonWriter writer, DataConnection connection)
            {
                var hub = (EventHubDataConnection)connection;
                WriteIfSet(writer, "eventHubResourceId", hub.EventHubResourceId);
                WriteIfSet(writer, "consumerGroup", hub.ConsumerGroup);
                WriteIfSet(writer, "tableName", hub.TableName);
                WriteIfSet(writer, "mappingRuleName", hub.MappingRuleName);
                WriteIfSet(writer, "dataFormat", hub.DataFormat);
                WriteStrings(writer, "eventSystemProperties", hub.EventSystemProperties);
                WriteIfSet(writer, "compression", hub.Compression);
                WriteIfSet(writer, "managedIdentityResourceId", hub.ManagedIdentityResourceId);
                WriteIfSet(writer, "databaseRouting", hub.DatabaseRouting);
                WriteDate(writer, "retrievalStartDate", hub.RetrievalStartDate);
            }
        }

        private sealed class EventGridConverter : KindConverter
        {
            internal override string Kind => "EventGrid";

            internal override DataConnection Read(JsonElement properties) => new EventGridDataConnection
            {
                StorageAccountResourceId = GetString(properties, "storageAccountResourceId"),
                EventGridResourceId = GetString(properties, "eventGridResourceId"),
                EventHubResourceId = GetString(properties, "eventHubResourceId"),
                ConsumerGroup = GetString(properties, "consumerGroup"),
                TableName = GetString(properties, "tableName"),
                MappingRuleName = GetString(properties, "mappingRuleName"),
                DataFormat = GetString(properties, "dataFormat"),
                IgnoreFirstRecord = GetBool(properties, "ignoreFirstRecord"),
                BlobStorageEventType = GetString(properties, "blobStorageEventType"),
                ManagedIdentityResourceId = GetString(properties, "managedIdentityResourceId"),
                ManagedIdentityObjectId = GetString(properties, "managedIdentityObjectId"),
                DatabaseRouting = GetString(properties, "databaseRouting"),
            };

            internal override void WriteProperties(Utf8JsonWriter writer, DataConnection connection)
            {
                var grid = (EventGridDataConnection)connection;
                WriteIfSet(writer, "storageAccountResourceId", grid.StorageAccountResourceId);
                WriteIfSet(writer, "eventGridResourceId", grid.EventGridResourceId);
                WriteIfSet(writer, "eventHubResourceId", grid.EventHubResourceId);
                WriteIfSet(writer, "consumerGroup", grid.ConsumerGroup);
                WriteIfSet(writer, "tableName", grid.TableName);
                WriteIfSet(writer, "mappingRuleName", grid.MappingRuleName);
                WriteIfSet(writer, "dataFormat", grid.DataFormat);
                if (grid.IgnoreFirstRecord.HasValue)
                {
                    writer.WriteBoolean("ignoreFirstRecord", grid.IgnoreFirstRecord.Value);
                }

                WriteIfSet(writer, "blobStorageEventType", grid.BlobStorageEventType);
                WriteIfSet(writer, "managedIdentityResourceId", grid.ManagedIdentityResourceId);
                WriteIfSet(writer, "databaseRouting", grid.DatabaseRouting);
            }
        }

        private sealed class CosmosDbConverter : KindConverter
        {
            internal override string Kind => "CosmosDb";

            internal override DataConnection Read(JsonElement properties) => new CosmosDbDataConnection
            {
                TableName = GetString(properties, "tableName"),
                MappingRuleName = GetString(properties, "mappingRuleName"),
                ManagedIdentityResourceId = GetString(properties, "managedIdentityResourceId"),
                ManagedIdentityObjectId = GetString(properties, "managedIdentityObjectId"),
                CosmosDbAccountResourceId = GetString(properties, "cosmosDbAccountResourceId"),
                CosmosDbDatabase = GetString(properties, "cosmosDbDatabase"),
                CosmosDbContainer = GetString(properties, "cosmosDbContainer"),
                RetrievalStartDate = GetDate(properties, "retrievalStartDate"),
            };

            internal override void WriteProperties(Utf8JsonWriter writer, DataConnection connection)
            {
                var cosmos = (CosmosDbDataConnection)connection;
                WriteIfSet(writer, "tableName", cosmos.TableName);
                WriteIfSet(writer, "mappingRuleName", cosmos.MappingRuleName);
                WriteIfSet(writer, "managedIdentityResourceId", cosmos.ManagedIdentityResourceId);
                WriteIfSet(writer, "cosmosDbAccountResourceId", cosmos.CosmosDbAccountResourceId);
                WriteIfSet(writer, "cosmosDbDatabase", cosmos.CosmosDbDatabase);
                WriteIfSet(writer, "cosmosDbContainer", cosmos.CosmosDbContainer);
                WriteDate(writer, "retrievalStartDate", cosmos.RetrievalStartDate);
            }
        }
    }
}
