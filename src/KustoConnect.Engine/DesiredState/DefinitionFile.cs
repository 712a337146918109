using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace KustoConnect.Engine.DesiredState
{
    /// <summary>
    /// The definition file of data connections (format version 1): readable JSON, one entry per data connection with its
    /// target, kind, location and the properties a user sets, in ARM's names. Never a read-only property, never a secret
    /// (data connections hold none: an IoT Hub connection names its shared access policy, never its key). The JSON schema
    /// is KustoDataConnections.schema.json in the module folder.
    /// <code>
    /// { "version": 1, "dataConnections": [ { "subscriptionId": "...", "resourceGroupName": "testrg", "clusterName": "mykustocluster",
    ///   "databaseName": "mykustodatabase", "name": "telemetry", "kind": "IotHub", "location": "Central US",
    ///   "properties": { "iotHubResourceId": "...", "consumerGroup": "$Default", "mappingRuleName": null, ... } } ] }
    /// </code>
    /// </summary>
    public static class DefinitionFile
    {
        /// <summary>The format version this module writes and reads.</summary>
        public const int FormatVersion = 1;

        private static readonly string[] EntryFields = { "subscriptionId", "resourceGroupName", "clusterName", "databaseName", "name", "kind", "location", "properties" };
        private static readonly string[] ReadOnlyProperties = { "provisioningState", "managedIdentityObjectId" };

        /// <summary>
        /// The file text for <paramref name="connections"/>, in the order given. Connections of a kind this version does not
        /// model are refused (their properties are not known to be settable).
        /// </summary>
        public static string Write(IEnumerable<DataConnection> connections)
        {
            if (connections == null)
            {
                throw new ArgumentNullException(nameof(connections));
            }

            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteNumber("version", FormatVersion);
                writer.WriteStartArray("dataConnections");
                foreach (var connection in connections)
                {
                    WriteEntry(writer, connection);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
        }

        /// <summary>
        /// Reads and checks the whole file. Throws <see cref="DefinitionFileException"/> with EVERY problem found (not only
        /// the first): JSON syntax, the file's shape, each entry's target names, kind, properties (unknown, read-only, wrong
        /// type, missing required ones) and every client-side rule of a create, and the same data connection listed twice.
        /// </summary>
        /// <param name="json">The file's text.</param>
        /// <param name="defaultSubscriptionId">The subscription of entries that name none (the session's); may be null.</param>
        public static DataConnectionDefinitionSet Read(string json, string? defaultSubscriptionId)
        {
            var problems = new List<DefinitionProblem>();
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json ?? string.Empty, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            }
            catch (JsonException e)
            {
                throw new DefinitionFileException(new[] { new DefinitionProblem(null, null, "DefinitionFileNotJson", "The file is not valid JSON: " + e.Message, null) });
            }

            var entries = new List<DataConnectionDefinition>();
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("dataConnections", out var list) || list.ValueKind != JsonValueKind.Array)
                {
                    throw new DefinitionFileException(new[]
                    {
                        new DefinitionProblem(null, null, "InvalidDefinitionFileShape", "The file must be a JSON object with a \"dataConnections\" array (see KustoDataConnections.schema.json).", "dataConnections"),
                    });
                }

                if (root.TryGetProperty("version", out var version) && !(version.ValueKind == JsonValueKind.Number && version.TryGetInt32(out var v) && v == FormatVersion))
                {
                    problems.Add(new DefinitionProblem(null, null, "UnsupportedDefinitionFileVersion", "This version of KustoConnect reads definition files of version " + FormatVersion + ".", "version"));
                }

                var index = 0;
                foreach (var item in list.EnumerateArray())
                {
                    var entry = ReadEntry(item, index, defaultSubscriptionId, problems);
                    if (entry != null)
                    {
                        entries.Add(entry);
                    }

                    index++;
                }
            }

            foreach (var duplicate in entries.GroupBy(e => e.Target.ResourceId, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            {
                foreach (var entry in duplicate.Skip(1))
                {
                    problems.Add(new DefinitionProblem(entry.Index, entry.Target.Name, "DuplicateDataConnection", "The data connection is listed more than once (also at dataConnections[" + duplicate.First().Index + "]).", "name"));
                }
            }

            if (problems.Count > 0)
            {
                throw new DefinitionFileException(problems.OrderBy(p => p.Index ?? -1).ToList());
            }

            return new DataConnectionDefinitionSet(entries);
        }

        private static void WriteEntry(Utf8JsonWriter writer, DataConnection connection)
        {
            var properties = DataConnectionProperties.Of(connection.Kind);
            if (properties.Count == 0)
            {
                throw new KustoValidationException(
                    "DataConnectionKindNotSupported",
                    "Data connection '" + connection.Name + "' is of kind '" + connection.Kind + "', which this version of KustoConnect cannot export.",
                    "InputObject");
            }

            writer.WriteStartObject();
            writer.WriteString("subscriptionId", connection.SubscriptionId);
            writer.WriteString("resourceGroupName", connection.ResourceGroupName);
            writer.WriteString("clusterName", connection.ClusterName?.ToLowerInvariant());
            writer.WriteString("databaseName", connection.DatabaseName);
            writer.WriteString("name", connection.Name);
            writer.WriteString("kind", connection.Kind);
            if (connection.Location != null)
            {
                writer.WriteString("location", connection.Location);
            }

            writer.WriteStartObject("properties");
            foreach (var property in properties)
            {
                var value = property.GetValue(connection);
                if (DataConnectionProperty.IsUnset(value))
                {
                    if (property.Clearable)
                    {
                        writer.WriteNull(property.JsonName);
                    }

                    continue;
                }

                switch (value)
                {
                    case string text:
                        writer.WriteString(property.JsonName, text);
                        break;
                    case string[] items:
                        writer.WriteStartArray(property.JsonName);
                        foreach (var item in items)
                        {
                            writer.WriteStringValue(item);
                        }

                        writer.WriteEndArray();
                        break;
                    case bool flag:
                        writer.WriteBoolean(property.JsonName, flag);
                        break;
                    case DateTimeOffset date:
                        writer.WriteString(property.JsonName, DataConnectionProperty.Display(date));
                        break;
                }
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        private static DataConnectionDefinition? ReadEntry(JsonElement item, int index, string? defaultSubscriptionId, List<DefinitionProblem> problems)
        {
            var before = problems.Count;
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new DefinitionProblem(index, null, "InvalidDefinitionEntry", "Each entry must be a JSON object.", null));
                return null;
            }

            var name = Text(item, "name");
            void Add(string errorId, string message, string? property) => problems.Add(new DefinitionProblem(index, name, errorId, message, property));

            foreach (var field in item.EnumerateObject().Where(f => !EntryFields.Contains(f.Name, StringComparer.OrdinalIgnoreCase)))
            {
                Add("UnknownDefinitionField", "'" + field.Name + "' is not a field of an entry (" + string.Join(", ", EntryFields) + ").", field.Name);
            }

            DataConnectionRef? target = null;
            var subscription = Text(item, "subscriptionId") ?? defaultSubscriptionId;
            var resourceGroup = Required(item, "resourceGroupName", Add);
            var cluster = Required(item, "clusterName", Add);
            var database = Required(item, "databaseName", Add);
            if (subscription == null)
            {
                Add("MissingSubscriptionId", "The entry names no subscriptionId and the session has no default subscription.", "subscriptionId");
            }

            if (name == null)
            {
                Add("MissingName", "The entry has no name.", "name");
            }

            if (subscription != null && resourceGroup != null && cluster != null && database != null && name != null)
            {
                try
                {
                    KustoRules.ValidateSubscriptionId(subscription);
                }
                catch (KustoValidationException e)
                {
                    Add(e.ErrorId, e.Message, "subscriptionId");
                }

                try
                {
                    target = DataConnectionRef.Create(DatabaseRef.Create(subscription, resourceGroup, cluster.ToLowerInvariant(), database), name);
                }
                catch (KustoValidationException e)
                {
                    Add(e.ErrorId, e.Message, e.ParameterName);
                }
            }

            var kindText = Required(item, "kind", Add);
            var kind = DataConnectionProperties.CanonicalKind(kindText);
            if (kindText != null && kind == null)
            {
                Add("InvalidDataConnectionKind", "'" + kindText + "' is not a data connection kind (" + string.Join(", ", DataConnectionProperties.Kinds) + ").", "kind");
            }

            string? location = null;
            if (item.TryGetProperty("location", out var locationElement) && locationElement.ValueKind != JsonValueKind.Null)
            {
                location = locationElement.ValueKind == JsonValueKind.String ? locationElement.GetString() : null;
                if (string.IsNullOrWhiteSpace(location))
                {
                    Add("InvalidLocation", "location must be a region name such as \"centralus\" (or be left out to use the cluster's).", "location");
                }
            }

            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (!item.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
            {
                Add("MissingProperties", "The entry needs a \"properties\" object.", "properties");
            }
            else if (kind != null)
            {
                ReadProperties(properties, kind, values, Add);
            }

            return problems.Count == before && target != null && kind != null
                ? new DataConnectionDefinition(index, target, kind, location, values)
                : null;
        }

        private static void ReadProperties(JsonElement properties, string kind, Dictionary<string, object?> values, Action<string, string, string?> add)
        {
            var known = DataConnectionProperties.Of(kind);
            foreach (var field in properties.EnumerateObject())
            {
                var property = known.FirstOrDefault(p => string.Equals(p.JsonName, field.Name, StringComparison.OrdinalIgnoreCase));
                if (property == null)
                {
                    if (ReadOnlyProperties.Contains(field.Name, StringComparer.OrdinalIgnoreCase))
                    {
                        add("ReadOnlyProperty", "'" + field.Name + "' is set by the service and cannot be in a definition.", field.Name);
                    }
                    else
                    {
                        add("UnknownProperty", "'" + field.Name + "' is not a property of " + kind + " data connections (" + string.Join(", ", known.Select(p => p.JsonName)) + ").", field.Name);
                    }

                    continue;
                }

                if (!TryConvert(field.Value, property, out var value))
                {
                    add("InvalidPropertyValue", "'" + field.Name + "' must be " + Describe(property.Type) + ".", field.Name);
                    continue;
                }

                if (value == null && !property.Clearable)
                {
                    if (property.Required)
                    {
                        add("Missing" + property.Name, "A " + kind + " data connection needs " + property.JsonName + "; it cannot be null.", field.Name);
                    }

                    continue;
                }

                try
                {
                    values[property.Name] = property.Normalize(value, kind);
                }
                catch (KustoValidationException e)
                {
                    add(e.ErrorId, e.Message, field.Name);
                }
            }

            foreach (var missing in known.Where(p => p.Required && !values.ContainsKey(p.Name) && !properties.EnumerateObject().Any(f => string.Equals(f.Name, p.JsonName, StringComparison.OrdinalIgnoreCase))))
            {
                add("Missing" + missing.Name, "A " + kind + " data connection needs " + missing.JsonName + ".", missing.JsonName);
            }
        }

        private static bool TryConvert(JsonElement element, DataConnectionProperty property, out object? value)
        {
            value = null;
            if (element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            switch (property.Type)
            {
                case DataConnectionPropertyType.String when element.ValueKind == JsonValueKind.String:
                    value = element.GetString();
                    return true;
                case DataConnectionPropertyType.Boolean when element.ValueKind == JsonValueKind.True || element.ValueKind == JsonValueKind.False:
                    value = element.GetBoolean();
                    return true;
                case DataConnectionPropertyType.DateTime when element.ValueKind == JsonValueKind.String:
                    if (DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
                    {
                        value = date;
                        return true;
                    }

                    return false;
                case DataConnectionPropertyType.StringList when element.ValueKind == JsonValueKind.Array:
                    var items = element.EnumerateArray().ToList();
                    if (items.Any(i => i.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(i.GetString())))
                    {
                        return false;
                    }

                    value = items.Select(i => i.GetString()!).ToArray();
                    return true;
                default:
                    return false;
            }
        }

        private static string Describe(DataConnectionPropertyType type) => type switch
        {
            DataConnectionPropertyType.StringList => "an array of strings",
            DataConnectionPropertyType.Boolean => "true or false",
            DataConnectionPropertyType.DateTime => "a date and time such as \"2024-05-01T08:30:00Z\"",
            _ => "a string",
        };

        private static string? Text(JsonElement item, string name)
        {
            foreach (var field in item.EnumerateObject())
            {
                if (string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase) && field.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(field.Value.GetString()))
                {
                    return field.Value.GetString()!.Trim();
                }
            }

            return null;
        }

        private static string? Required(JsonElement item, string name, Action<string, string, string?> add)
        {
            var value = Text(item, name);
            if (value == null)
            {
                add("Missing" + char.ToUpperInvariant(name[0]) + name.Substring(1), "The entry needs " + name + " (a non-empty string).", name);
            }

            return value;
        }
    }
}
