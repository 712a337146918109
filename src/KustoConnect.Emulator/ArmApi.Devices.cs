using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace KustoConnect.Emulator;

/// <summary>Microsoft.Devices: IoT hubs, their keys and the consumer groups of the built-in events endpoint.</summary>
internal sealed partial class ArmApi
{
    private const string ConsumerGroupCreated = "Thu, 01 Jan 2026 00:00:00 GMT";

    private Task RouteDevices(ArmRequest r, WorldResourceGroup rg, string[] rest)
    {
        var sub = r.Subscription;
        if (Matches(rest, "IotHubs"))
        {
            return HttpMethods.IsGet(r.Method) ? Http.Json(r.Http, 200, Http.List(rg.IotHubs.Select(h => IotHubJson(sub, rg, h)))) : MethodNotAllowed(r.Http);
        }

        if (rest.Length < 2 || !World.Same(rest[0], "IotHubs"))
        {
            return UnknownType(r);
        }

        var hub = World.ByName(rg.IotHubs, rest[1]);
        if (hub is null)
        {
            return NotFound(r, rg, $"Microsoft.Devices/IotHubs/{rest[1]}");
        }

        if (rest.Length == 2)
        {
            return HttpMethods.IsGet(r.Method) ? Http.Json(r.Http, 200, IotHubJson(sub, rg, hub)) : MethodNotAllowed(r.Http);
        }

        if (Matches(rest, "*", "*", "listkeys"))
        {
            return HttpMethods.IsPost(r.Method)
                ? Http.Json(r.Http, 200, Http.List(hub.SharedAccessPolicies.Select(KeyJson)))
                : MethodNotAllowed(r.Http);
        }

        if (Matches(rest, "*", "*", "IotHubKeys", "*", "listkeys"))
        {
            if (!HttpMethods.IsPost(r.Method))
            {
                return MethodNotAllowed(r.Http);
            }

            var policy = hub.SharedAccessPolicies.FirstOrDefault(p => World.Same(p.KeyName, rest[3]));
            return policy is null
                ? Http.Error(r.Http, 404, "KeyNameNotFound", $"The shared access policy '{rest[3]}' was not found in IoT hub '{hub.Name}'.")
                : Http.Json(r.Http, 200, KeyJson(policy));
        }

        if (rest.Length >= 5 && World.Same(rest[2], "eventHubEndpoints") && World.Same(rest[4], "ConsumerGroups"))
        {
            if (!World.Same(rest[3], "events"))
            {
                return Http.Error(r.Http, 404, "EventHubEndpointNotFound", $"The event hub endpoint '{rest[3]}' does not exist in IoT hub '{hub.Name}'. The only built-in endpoint is 'events'.");
            }

            return rest.Length switch
            {
                5 => HttpMethods.IsGet(r.Method)
                    ? Http.Json(r.Http, 200, Http.List(hub.ConsumerGroups.Select(cg => ConsumerGroupJson(sub, rg, hub, cg))))
                    : MethodNotAllowed(r.Http),
                6 => ConsumerGroupAsync(r, rg, hub, rest[5]),
                _ => UnknownType(r),
            };
        }

        return UnknownType(r);
    }

    private async Task ConsumerGroupAsync(ArmRequest r, WorldResourceGroup rg, WorldIotHub hub, string name)
    {
        var existing = hub.ConsumerGroups.FirstOrDefault(c => World.Same(c, name));
        switch (r.Method.ToUpperInvariant())
        {
            case "GET":
                await (existing is null
                    ? ConsumerGroupNotFound(r, hub, name)
                    : Http.Json(r.Http, 200, ConsumerGroupJson(r.Subscription, rg, hub, existing))).ConfigureAwait(false);
                return;
            case "PUT":
                if (existing is null)
                {
                    if (name.Length > 50 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '$')))
                    {
                        await Http.Error(r.Http, 400, "InvalidConsumerGroupName",
                            $"The consumer group name '{name}' is invalid: use up to 50 letters, digits, '.', '_' or '-'.").ConfigureAwait(false);
                        return;
                    }

                    hub.ConsumerGroups.Add(name);
                    store.SaveWorld();
                    existing = name;
                }

                await Http.Json(r.Http, 200, ConsumerGroupJson(r.Subscription, rg, hub, existing)).ConfigureAwait(false);
                return;
            case "DELETE":
                if (existing is null)
                {
                    await ConsumerGroupNotFound(r, hub, name).ConfigureAwait(false);
                    return;
                }

