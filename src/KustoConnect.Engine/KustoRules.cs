using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace KustoConnect.Engine
{
    /// <summary>The data connection kinds of Microsoft.Kusto.</summary>
    public enum DataConnectionKind
    {
        /// <summary>Event Hub (kind "EventHub").</summary>
        EventHub,

        /// <summary>IoT Hub (kind "IotHub").</summary>
        IotHub,

        /// <summary>Event Grid over blob storage (kind "EventGrid").</summary>
        EventGrid,

        /// <summary>Cosmos DB (kind "CosmosDb").</summary>
        CosmosDb,
    }

    /// <summary>
    /// Client-side rules, checked before any request is sent. Each failure throws a <see cref="KustoValidationException"/>
    /// with its own <see cref="KustoException.ErrorId"/>.
    /// </summary>
    public static class KustoRules
    {
        private const int MaxShown = 100;

        private static readonly string[] DataFormatList =
        {
            "MULTIJSON", "JSON", "CSV", "TSV", "SCSV", "SOHSV", "PSV", "TXT", "RAW", "SINGLEJSON", "AVRO", "TSVE", "PARQUET",
            "ORC", "APACHEAVRO", "W3CLOGFILE",
        };

        private static readonly string[] IotHubPropertyList =
        {
            "message-id", "sequence-number", "to", "absolute-expiry-time", "iothub-enqueuedtime", "correlation-id", "user-id",
            "iothub-ack", "iothub-connection-device-id", "iothub-connection-auth-generation-id", "iothub-connection-auth-method",
            "iothub-connection-module-id", "iothub-creation-time-utc", "dt-dataschema", "dt-subject",
        };

        private static readonly string[] EventHubPropertyList =
        {
            "x-opt-enqueued-time", "x-opt-sequence-number", "x-opt-offset", "x-opt-publisher", "x-opt-partition-key",
        };

        private static readonly string[] CompressionList = { "None", "GZip" };

        private static readonly string[] BlobStorageEventTypeList = { "Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobRenamed" };

        private static readonly string[] DatabaseRoutingList = { "Single", "Multi" };

        /// <summary>Every data format accepted by Microsoft.Kusto, in canonical (upper-case) spelling.</summary>
        public static IReadOnlyList<string> DataFormats { get; } = Array.AsReadOnly(DataFormatList);

        /// <summary>The compressions of an Event Hub connection, in the service's spelling.</summary>
        public static IReadOnlyList<string> Compressions { get; } = Array.AsReadOnly(CompressionList);

        /// <summary>The blob events an Event Grid connection ingests on, in the service's spelling.</summary>
        public static IReadOnlyList<string> BlobStorageEventTypes { get; } = Array.AsReadOnly(BlobStorageEventTypeList);

        /// <summary>The database routings (Single, Multi).</summary>
        public static IReadOnlyList<string> DatabaseRoutings { get; } = Array.AsReadOnly(DatabaseRoutingList);

        /// <summary>The data formats a connection of <paramref name="kind"/> accepts (every one but RAW for IoT Hub).</summary>
        public static IReadOnlyList<string> DataFormatsOf(DataConnectionKind kind) =>
            kind == DataConnectionKind.IotHub ? Array.AsReadOnly(DataFormatList.Where(f => f != "RAW").ToArray()) : DataFormats;

        /// <summary>The IoT Hub event system properties documented by Azure Data Explorer.</summary>
        public static IReadOnlyList<string> IotHubEventSystemProperties { get; } = Array.AsReadOnly(IotHubPropertyList);

        /// <summary>The Event Hub event system properties documented by Azure Data Explorer.</summary>
        public static IReadOnlyList<string> EventHubEventSystemProperties { get; } = Array.AsReadOnly(EventHubPropertyList);

        /// <summary>The data connection name rule (<see cref="NameRules.DataConnection"/>).</summary>
        public static void ValidateDataConnectionName(string? name, string parameterName = "Name") =>
            Check(NameRules.DataConnection, name, "InvalidDataConnectionName", parameterName);

        /// <summary>The cluster name rule (<see cref="NameRules.Cluster"/>); a name given as a parameter must be lower case.</summary>
        public static void ValidateClusterName(string? name, string parameterName = "ClusterName")
        {
            Check(NameRules.Cluster, name, "InvalidClusterName", parameterName);
            if (!string.Equals(name, name!.ToLowerInvariant(), StringComparison.Ordinal))
            {
                throw Invalid("InvalidClusterName", "The cluster name {0} is not valid: use " + NameRules.Cluster.Requirement + ".", name, parameterName);
            }
        }

        /// <summary>The database name rule (<see cref="NameRules.Database"/>).</summary>
        public static void ValidateDatabaseName(string? name, string parameterName = "DatabaseName") =>
            Check(NameRules.Database, name, "InvalidDatabaseName", parameterName);

        /// <summary>ARM's rules: 1-90 letters, digits, '_', '-', '.', '(' and ')', not ending in '.'.</summary>
        public static void ValidateResourceGroupName(string? name, string parameterName = "ResourceGroupName") =>
            Check(NameRules.ResourceGroup, name, "InvalidResourceGroupName", parameterName);

        /// <summary>A GUID such as 00000000-0000-0000-0000-000000000000.</summary>
        public static void ValidateSubscriptionId(string? id, string parameterName = "SubscriptionId")
        {
            Check(NameRules.SubscriptionId, id, "InvalidSubscriptionId", parameterName);
            if (!Guid.TryParseExact(id, "D", out _))
            {
                throw Invalid("InvalidSubscriptionId", "The subscription id {0} is not valid: use " + NameRules.SubscriptionId.Requirement + ".", id, parameterName);
            }
        }

        /// <summary>A table name (Kusto entity-name rules, <see cref="NameRules.EntityName"/>).</summary>
        public static void ValidateTableName(string? name, string parameterName = "TableName") =>
            Check(NameRules.EntityName, name, "InvalidTableName", parameterName, "table");

        /// <summary>An ingestion mapping name (Kusto entity-name rules, <see cref="NameRules.EntityName"/>).</summary>
        public static void ValidateMappingRuleName(string? name, string parameterName = "MappingRuleName") =>
            Check(NameRules.EntityName, name, "InvalidMappingRuleName", parameterName, "mapping");

        /// <summary>A consumer group ("$Default" or <see cref="NameRules.ConsumerGroup"/>).</summary>
        public static void ValidateConsumerGroup(string? name, string parameterName = "ConsumerGroup") =>
            Check(NameRules.ConsumerGroup, name, "InvalidConsumerGroup", parameterName);

        /// <summary>An IoT hub shared access policy name (<see cref="NameRules.SharedAccessPolicy"/>).</summary>
        public static void ValidateSharedAccessPolicyName(string? name, string parameterName = "SharedAccessPolicyName") =>
            Check(NameRules.SharedAccessPolicy, name, "InvalidSharedAccessPolicyName", parameterName);

        /// <summary>An Azure region (<see cref="NameRules.Location"/>).</summary>
        public static void ValidateLocation(string? name, string parameterName = "Location") =>
            Check(NameRules.Location, name, "InvalidLocation", parameterName);

        /// <summary>A Cosmos DB database id (<see cref="NameRules.CosmosDbEntity"/>).</summary>
        public static void ValidateCosmosDbDatabase(string? name, string parameterName = "CosmosDbDatabase") =>
            Check(NameRules.CosmosDbEntity, name, "InvalidCosmosDbDatabase", parameterName, "Cosmos DB database");

        /// <summary>A Cosmos DB container id (<see cref="NameRules.CosmosDbEntity"/>).</summary>
        public static void ValidateCosmosDbContainer(string? name, string parameterName = "CosmosDbContainer") =>
            Check(NameRules.CosmosDbEntity, name, "InvalidCosmosDbContainer", parameterName, "Cosmos DB container");

        /// <summary>An event system property name (<see cref="NameRules.EventSystemProperty"/>).</summary>
        public static void ValidateEventSystemProperty(string? name, string parameterName = "EventSystemProperty") =>
            Check(NameRules.EventSystemProperty, name, "InvalidEventSystemProperty", parameterName);

        /// <summary>
        /// Checks every value of a definition that is set (unset ones are left to the required-property checks): the
        /// location, and each property of the kind by its rule in the kind's description
        /// (<see cref="DataConnectionKindDescription"/>: names, resource ids, data format, enumerations, each event system
        /// property). Run before any request of a create, update or validation. A kind the engine does not model is sent as
        /// it is.
        /// </summary>
        public static void ValidateDefinition(DataConnection connection)
        {
            if (connection == null)
            {
                throw new ArgumentNullException(nameof(connection));
            }

            if (!string.IsNullOrEmpty(connection.Location))
            {
                ValidateLocation(connection.Location);
            }

            foreach (var property in DataConnectionKinds.Of(connection)?.Properties ?? Array.Empty<DataConnectionProperty>())
            {
                property.Check(connection);
            }
        }

        /// <summary>
        /// An operation status URL as given (before <see cref="Uri"/> could collapse anything): absolute https or http, its
        /// path made of safe segments (no empty or dot segment, raw or percent-encoded, no encoded separator or control
        /// character) and an ARM operation-status path (.../operationResults/{id} or .../operationStatuses/{id}). Raw spaces
        /// are allowed (the service sends "locations/Central US/..."). Whether it is on the session's endpoint is checked
        /// when waiting.
        /// </summary>
        public static void ValidateOperationUrl(string url, string parameterName = "OperationUrl")
        {
            string? problem = null;
            var text = url?.Trim() ?? string.Empty;
            var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
            if (text.Length > 8192)
            {
                problem = "it is longer than 8192 characters";
            }
            else if (schemeEnd <= 0 || !(text.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
            {
                problem = "it is not an absolute http(s) URL";
            }
            else
            {
                var pathStart = text.IndexOf('/', schemeEnd + 3);
                var queryStart = text.IndexOfAny(new[] { '?', '#' }, schemeEnd + 3);
                if (pathStart < 0 || (queryStart >= 0 && queryStart < pathStart))
                {
                    problem = "it has no path";
                }
                else
                {
                    var path = queryStart < 0 ? text.Substring(pathStart) : text.Substring(pathStart, queryStart - pathStart);
                    problem = Internal.RequestPathGuardPolicy.CheckPath(path.Replace(" ", "%20"), out var decoded);
                    var segments = decoded.Split('/');
                    if (problem == null && (segments.Length < 3
                        || !(string.Equals(segments[segments.Length - 2], "operationResults", StringComparison.OrdinalIgnoreCase)
                            || string.Equals(segments[segments.Length - 2], "operationStatuses", StringComparison.OrdinalIgnoreCase))))
                    {
                        problem = "it is not an ARM operation status URL (.../operationResults/{id} or .../operationStatuses/{id})";
                    }
                }
            }

            if (problem != null)
            {
                throw new KustoValidationException("InvalidOperationUrl", "The operation URL " + Show(url) + " is not valid: " + problem + ".", parameterName);
            }
        }

        /// <summary>
        /// How a user's value appears in a message: quoted, control characters escaped (so a CR/LF cannot forge lines), at
        /// most 100 characters of it, with its length when it was cut.
        /// </summary>
        public static string Show(string? value)
        {
            if (value == null)
            {
                return "(null)";
            }

            return "'" + Clip(value) + "'" + (value.Length > MaxShown ? " (" + value.Length.ToString(CultureInfo.InvariantCulture) + " characters)" : string.Empty);
        }

        /// <summary>At most 100 characters of a value, control and format characters escaped as \uXXXX.</summary>
        public static string Clip(string value)
        {
            if (value == null)
            {
                return string.Empty;
            }

            var builder = new System.Text.StringBuilder();
            var length = Math.Min(value.Length, MaxShown);
            for (var i = 0; i < length; i++)
            {
                var c = value[i];
                var category = CharUnicodeInfo.GetUnicodeCategory(c);
                if (category == UnicodeCategory.Control || category == UnicodeCategory.Format || category == UnicodeCategory.LineSeparator
                    || category == UnicodeCategory.ParagraphSeparator || category == UnicodeCategory.Surrogate)
                {
                    builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(c);
                }
            }

            if (value.Length > MaxShown)
            {
                builder.Append('\u2026');
            }

            return builder.ToString();
        }

        private static void Check(NameRule rule, string? value, string errorId, string parameterName, string? what = null)
        {
            var problem = rule.Check(value);
            if (problem != null)
            {
                throw new KustoValidationException(
                    errorId,
                    string.Format(CultureInfo.InvariantCulture, "The {0} name {1} {2}.", what ?? rule.What, Show(value), problem),
                    parameterName);
            }
        }

        /// <summary>Case-insensitive; returns the canonical upper-case spelling ("csv" -> "CSV").</summary>
        public static string NormalizeDataFormat(string value, DataConnectionKind kind)
        {
            var canonical = value == null
                ? null
                : DataFormatList.FirstOrDefault(f => string.Equals(f, value.Trim(), StringComparison.OrdinalIgnoreCase));
            if (canonical == null)
            {
                throw new KustoValidationException(
                    "InvalidDataFormat",
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "The data format {0} is not valid. Valid formats: {1}.",
                        Show(value),
                        string.Join(", ", kind == DataConnectionKind.IotHub ? DataFormatList.Where(f => f != "RAW") : DataFormatList)),
                    "DataFormat");
            }

            if (kind == DataConnectionKind.IotHub && canonical == "RAW")
            {
                throw new KustoValidationException(
                    "DataFormatNotSupportedForIotHub",
                    "The data format RAW is not supported for IoT Hub data connections: IoT Hub messages are ingested record by "
                    + "record, so choose a record format such as JSON, MULTIJSON, CSV or AVRO.",
                    "DataFormat");
            }

            return canonical;
        }

        /// <summary>
        /// Parses a managed identity resource id into its typed identity: a user-assigned identity
        /// (Microsoft.ManagedIdentity/userAssignedIdentities) or a cluster (Microsoft.Kusto/clusters, for its system-assigned
        /// identity), in canonical casing. The other resource ids have one kind each: <see cref="ResourceIds.Parse"/>.
        /// </summary>
        public static ResourceIdentity ParseManagedIdentity(string? id, string parameterName = "ManagedIdentityResourceId")
        {
            if (ResourceIds.TryParse(id, ResourceIds.UserAssignedIdentity, out var identity, out var asIdentity))
            {
                return identity!;
            }

            if (ResourceIds.TryParse(id, ResourceIds.Cluster, out var cluster, out _))
            {
                return cluster!;
            }

            throw new KustoValidationException(
                "InvalidManagedIdentityResourceId",
                Show(id) + " is not a managed identity resource id: " + asIdentity + ". Expected a user-assigned identity (/subscriptions/{subscriptionId}/resourceGroups/"
                + "{resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}) or the cluster's id for its system identity.",
                parameterName);
        }

        /// <summary>"None" or "GZip" (case-insensitive); returns the service's spelling.</summary>
        public static string NormalizeCompression(string value) =>
            Canonical(value, CompressionList, "InvalidCompression", "compression", "Compression");

        /// <summary>"Microsoft.Storage.BlobCreated" or "Microsoft.Storage.BlobRenamed" (case-insensitive).</summary>
        public static string NormalizeBlobStorageEventType(string value) =>
            Canonical(value, BlobStorageEventTypeList, "InvalidBlobStorageEventType", "blob storage event type", "BlobStorageEventType");

        /// <summary>"Single" or "Multi" (case-insensitive).</summary>
        public static string NormalizeDatabaseRouting(string value) =>
            Canonical(value, DatabaseRoutingList, "InvalidDatabaseRouting", "database routing", "DatabaseRouting");

        /// <summary>True when the name is one of the documented event system properties of the kind (case-insensitive).</summary>
        public static bool IsKnownEventSystemProperty(string name, DataConnectionKind kind)
        {
            if (string.IsNullOrEmpty(name))
            {
                return false;
            }

            IEnumerable<string> known = kind switch
            {
                DataConnectionKind.IotHub => IotHubPropertyList,
                DataConnectionKind.EventHub => EventHubPropertyList,
                _ => Array.Empty<string>(),
            };
            return known.Contains(name, StringComparer.OrdinalIgnoreCase);
        }

        private static string Canonical(string value, string[] allowed, string errorId, string what, string parameterName)
        {
            var canonical = value == null ? null : allowed.FirstOrDefault(a => string.Equals(a, value.Trim(), StringComparison.OrdinalIgnoreCase));
            if (canonical == null)
            {
                throw new KustoValidationException(
                    errorId,
                    string.Format(CultureInfo.InvariantCulture, "The {0} {1} is not valid. Valid values: {2}.", what, Show(value), string.Join(", ", allowed)),
                    parameterName);
            }

            return canonical;
        }

        private static KustoValidationException Invalid(string errorId, string format, string? value, string parameterName) =>
            new KustoValidationException(errorId, string.Format(CultureInfo.InvariantCulture, format, Show(value)), parameterName);
    }
}
