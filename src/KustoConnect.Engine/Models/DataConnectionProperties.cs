using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace KustoConnect.Engine
{
    /// <summary>How a settable property's value is shaped.</summary>
    public enum DataConnectionPropertyType
    {
        /// <summary>A string.</summary>
        String,

        /// <summary>A list of strings (event system properties).</summary>
        StringList,

        /// <summary>A boolean.</summary>
        Boolean,

        /// <summary>A date and time (ISO 8601, UTC on the wire).</summary>
        DateTime,
    }

    /// <summary>
    /// One property a user sets on a data connection of one kind (never a read-only one such as provisioningState or
    /// managedIdentityObjectId): its model name, its ARM name, and how to read, write and compare it. The one table the
    /// partial update, the definition file and the desired-state diff share.
    /// </summary>
    public sealed class DataConnectionProperty
    {
        private readonly Func<DataConnection, object?> _get;
        private readonly Action<DataConnection, object?> _set;

        internal DataConnectionProperty(string name, string jsonName, DataConnectionPropertyType type, bool required, bool clearable, Func<DataConnection, object?> get, Action<DataConnection, object?> set)
        {
            Name = name;
            JsonName = jsonName;
            Type = type;
            Required = required;
            Clearable = clearable;
            _get = get;
            _set = set;
        }

        /// <summary>The model's (and the cmdlets') name, e.g. "TableName".</summary>
        public string Name { get; }

        /// <summary>ARM's name in "properties", e.g. "tableName".</summary>
        public string JsonName { get; }

        /// <summary>The value's shape.</summary>
        public DataConnectionPropertyType Type { get; }

        /// <summary>True when a data connection of the kind cannot exist without it.</summary>
        public bool Required { get; }

        /// <summary>
        /// True when a partial update can clear it (sent as "" or []): the optional table, mapping, data format and event
        /// system properties.
        /// </summary>
        public bool Clearable { get; }

        /// <summary>The value on <paramref name="connection"/>: a string, a string[] (copy), a bool or a DateTimeOffset; null when unset.</summary>
        public object? GetValue(DataConnection connection)
        {
            var value = _get(connection);
            return value is IList<string> list ? list.ToArray() : value;
        }

        /// <summary>Sets the value (null unsets it; a list is copied).</summary>
        public void SetValue(DataConnection connection, object? value) =>
            _set(connection, value is IEnumerable<string> list && !(value is string) ? new List<string>(list) : value);

        /// <summary>
        /// True when the two values mean the same: strings without regard to case (ids, formats and names are
        /// case-insensitive in ARM), lists as sets, dates as instants; null and "" and an empty list are all "unset".
        /// </summary>
        public bool AreEqual(object? a, object? b)
        {
            if (IsUnset(a) || IsUnset(b))
            {
                return IsUnset(a) && IsUnset(b);
            }

            switch (Type)
            {
                case DataConnectionPropertyType.StringList:
                    var left = new HashSet<string>((IEnumerable<string>)a!, StringComparer.OrdinalIgnoreCase);
                    return left.SetEquals((IEnumerable<string>)b!);
                case DataConnectionPropertyType.DateTime:
                    return ((DateTimeOffset)a!).UtcTicks == ((DateTimeOffset)b!).UtcTicks;
                case DataConnectionPropertyType.Boolean:
                    return (bool)a! == (bool)b!;
                default:
                    return string.Equals(((string)a!).Trim(), ((string)b!).Trim(), StringComparison.OrdinalIgnoreCase);
            }
        }

        /// <summary>
        /// The client-side rules for one value of this property on a data connection of <paramref name="kind"/>: resource
        /// ids parsed and returned in canonical casing, formats and enumerations in the service's spelling; "" (or an empty
        /// list) only where the property can be cleared. Null passes (unchanged). Throws <see cref="KustoValidationException"/>.
        /// </summary>
        public object? Normalize(object? value, string kind)
        {
            if (value == null)
            {
                return null;
            }

            if (IsUnset(value))
            {
                if (Required || !Clearable)
                {
                    throw new KustoValidationException(
                        Required ? "Missing" + Name : "PropertyCannotBeCleared",
                        Required
                            ? "A " + kind + " data connection needs " + Name + "; it cannot be cleared."
                            : Name + " cannot be cleared; give a value or leave it out to keep the current one.",
                        Name);
                }

                return value;
            }

            if (value is string text)
            {
                var parsedKind = (DataConnectionKind)Enum.Parse(typeof(DataConnectionKind), kind, ignoreCase: true);
                switch (Name)
                {
                    case "IotHubResourceId":
                        return KustoRules.ParseIotHubResourceId(text).ResourceId;
                    case "EventHubResourceId":
                        return KustoRules.ParseEventHubResourceId(text);
                    case "StorageAccountResourceId":
                        return KustoRules.ParseStorageAccountResourceId(text);
                    case "EventGridResourceId":
                        return KustoRules.ParseEventGridResourceId(text);
                    case "CosmosDbAccountResourceId":
                        return KustoRules.ParseCosmosDbAccountResourceId(text);
                    case "ManagedIdentityResourceId":
                        return KustoRules.ParseManagedIdentityResourceId(text);
                    case "DataFormat":
                        return KustoRules.NormalizeDataFormat(text, parsedKind);
                    case "Compression":
                        return KustoRules.NormalizeCompression(text);
                    case "BlobStorageEventType":
                        return KustoRules.NormalizeBlobStorageEventType(text);
                    case "DatabaseRouting":
                        return KustoRules.NormalizeDatabaseRouting(text);
                    case "TableName":
                        KustoRules.ValidateTableName(text);
                        return text;
                    case "MappingRuleName":
                        KustoRules.ValidateMappingRuleName(text);
                        return text;
                    case "ConsumerGroup":
                        KustoRules.ValidateConsumerGroup(text);
                        return text;
                    case "SharedAccessPolicyName":
                        KustoRules.ValidateSharedAccessPolicyName(text);
                        return text;
                    case "CosmosDbDatabase":
                        KustoRules.ValidateCosmosDbDatabase(text);
                        return text;
                    case "CosmosDbContainer":
                        KustoRules.ValidateCosmosDbContainer(text);
                        return text;
                    default:
                        if (string.IsNullOrWhiteSpace(text))
                        {
                            throw new KustoValidationException("Invalid" + Name, Name + " cannot be blank.", Name);
                        }

                        return text;
                }
            }

            if (value is IEnumerable<string> names && Type == DataConnectionPropertyType.StringList)
            {
                foreach (var name in names)
                {
                    KustoRules.ValidateEventSystemProperty(name, Name);
                }
            }

            return value;
        }

        /// <summary>The value as a person reads it (lists comma-separated, dates ISO 8601 UTC); null when unset.</summary>
        public static string? Display(object? value)
        {
            switch (value)
            {
                case null:
                    return null;
                case string text:
                    return text;
                case IEnumerable<string> list:
                    return "[" + string.Join(", ", list) + "]";
                case DateTimeOffset date:
                    return date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
                case bool flag:
                    return flag ? "true" : "false";
                default:
                    return Convert.ToString(value, CultureInfo.InvariantCulture);
            }
        }

        /// <summary>True for null, "" and an empty list.</summary>
        public static bool IsUnset(object? value) =>
            value == null || (value is string text && text.Length == 0) || (value is IEnumerable<string> list && !(value is string) && !list.Any());

        /// <inheritdoc />
        public override string ToString() => Name;
    }

    /// <summary>The settable properties of each modelled kind (api-version 2024-04-13).</summary>
    public static class DataConnectionProperties
    {
        private static readonly Dictionary<string, DataConnectionProperty[]> ByKind = new Dictionary<string, DataConnectionProperty[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["IotHub"] = new[]
            {
                Str<IotHubDataConnection>("IotHubResourceId", "iotHubResourceId", c => c.IotHubResourceId, (c, v) => c.IotHubResourceId = v, required: true),
                Str<IotHubDataConnection>("ConsumerGroup", "consumerGroup", c => c.ConsumerGroup, (c, v) => c.ConsumerGroup = v, required: true),
                Str<IotHubDataConnection>("SharedAccessPolicyName", "sharedAccessPolicyName", c => c.SharedAccessPolicyName, (c, v) => c.SharedAccessPolicyName = v, required: true),
                Str<IotHubDataConnection>("TableName", "tableName", c => c.TableName, (c, v) => c.TableName = v, clearable: true),
                Str<IotHubDataConnection>("MappingRuleName", "mappingRuleName", c => c.MappingRuleName, (c, v) => c.MappingRuleName = v, clearable: true),
                Str<IotHubDataConnection>("DataFormat", "dataFormat", c => c.DataFormat, (c, v) => c.DataFormat = v, clearable: true),
                List<IotHubDataConnection>("EventSystemProperties", "eventSystemProperties", c => c.EventSystemProperties, (c, v) => c.EventSystemProperties = v),
                Str<IotHubDataConnection>("DatabaseRouting", "databaseRouting", c => c.DatabaseRouting, (c, v) => c.DatabaseRouting = v),
                Date<IotHubDataConnection>("RetrievalStartDate", "retrievalStartDate", c => c.RetrievalStartDate, (c, v) => c.RetrievalStartDate = v),
            },
            ["EventHub"] = new[]
            {
                Str<EventHubDataConnection>("EventHubResourceId", "eventHubResourceId", c => c.EventHubResourceId, (c, v) => c.EventHubResourceId = v, required: true),
                Str<EventHubDataConnection>("ConsumerGroup", "consumerGroup", c => c.ConsumerGroup, (c, v) => c.ConsumerGroup = v, required: true),
                Str<EventHubDataConnection>("TableName", "tableName", c => c.TableName, (c, v) => c.TableName = v, clearable: true),
                Str<EventHubDataConnection>("MappingRuleName", "mappingRuleName", c => c.MappingRuleName, (c, v) => c.MappingRuleName = v, clearable: true),
                Str<EventHubDataConnection>("DataFormat", "dataFormat", c => c.DataFormat, (c, v) => c.DataFormat = v, clearable: true),
                List<EventHubDataConnection>("EventSystemProperties", "eventSystemProperties", c => c.EventSystemProperties, (c, v) => c.EventSystemProperties = v),
                Str<EventHubDataConnection>("Compression", "compression", c => c.Compression, (c, v) => c.Compression = v),
                Str<EventHubDataConnection>("ManagedIdentityResourceId", "managedIdentityResourceId", c => c.ManagedIdentityResourceId, (c, v) => c.ManagedIdentityResourceId = v),
                Str<EventHubDataConnection>("DatabaseRouting", "databaseRouting", c => c.DatabaseRouting, (c, v) => c.DatabaseRouting = v),
                Date<EventHubDataConnection>("RetrievalStartDate", "retrievalStartDate", c => c.RetrievalStartDate, (c, v) => c.RetrievalStartDate = v),
            },
            ["EventGrid"] = new[]
            {
                Str<EventGridDataConnection>("StorageAccountResourceId", "storageAccountResourceId", c => c.StorageAccountResourceId, (c, v) => c.StorageAccountResourceId = v, required: true),
                Str<EventGridDataConnection>("EventGridResourceId", "eventGridResourceId", c => c.EventGridResourceId, (c, v) => c.EventGridResourceId = v),
                Str<EventGridDataConnection>("EventHubResourceId", "eventHubResourceId", c => c.EventHubResourceId, (c, v) => c.EventHubResourceId = v, required: true),
                Str<EventGridDataConnection>("ConsumerGroup", "consumerGroup", c => c.ConsumerGroup, (c, v) => c.ConsumerGroup = v, required: true),
                Str<EventGridDataConnection>("TableName", "tableName", c => c.TableName, (c, v) => c.TableName = v, clearable: true),
                Str<EventGridDataConnection>("MappingRuleName", "mappingRuleName", c => c.MappingRuleName, (c, v) => c.MappingRuleName = v, clearable: true),
                Str<EventGridDataConnection>("DataFormat", "dataFormat", c => c.DataFormat, (c, v) => c.DataFormat = v, clearable: true),
                Bool<EventGridDataConnection>("IgnoreFirstRecord", "ignoreFirstRecord", c => c.IgnoreFirstRecord, (c, v) => c.IgnoreFirstRecord = v),
                Str<EventGridDataConnection>("BlobStorageEventType", "blobStorageEventType", c => c.BlobStorageEventType, (c, v) => c.BlobStorageEventType = v),
                Str<EventGridDataConnection>("ManagedIdentityResourceId", "managedIdentityResourceId", c => c.ManagedIdentityResourceId, (c, v) => c.ManagedIdentityResourceId = v),
                Str<EventGridDataConnection>("DatabaseRouting", "databaseRouting", c => c.DatabaseRouting, (c, v) => c.DatabaseRouting = v),
            },
            ["CosmosDb"] = new[]
            {
                Str<CosmosDbDataConnection>("CosmosDbAccountResourceId", "cosmosDbAccountResourceId", c => c.CosmosDbAccountResourceId, (c, v) => c.CosmosDbAccountResourceId = v, required: true),
                Str<CosmosDbDataConnection>("CosmosDbDatabase", "cosmosDbDatabase", c => c.CosmosDbDatabase, (c, v) => c.CosmosDbDatabase = v, required: true),
                Str<CosmosDbDataConnection>("CosmosDbContainer", "cosmosDbContainer", c => c.CosmosDbContainer, (c, v) => c.CosmosDbContainer = v, required: true),
                Str<CosmosDbDataConnection>("TableName", "tableName", c => c.TableName, (c, v) => c.TableName = v, required: true),
                Str<CosmosDbDataConnection>("MappingRuleName", "mappingRuleName", c => c.MappingRuleName, (c, v) => c.MappingRuleName = v, clearable: true),
                Str<CosmosDbDataConnection>("ManagedIdentityResourceId", "managedIdentityResourceId", c => c.ManagedIdentityResourceId, (c, v) => c.ManagedIdentityResourceId = v, required: true),
                Date<CosmosDbDataConnection>("RetrievalStartDate", "retrievalStartDate", c => c.RetrievalStartDate, (c, v) => c.RetrievalStartDate = v),
            },
        };

        /// <summary>The modelled kinds, in their service spelling.</summary>
        public static IReadOnlyList<string> Kinds { get; } = Array.AsReadOnly(new[] { "IotHub", "EventHub", "EventGrid", "CosmosDb" });

        /// <summary>The settable properties of <paramref name="kind"/> (case-insensitive); empty for a kind not modelled.</summary>
        public static IReadOnlyList<DataConnectionProperty> Of(string? kind) =>
            kind != null && ByKind.TryGetValue(kind, out var properties) ? properties : Array.Empty<DataConnectionProperty>();

        /// <summary>The kind in its service spelling ("iothub" -> "IotHub"), or null when it is not a modelled kind.</summary>
        public static string? CanonicalKind(string? kind) => Kinds.FirstOrDefault(k => string.Equals(k, kind?.Trim(), StringComparison.OrdinalIgnoreCase));

        /// <summary>A new, empty model of <paramref name="kind"/> (every property null, lists included); null for a kind not modelled.</summary>
        public static DataConnection? NewModel(string? kind)
        {
            DataConnection? model = CanonicalKind(kind) switch
            {
                "IotHub" => new IotHubDataConnection(),
                "EventHub" => new EventHubDataConnection(),
                "EventGrid" => new EventGridDataConnection(),
                "CosmosDb" => new CosmosDbDataConnection(),
                _ => null,
            };
            if (model != null)
            {
                foreach (var property in Of(model.Kind).Where(p => p.Type == DataConnectionPropertyType.StringList))
                {
                    property.SetValue(model, null);
                }
            }

            return model;
        }

        private static DataConnectionProperty Str<T>(string name, string json, Func<T, string?> get, Action<T, string?> set, bool required = false, bool clearable = false)
            where T : DataConnection =>
            new DataConnectionProperty(name, json, DataConnectionPropertyType.String, required, clearable, c => get((T)c), (c, v) => set((T)c, (string?)v));

        private static DataConnectionProperty List<T>(string name, string json, Func<T, IList<string>?> get, Action<T, IList<string>?> set)
            where T : DataConnection =>
            new DataConnectionProperty(name, json, DataConnectionPropertyType.StringList, false, true, c => get((T)c), (c, v) => set((T)c, (IList<string>?)v));

        private static DataConnectionProperty Bool<T>(string name, string json, Func<T, bool?> get, Action<T, bool?> set)
            where T : DataConnection =>
            new DataConnectionProperty(name, json, DataConnectionPropertyType.Boolean, false, false, c => get((T)c), (c, v) => set((T)c, (bool?)v));

        private static DataConnectionProperty Date<T>(string name, string json, Func<T, DateTimeOffset?> get, Action<T, DateTimeOffset?> set)
            where T : DataConnection =>
            new DataConnectionProperty(name, json, DataConnectionPropertyType.DateTime, false, false, c => get((T)c), (c, v) => set((T)c, (DateTimeOffset?)v));
    }
}
