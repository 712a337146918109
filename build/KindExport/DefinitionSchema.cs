using System;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KustoConnect.Engine;

namespace KustoConnect.Build
{
    /// <summary>
    /// The definition file's JSON schema (KustoDataConnections.schema.json in the module): the template's shape of the
    /// file and of an entry, the kinds as the entry's "kind" values, and per kind an if/then branch with exactly its
    /// settable properties, their JSON types, which are required, which may be null (cleared), their values and help.
    /// </summary>
    public static class DefinitionSchema
    {
        /// <summary>The schema for <paramref name="template"/> (the template in this folder).</summary>
        public static string Write(string template)
        {
            var schema = JsonNode.Parse(template)!.AsObject();
            var entry = schema["definitions"]!["entry"]!.AsObject();
            entry["properties"]!["kind"]!["enum"] = new JsonArray(DataConnectionKinds.All.Select(k => (JsonNode)JsonValue.Create(k.Kind)!).ToArray());
            entry["allOf"] = new JsonArray(DataConnectionKinds.All.Select(Branch).ToArray());
            return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
        }

        private static JsonNode Branch(DataConnectionKindDescription kind)
        {
            var properties = new JsonObject();
            foreach (var property in kind.Settable)
            {
                properties[property.JsonName] = Property(property);
            }

            return new JsonObject
            {
                ["if"] = new JsonObject
                {
                    ["properties"] = new JsonObject { ["kind"] = new JsonObject { ["const"] = kind.Kind } },
                    ["required"] = new JsonArray("kind"),
                },
                ["then"] = new JsonObject
                {
                    ["properties"] = new JsonObject
                    {
                        ["properties"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["additionalProperties"] = false,
                            ["required"] = new JsonArray(kind.Settable.Where(p => p.Required).Select(p => (JsonNode)JsonValue.Create(p.JsonName)!).ToArray()),
                            ["properties"] = properties,
                        },
                    },
                },
            };
        }

        private static JsonObject Property(DataConnectionProperty property)
        {
            var clearable = property.Clearable;
            var node = new JsonObject();
            switch (property.Type)
            {
                case DataConnectionPropertyType.StringList:
                    node["type"] = new JsonArray("array", "null");
                    node["items"] = new JsonObject { ["type"] = "string", ["minLength"] = 1 };
                    break;
                case DataConnectionPropertyType.Boolean:
                    node["type"] = "boolean";
                    break;
                case DataConnectionPropertyType.DateTime:
                    node["type"] = "string";
                    node["format"] = "date-time";
                    break;
                default:
                    if (property.IsEnumeration)
                    {
                        // The service takes them in any casing; the documented spelling and lower case are offered.
                        node["type"] = "string";
                        node["enum"] = new JsonArray(property.CompletionValues.Concat(property.CompletionValues.Select(v => v.ToLowerInvariant()))
                            .Distinct(StringComparer.Ordinal).Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
                    }
                    else if (clearable)
                    {
                        node["type"] = new JsonArray("string", "null");
                        if (property.CompletionValues.Count > 0)
                        {
                            node["anyOf"] = new JsonArray(
                                new JsonObject { ["type"] = "null" },
                                new JsonObject { ["type"] = "string", ["pattern"] = "^(" + string.Join("|", property.CompletionValues.Select(AnyCase)) + ")$" });
                        }
                    }
                    else
                    {
                        node["type"] = "string";
                        node["minLength"] = 1;
                    }

                    break;
            }

            node["description"] = property.Help + (property.Type == DataConnectionPropertyType.StringList ? " [] or null = none." : clearable ? " null = none." : string.Empty);
            return node;
        }

        /// <summary>A regular expression for <paramref name="value"/> in any casing (JSON Schema patterns have no flags).</summary>
        private static string AnyCase(string value)
        {
            var pattern = new StringBuilder();
            foreach (var c in value)
            {
                var upper = char.ToUpperInvariant(c);
                var lower = char.ToLowerInvariant(c);
                if (upper != lower)
                {
                    pattern.Append('[').Append(upper).Append(lower).Append(']');
                }
                else if (char.IsLetterOrDigit(c))
                {
                    pattern.Append(c);
                }
                else
                {
                    pattern.Append('\\').Append(c.ToString(CultureInfo.InvariantCulture));
                }
            }

            return pattern.ToString();
        }
    }
}
