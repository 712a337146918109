using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Azure.Core;

namespace KustoConnect.Engine
{
    /// <summary>The data connection kinds of Microsoft.Kusto.</summary>
    public enum DataConnectionKind
    {
        EventHub,
        IotHub,
        EventGrid,
        CosmosDb,
    }

    /// <summary>
    /// Client-side rules, checked before any request is sent. Each failure throws a <see cref="KustoValidationException"/>
    /// with its own <see cref="KustoException.ErrorId"/>.
    /// </summary>
    public static class KustoRules
    {
        private static readonly Regex DataConnectionNamePattern = new Regex("^[A-Za-z0-9 .-]{1,40}$", RegexOptions.CultureInvariant);
        private static readonly Regex ClusterNamePattern = new Regex("^[a-z][a-z0-9]{3,21}$", RegexOptions.CultureInvariant);
        private static readonly Regex ResourceGroupNamePattern = new Regex(@"^[-\p{L}\p{Nd}_.()]{1,90}$", RegexOptions.CultureInvariant);

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

        /// <summary>Every data format accepted by Microsoft.Kusto, in canonical (upper-case) spelling.</summary>
        public static IReadOnlyList<string> DataFormats { get; } = Array.AsReadOnly(DataFormatList);

        /// <summary>The IoT Hub event system properties documented by Azure Data Explorer.</summary>
        public static IReadOnlyList<string> IotHubEventSystemProperties { get; } = Array.AsReadOnly(IotHubPropertyList);

        /// <summary>The Event Hub event system properties documented by Azure Data Explorer.</summary>
        public static IReadOnlyList<string> EventHubEventSystemProperties { get; } = Array.AsReadOnly(EventHubPropertyList);

        /// <summary>1-40 characters: letters, digits, space, '.' and '-'.</summary>
        public static void ValidateDataConnectionName(string name)
        {
            if (name == null || !DataConnectionNamePattern.IsMatch(name))
            {
                throw Invalid(
                    "InvalidDataConnectionName",
                    "The data connection name '{0}' is not valid: use 1 to 40 characters, letters, digits, spaces, '.' and '-'.",
                    name,
                    "Name");
            }
        }

        /// <summary>4-22 lowercase letters and digits, starting with a letter.</summary>
        public static void ValidateClusterName(string name)
        {
            if (name == null || !ClusterNamePattern.IsMatch(name))
            {
                throw Invalid(
                    "InvalidClusterName",
                    "The cluster name '{0}' is not valid: use 4 to 22 lowercase letters and digits, starting with a letter.",
                    name,
                    "ClusterName");
            }
        }

