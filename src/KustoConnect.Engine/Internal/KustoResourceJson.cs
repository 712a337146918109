using System.Collections.Generic;
using System.Text.Json;
using Azure.Core;

namespace KustoConnect.Engine.Internal
{
    /// <summary>Reads clusters and databases in ARM's wire shape (capitalised ids, "cluster/database" names, "" as unset).</summary>
    internal static class KustoResourceJson
    {
        internal static ClusterInfo ReadCluster(JsonElement resource)
        {
            var properties = Properties(resource);
            var cluster = new ClusterInfo
            {
                Id = DataConnectionJson.GetString(resource, "id"),
                Name = ShortName(DataConnectionJson.GetString(resource, "name")),
                Location = DataConnectionJson.GetString(resource, "location"),
                State = DataConnectionJson.GetString(properties, "state"),
                ProvisioningState = DataConnectionJson.GetString(properties, "provisioningState"),
                Uri = DataConnectionJson.GetString(properties, "uri"),
                DataIngestionUri = DataConnectionJson.GetString(properties, "dataIngestionUri"),
            };
            if (resource.TryGetProperty("sku", out var sku) && sku.ValueKind == JsonValueKind.Object)
            {
                cluster.SkuName = DataConnectionJson.GetString(sku, "name");
                cluster.SkuTier = DataConnectionJson.GetString(sku, "tier");
                cluster.SkuCapacity = sku.TryGetProperty("capacity", out var capacity) && capacity.ValueKind == JsonValueKind.Number && capacity.TryGetInt32(out var count)
                    ? count
                    : (int?)null;
            }

            if (TryParseId(cluster.Id, out var id))
            {
                cluster.Name = id.Name;
                cluster.SubscriptionId = id.SubscriptionId;
                cluster.ResourceGroupName = id.ResourceGroupName;
            }

            return cluster;
        }

        internal static DatabaseInfo ReadDatabase(JsonElement resource)
        {
            var properties = Properties(resource);
            var database = new DatabaseInfo
            {
                Id = DataConnectionJson.GetString(resource, "id"),
                Name = ShortName(DataConnectionJson.GetString(resource, "name")),
                Location = DataConnectionJson.GetString(resource, "location"),
                Kind = DataConnectionJson.GetString(resource, "kind"),
                ProvisioningState = DataConnectionJson.GetString(properties, "provisioningState"),
                SoftDeletePeriod = DataConnectionJson.GetString(properties, "softDeletePeriod"),
                HotCachePeriod = DataConnectionJson.GetString(properties, "hotCachePeriod"),
            };
            if (TryParseId(database.Id, out var id))
            {
                database.Name = id.Name;
                database.SubscriptionId = id.SubscriptionId;
                database.ResourceGroupName = id.ResourceGroupName;
                database.ClusterName = id.Parent?.Name;
            }

            return database;
        }

        /// <summary>The items of a list page ({"value":[...]} or a bare array) and its nextLink.</summary>
        internal static IReadOnlyList<JsonElement> Items(JsonDocument document, out string? nextLink)
        {
            var root = document.RootElement;
            var value = root.ValueKind == JsonValueKind.Array
                ? root
                : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("value", out var v) ? v : default;
            var items = new List<JsonElement>();
            if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object)
                    {
                        items.Add(item);
                    }
                }
            }

            nextLink = root.ValueKind == JsonValueKind.Object ? DataConnectionJson.GetString(root, "nextLink") : null;
            return items;
        }

        private static JsonElement Properties(JsonElement resource) =>
            resource.ValueKind == JsonValueKind.Object && resource.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
                ? properties
                : default;

        private static bool TryParseId(string? text, out ResourceIdentifier id)
        {
            id = null!;
            if (text != null && ResourceIdentifier.TryParse(text, out var parsed) && parsed is not null)
            {
                id = parsed;
                return true;
            }

            return false;
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
    }
}