                if (World.Same(existing, "$Default"))
                {
                    await Http.Error(r.Http, 400, "CannotDeleteDefaultConsumerGroup", "The '$Default' consumer group cannot be deleted.").ConfigureAwait(false);
                    return;
                }

                hub.ConsumerGroups.Remove(existing);
                store.SaveWorld();
                await Http.Empty(r.Http, 200).ConfigureAwait(false);
                return;
            default:
                await MethodNotAllowed(r.Http).ConfigureAwait(false);
                return;
        }
    }

    private static Task ConsumerGroupNotFound(ArmRequest r, WorldIotHub hub, string name) =>
        Http.Error(r.Http, 404, "ConsumerGroupNotFound", $"The consumer group '{name}' does not exist on the 'events' endpoint of IoT hub '{hub.Name}'.");

    private static string IotHubId(WorldSubscription sub, WorldResourceGroup rg, WorldIotHub hub) =>
        $"{GroupPath(sub, rg)}/providers/Microsoft.Devices/IotHubs/{hub.Name}";

    private static JsonObject KeyJson(WorldAccessPolicy p) => new()
    {
        ["keyName"] = p.KeyName,
        ["primaryKey"] = p.PrimaryKey,
        ["secondaryKey"] = p.SecondaryKey,
        ["rights"] = p.Rights,
    };

    private static JsonObject ConsumerGroupJson(WorldSubscription sub, WorldResourceGroup rg, WorldIotHub hub, string name) => new()
    {
        ["properties"] = new JsonObject { ["created"] = ConsumerGroupCreated },
        ["id"] = $"{IotHubId(sub, rg, hub)}/eventHubEndpoints/events/ConsumerGroups/{Uri.EscapeDataString(name)}",
        ["name"] = name,
        ["type"] = "Microsoft.Devices/IotHubs/EventHubEndpoints/ConsumerGroups",
        ["etag"] = "AAAAAAFD6M4=",
    };

    private static JsonObject IotHubJson(WorldSubscription sub, WorldResourceGroup rg, WorldIotHub hub)
    {
        var lower = hub.Name.ToLowerInvariant();
        return new JsonObject
        {
            ["id"] = IotHubId(sub, rg, hub),
            ["name"] = hub.Name,
            ["type"] = "Microsoft.Devices/IotHubs",
            ["location"] = Locations.Normalize(hub.Location),
            ["tags"] = new JsonObject(),
            ["etag"] = "AAAAAAFD6M4=",
            ["properties"] = new JsonObject
            {
                ["state"] = "Active",
                ["provisioningState"] = "Succeeded",
                ["ipFilterRules"] = new JsonArray(),
                ["hostName"] = $"{lower}.azure-devices.net",
                ["eventHubEndpoints"] = new JsonObject
                {
                    ["events"] = new JsonObject
                    {
                        ["retentionTimeInDays"] = 1,
                        ["partitionCount"] = 4,
                        ["partitionIds"] = new JsonArray("0", "1", "2", "3"),
                        ["path"] = lower,
                        ["endpoint"] = $"sb://iothub-ns-{lower}.servicebus.windows.net/",
                    },
                },
                ["routing"] = new JsonObject
                {
                    ["endpoints"] = new JsonObject
                    {
                        ["serviceBusQueues"] = new JsonArray(), ["serviceBusTopics"] = new JsonArray(),
                        ["eventHubs"] = new JsonArray(), ["storageContainers"] = new JsonArray(),
                    },
                    ["routes"] = new JsonArray(),
                    ["fallbackRoute"] = new JsonObject
                    {
                        ["source"] = "DeviceMessages", ["condition"] = "true", ["endpointNames"] = new JsonArray("events"), ["isEnabled"] = true,
                    },
                },
                ["enableFileUploadNotifications"] = false,
                ["features"] = "None",
                ["locations"] = new JsonArray(new JsonObject { ["location"] = Locations.Display(hub.Location), ["role"] = "primary" }),
                ["minTlsVersion"] = "1.2",
            },
            ["sku"] = new JsonObject { ["name"] = "S1", ["tier"] = "Standard", ["capacity"] = 1 },
            ["systemData"] = new JsonObject { ["createdAt"] = "2026-01-01T00:00:00.000Z" },
        };
    }
}
