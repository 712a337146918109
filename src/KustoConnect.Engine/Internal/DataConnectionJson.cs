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
    /// Reads and writes data connections in ARM's wire shape, for every kind from its description
    /// (<see cref="DataConnectionKinds"/>, keyed on "kind", case-insensitive): each property by its JSON name and type; a
    /// kind the engine does not model becomes <see cref="OtherDataConnection"/>.
    /// Parses what real ARM sends: capitalised ids and types, "cluster/database/name" names, "" / null / missing optional
    /// strings (all read as null), display-name locations, unknown extra properties (ignored).
    /// </summary>
    internal static class DataConnectionJson
    {
        internal static DataConnection Read(JsonElement resource)
        {
            if (resource.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("A data connection must be a JSON object.");
            }

            var kind = GetString(resource, "kind") ?? string.Empty;
            var hasProperties = resource.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;

            DataConnection connection;
            var description = DataConnectionKinds.Find(kind);
            if (description != null)
            {
                connection = ReadProperties(description, hasProperties ? properties : default);
            }
            else
            {
                connection = new OtherDataConnection
                {
                    KindName = kind,
                    PropertiesJson = hasProperties ? properties.GetRawText() : "{}",
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
            if (connection is OtherDataConnection other)
            {
                using var raw = JsonDocument.Parse(string.IsNullOrWhiteSpace(other.PropertiesJson) ? "{}" : other.PropertiesJson);
                return BinaryData.FromString(raw.RootElement.GetRawText());
            }

            var description = DataConnectionKinds.Of(connection)
                ?? throw new NotSupportedException("Data connections of kind '" + connection.Kind + "' cannot be written.");

            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                foreach (var property in description.Settable)
                {
                    // Only what is set: no "" for an unset string, no [] for an empty list, never a null.
                    switch (property.GetValue(connection))
                    {
                        case string text when text.Length > 0:
                            writer.WriteString(property.JsonName, text);
                            break;
                        case string[] list when list.Length > 0:
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

        /// <summary>
        /// The "properties" object of a PATCH (a partial update): every property that is set on <paramref name="changes"/>
        /// (null = unchanged), "" and [] included, which clear the property; read-only properties never.
        /// </summary>
        internal static BinaryData WriteChanges(DataConnection changes)
        {
            if (changes is OtherDataConnection)
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

        /// <summary>A model of the described kind from its "properties" (default when ARM sent none): every property by its JSON name.</summary>
        private static DataConnection ReadProperties(DataConnectionKindDescription description, JsonElement properties)
        {
            var connection = description.NewModel();
            foreach (var property in description.Properties)
            {
                object? value = property.Type switch
                {
                    DataConnectionPropertyType.StringList => GetStrings(properties, property.JsonName),
                    DataConnectionPropertyType.Boolean => GetBool(properties, property.JsonName),
                    DataConnectionPropertyType.DateTime => GetDate(properties, property.JsonName),
                    _ => GetString(properties, property.JsonName),
                };
                property.SetValue(connection, value);
            }

            return connection;
        }
    }
}