        /// <summary>1-260 characters, not blank.</summary>
        public static void ValidateDatabaseName(string name)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > 260)
            {
                throw Invalid("InvalidDatabaseName", "The database name '{0}' is not valid: use 1 to 260 characters.", name, "DatabaseName");
            }
        }

        /// <summary>ARM's rules: 1-90 letters, digits, '_', '-', '.', '(' and ')', not ending in '.'.</summary>
        public static void ValidateResourceGroupName(string name)
        {
            if (name == null || !ResourceGroupNamePattern.IsMatch(name) || name.EndsWith(".", StringComparison.Ordinal))
            {
                throw Invalid(
                    "InvalidResourceGroupName",
                    "The resource group name '{0}' is not valid: use 1 to 90 letters, digits, '_', '-', '.', '(' and ')', not ending in '.'.",
                    name,
                    "ResourceGroupName");
            }
        }

        /// <summary>A GUID such as 00000000-0000-0000-0000-000000000000.</summary>
        public static void ValidateSubscriptionId(string id)
        {
            if (id == null || !Guid.TryParseExact(id, "D", out _))
            {
                throw Invalid(
                    "InvalidSubscriptionId",
                    "The subscription id '{0}' is not valid: it must be a GUID such as 00000000-0000-0000-0000-000000000000.",
                    id,
                    "SubscriptionId");
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
                        "The data format '{0}' is not valid. Valid formats: {1}.",
                        value,
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
        /// Parses an IoT hub resource id (any casing of its segments) and returns its canonical parts.
        /// </summary>
        public static ResourceIdParts ParseIotHubResourceId(string id)
        {
            if (!string.IsNullOrWhiteSpace(id) && ResourceIdentifier.TryParse(id.Trim(), out var parsed) && parsed is not null)
            {
                var type = parsed.ResourceType;
                if (string.Equals(type.Namespace, "Microsoft.Devices", StringComparison.OrdinalIgnoreCase)
                    && string.Equals(type.Type, "IotHubs", StringComparison.OrdinalIgnoreCase)
                    && parsed.SubscriptionId != null
                    && parsed.ResourceGroupName != null
                    && Guid.TryParseExact(parsed.SubscriptionId, "D", out _))
                {
                    return new ResourceIdParts(parsed.SubscriptionId, parsed.ResourceGroupName, "Microsoft.Devices", "IotHubs", parsed.Name);
                }
            }

            throw Invalid(
                "InvalidIotHubResourceId",
                "'{0}' is not an IoT hub resource id. Expected /subscriptions/{{subscriptionId}}/resourceGroups/{{resourceGroup}}/providers/Microsoft.Devices/IotHubs/{{hubName}}.",
                id,
                "IotHubResourceId");
        }

        /// <summary>Parses an event hub resource id (Microsoft.EventHub/namespaces/{ns}/eventhubs/{hub}); returns it in canonical casing.</summary>
        public static string ParseEventHubResourceId(string id, string parameterName = "EventHubResourceId") =>
            ParseTyped(id, "Microsoft.EventHub", new[] { "namespaces", "eventhubs" }, "InvalidEventHubResourceId", "an event hub", parameterName);

        /// <summary>Parses a storage account resource id (Microsoft.Storage/storageAccounts/{name}); returns it in canonical casing.</summary>
        public static string ParseStorageAccountResourceId(string id) =>
            ParseTyped(id, "Microsoft.Storage", new[] { "storageAccounts" }, "InvalidStorageAccountResourceId", "a storage account", "StorageAccountResourceId");

        /// <summary>Parses a Cosmos DB account resource id (Microsoft.DocumentDB/databaseAccounts/{name}); returns it in canonical casing.</summary>
        public static string ParseCosmosDbAccountResourceId(string id) =>
            ParseTyped(id, "Microsoft.DocumentDB", new[] { "databaseAccounts" }, "InvalidCosmosDbAccountResourceId", "a Cosmos DB account", "CosmosDbAccountResourceId");

        /// <summary>
        /// Checks an Event Grid subscription resource id (an extension resource: {scope}/providers/Microsoft.EventGrid/eventSubscriptions/{name}).
        /// Returns it trimmed.
        /// </summary>
        public static string ParseEventGridResourceId(string id)
        {
            if (TryParse(id, out var parsed)
                && string.Equals(parsed.ResourceType.Namespace, "Microsoft.EventGrid", StringComparison.OrdinalIgnoreCase)
                && string.Equals(parsed.ResourceType.Type, "eventSubscriptions", StringComparison.OrdinalIgnoreCase))
            {
                return id.Trim();
            }

            throw Invalid(
                "InvalidEventGridResourceId",
                "'{0}' is not an Event Grid subscription resource id. Expected {{scope}}/providers/Microsoft.EventGrid/eventSubscriptions/{{name}}, "
                + "e.g. on the storage account.",
                id,
                "EventGridResourceId");
        }

        /// <summary>
        /// Checks a managed identity resource id: a user-assigned identity (Microsoft.ManagedIdentity/userAssignedIdentities) or a
        /// cluster (Microsoft.Kusto/clusters, for its system-assigned identity). Returns it trimmed.
        /// </summary>
        public static string ParseManagedIdentityResourceId(string id, string parameterName = "ManagedIdentityResourceId")
        {
            if (TryParse(id, out var parsed)
                && ((string.Equals(parsed.ResourceType.Namespace, "Microsoft.ManagedIdentity", StringComparison.OrdinalIgnoreCase)
                        && string.Equals(parsed.ResourceType.Type, "userAssignedIdentities", StringComparison.OrdinalIgnoreCase))
                    || (string.Equals(parsed.ResourceType.Namespace, "Microsoft.Kusto", StringComparison.OrdinalIgnoreCase)
                        && string.Equals(parsed.ResourceType.Type, "clusters", StringComparison.OrdinalIgnoreCase))))
            {
                return id.Trim();
            }

            throw Invalid(
                "InvalidManagedIdentityResourceId",
                "'{0}' is not a managed identity resource id. Expected a user-assigned identity (/subscriptions/{{subscriptionId}}/resourceGroups/"
                + "{{resourceGroup}}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{{name}}) or the cluster's id for its system identity.",
                id,
                parameterName);
        }

        /// <summary>"None" or "GZip" (case-insensitive); returns the service's spelling.</summary>
        public static string NormalizeCompression(string value) =>
            Canonical(value, new[] { "None", "GZip" }, "InvalidCompression", "compression", "Compression");

        /// <summary>"Microsoft.Storage.BlobCreated" or "Microsoft.Storage.BlobRenamed" (case-insensitive).</summary>
        public static string NormalizeBlobStorageEventType(string value) =>
            Canonical(value, new[] { "Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobRenamed" }, "InvalidBlobStorageEventType", "blob storage event type", "BlobStorageEventType");

        /// <summary>"Single" or "Multi" (case-insensitive).</summary>
        public static string NormalizeDatabaseRouting(string value) =>
            Canonical(value, new[] { "Single", "Multi" }, "InvalidDatabaseRouting", "database routing", "DatabaseRouting");

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

        private static bool TryParse(string id, out ResourceIdentifier parsed)
        {
            parsed = null!;
            if (string.IsNullOrWhiteSpace(id) || !ResourceIdentifier.TryParse(id.Trim(), out var result) || result is null)
            {
                return false;
            }

            parsed = result;
            return result.SubscriptionId != null && Guid.TryParseExact(result.SubscriptionId, "D", out _) && result.ResourceGroupName != null;
        }

        /// <summary>A resource id of the given provider and (possibly nested) type, rebuilt in canonical casing.</summary>
        private static string ParseTyped(string id, string providerNamespace, string[] types, string errorId, string what, string parameterName)
        {
            if (TryParse(id, out var parsed)
                && string.Equals(parsed.ResourceType.Namespace, providerNamespace, StringComparison.OrdinalIgnoreCase)
                && string.Equals(parsed.ResourceType.Type, string.Join("/", types), StringComparison.OrdinalIgnoreCase))
            {
                var names = new List<string>();
                for (ResourceIdentifier? current = parsed; current is not null && names.Count < types.Length; current = current.Parent)
                {
                    names.Insert(0, current.Name);
                }

                var path = string.Concat(types.Select((t, i) => "/" + t + "/" + names[i]));
                return "/subscriptions/" + parsed.SubscriptionId + "/resourceGroups/" + parsed.ResourceGroupName + "/providers/" + providerNamespace + path;
            }

            var template = string.Concat(types.Select(t => "/" + t + "/{{name}}"));
            throw Invalid(
                errorId,
                "'{0}' is not " + what + " resource id. Expected /subscriptions/{{subscriptionId}}/resourceGroups/{{resourceGroup}}/providers/" + providerNamespace + template + ".",
                id,
                parameterName);
        }

        private static string Canonical(string value, string[] allowed, string errorId, string what, string parameterName)
        {
            var canonical = value == null ? null : allowed.FirstOrDefault(a => string.Equals(a, value.Trim(), StringComparison.OrdinalIgnoreCase));
            if (canonical == null)
            {
                throw new KustoValidationException(
                    errorId,
                    string.Format(CultureInfo.InvariantCulture, "The {0} '{1}' is not valid. Valid values: {2}.", what, value, string.Join(", ", allowed)),
                    parameterName);
            }

            return canonical;
        }

        private static KustoValidationException Invalid(string errorId, string format, string? value, string parameterName) =>
            new KustoValidationException(errorId, string.Format(CultureInfo.InvariantCulture, format, value ?? "(null)"), parameterName);
    }

    /// <summary>The canonical parts of an ARM resource id.</summary>
    public sealed class ResourceIdParts
    {
        public ResourceIdParts(string subscriptionId, string resourceGroupName, string providerNamespace, string resourceType, string name)
        {
            SubscriptionId = subscriptionId;
            ResourceGroupName = resourceGroupName;
            ProviderNamespace = providerNamespace;
            ResourceType = resourceType;
            Name = name;
            ResourceId = "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroupName + "/providers/" + providerNamespace + "/"
                + resourceType + "/" + name;
        }

        public string SubscriptionId { get; }

        public string ResourceGroupName { get; }

        /// <summary>e.g. "Microsoft.Devices".</summary>
        public string ProviderNamespace { get; }

        /// <summary>e.g. "IotHubs".</summary>
        public string ResourceType { get; }

        public string Name { get; }

        /// <summary>The id in canonical casing.</summary>
        public string ResourceId { get; }

        public override string ToString() => ResourceId;
    }
}
