using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace KustoConnect.Emulator;

/// <summary>One authenticated ARM request being served, with its parsed path.</summary>
internal sealed class ArmRequest
{
    public required HttpContext Http { get; init; }
    public required string[] Segments { get; init; }
    public required string ApiVersion { get; init; }
    public required WorldSubscription Subscription { get; init; }
    public required TokenCheck Token { get; init; }
    public required DateTime Now { get; init; }
    public string Method => Http.Request.Method;
}

/// <summary>The Azure Resource Manager side: authentication, authorization, api-versions and routing to resource handlers.</summary>
internal sealed partial class ArmApi
{
    private static readonly HashSet<string> KustoVersions = new(StringComparer.OrdinalIgnoreCase)
    {
        "2022-02-01", "2022-07-07", "2022-11-11", "2022-12-29", "2023-05-02", "2023-08-15", "2024-04-13",
    };

    private static readonly HashSet<string> DevicesVersions = new(StringComparer.OrdinalIgnoreCase)
    {
        "2021-03-31", "2021-07-01", "2021-07-02", "2022-04-30-preview", "2022-11-15-preview", "2023-06-30", "2023-06-30-preview",
    };

    private readonly StateStore store;
    private readonly TokenService tokens;
    private readonly EmulatorSettings settings;
    private readonly FaultInjector faults;

    public ArmApi(StateStore store, TokenService tokens, EmulatorSettings settings, FaultInjector faults)
    {
        this.store = store;
        this.tokens = tokens;
        this.settings = settings;
        this.faults = faults;
    }

    public async Task HandleAsync(HttpContext ctx, string[] segments)
    {
        using var _ = await store.EnterAsync(ctx.RequestAborted).ConfigureAwait(false);
        var now = DateTime.UtcNow;
        store.OperationRetention = settings.OperationRetention;
        store.CompleteDueOperations(now);
        var world = store.World;

        var token = await AuthenticateAsync(ctx, world, now).ConfigureAwait(false);
        if (!token.Valid)
        {
            var tenant = token.TenantId ?? world.Tenants.FirstOrDefault()?.Id ?? "common";
            var description = token.ErrorCode == "AuthenticationFailed" ? token.ErrorMessage : "The access token is invalid.";
            ctx.Response.Headers.WWWAuthenticate =
                $"Bearer authorization_uri=\"{Http.BaseUrl(ctx)}/{tenant}\", error=\"invalid_token\", error_description=\"{description}\"";
            await Http.Error(ctx, 401, token.ErrorCode!, token.ErrorMessage!).ConfigureAwait(false);
            return;
        }

        if (segments.Length == 0 || !World.Same(segments[0], "subscriptions"))
        {
            await Http.Error(ctx, 404, "InvalidResourceType", $"The resource path '{ctx.Request.Path}' is not served by this emulator.").ConfigureAwait(false);
            return;
        }

        var apiVersion = ctx.Request.Query["api-version"].ToString();
        if (string.IsNullOrEmpty(apiVersion))
        {
            await Http.Error(ctx, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.").ConfigureAwait(false);
            return;
        }

        var versionError = CheckApiVersion(segments, apiVersion);
        if (versionError is not null)
        {
            await Http.Error(ctx, 400, "InvalidApiVersionParameter", versionError).ConfigureAwait(false);
            return;
        }

        var assignments = world.RoleAssignmentsOf(token);
        if (segments.Length == 1)
        {
            if (!HttpMethods.IsGet(ctx.Request.Method))
            {
                await MethodNotAllowed(ctx).ConfigureAwait(false);
                return;
            }

            var visible = world.Subscriptions.Where(s => assignments is not null && Role(assignments, "/subscriptions/" + s.Id) > 0);
            await Http.Json(ctx, 200, Http.List(visible.Select(SubscriptionJson))).ConfigureAwait(false);
            return;
        }

        var subscription = world.FindSubscription(segments[1]);
        if (subscription is null || !World.Same(subscription.TenantId, token.TenantId))
        {
            await Http.Error(ctx, 404, "SubscriptionNotFound", $"The subscription '{segments[1]}' could not be found.").ConfigureAwait(false);
            return;
        }

        var scope = "/" + string.Join('/', segments);
        var role = assignments is null ? 0 : Role(assignments, scope);
        var isRead = HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method);
        if (role == 0 || (!isRead && role < 2))
        {
            var oid = token.ObjectId ?? token.AppId;
            await Http.Error(ctx, 403, "AuthorizationFailed",
                $"The client '{token.UserPrincipalName ?? oid}' with object id '{oid}' does not have authorization to perform action '{ActionName(segments, ctx.Request.Method)}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.").ConfigureAwait(false);
            return;
        }

        var request = new ArmRequest { Http = ctx, Segments = segments, ApiVersion = apiVersion, Subscription = subscription, Token = token, Now = now };
        await RouteAsync(request).ConfigureAwait(false);
    }

    private async Task<TokenCheck> AuthenticateAsync(HttpContext ctx, World world, DateTime now)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return TokenCheck.Fail("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
        }

        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || header.Length == prefix.Length)
        {
            return TokenCheck.Fail("AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.");
        }

        return await tokens.ValidateAsync(header[prefix.Length..].Trim(), world, now).ConfigureAwait(false);
    }

    /// <summary>The strongest role (0 none, 1 Reader, 2 Contributor, 3 Owner) the assignments grant on the scope.</summary>
    private static int Role(IEnumerable<WorldRoleAssignment> assignments, string scope)
    {
        var best = 0;
        foreach (var assignment in assignments)
        {
            var s = assignment.Scope.TrimEnd('/');
            var covers = s.Length == 0
                || (scope.StartsWith(s, StringComparison.OrdinalIgnoreCase) && (scope.Length == s.Length || scope[s.Length] == '/'));
            if (!covers)
            {
                continue;
            }

            var rank = assignment.Role.ToUpperInvariant() switch
            {
                "OWNER" => 3,
                "CONTRIBUTOR" => 2,
                "READER" => 1,
                _ => 0,
            };
            best = Math.Max(best, rank);
        }

        return best;
    }

    private static string ActionName(string[] segments, string method)
    {
        var providers = Array.FindIndex(segments, s => World.Same(s, "providers"));
        var verb = method.ToUpperInvariant() switch
        {
            "PUT" or "PATCH" => "write",
            "DELETE" => "delete",
            "POST" => "action",
            _ => "read",
        };
        if (providers < 0 || providers + 1 >= segments.Length)
        {
            var types = segments.Length > 2 ? "subscriptions/resourceGroups" : "subscriptions";
            return $"Microsoft.Resources/{types}/{verb}";
        }

        var rest = segments.Skip(providers + 2).ToArray();
        var parts = new List<string> { segments[providers + 1] };
        for (var i = 0; i < rest.Length; i += 2)
        {
            parts.Add(rest[i]);
        }

        return string.Join('/', parts) + "/" + verb;
    }

    private static string? CheckApiVersion(string[] segments, string apiVersion)
    {
        var providers = Array.FindIndex(segments, s => World.Same(s, "providers"));
        var ns = providers >= 0 && providers + 1 < segments.Length ? segments[providers + 1] : "Microsoft.Resources";
        HashSet<string>? supported = World.Same(ns, "Microsoft.Kusto") ? KustoVersions : World.Same(ns, "Microsoft.Devices") ? DevicesVersions : null;
        if (supported is not null)
        {
            return supported.Contains(apiVersion)
                ? null
                : $"The api-version '{apiVersion}' is invalid. The supported versions for namespace '{ns}' are '{string.Join(",", supported.OrderByDescending(v => v, StringComparer.Ordinal))}'.";
        }

        return ApiVersionShape().IsMatch(apiVersion)
            ? null
            : $"The api-version '{apiVersion}' is invalid. The supported versions are dates in the form 'yyyy-MM-dd' with an optional '-preview' suffix.";
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(-(preview|alpha|beta|privatepreview))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ApiVersionShape();

    /// <summary>
    /// ARM's answer to a method a resource does not support: 405 with {"error":{"code":"MethodNotAllowed","message":"The
    /// HTTP method 'X' is not supported on the resource '...'."}}, plus the Allow header HTTP asks for.
    /// </summary>
    private static Task MethodNotAllowed(HttpContext ctx, string allowed = "GET")
    {
        ctx.Response.Headers.Allow = allowed;
        return Http.Error(ctx, 405, "MethodNotAllowed",
            $"The HTTP method '{ctx.Request.Method}' is not supported on the resource '{ctx.Request.Path}{ctx.Request.QueryString}'.");
    }

    private static Task UnknownType(ArmRequest r) =>
        Http.Error(r.Http, 404, "InvalidResourceType", $"The resource type of '{r.Http.Request.Path}' could not be found for api version '{r.ApiVersion}'.");

    private Task RouteAsync(ArmRequest r)
    {
        var s = r.Segments;
        if (s.Length == 2)
        {
            return HttpMethods.IsGet(r.Method) ? Http.Json(r.Http, 200, SubscriptionJson(r.Subscription)) : MethodNotAllowed(r.Http);
        }

        if (World.Same(s[2], "providers") && s.Length >= 4)
        {
            return RouteSubscriptionProvider(r, s[3], s[4..]);
        }

        if (!World.Same(s[2], "resourceGroups"))
        {
            return UnknownType(r);
        }

        if (s.Length == 3)
        {
            return HttpMethods.IsGet(r.Method)
                ? Http.Json(r.Http, 200, Http.List(r.Subscription.ResourceGroups.Select(g => ResourceGroupJson(r.Subscription, g))))
                : MethodNotAllowed(r.Http);
        }

        var rg = World.ByName(r.Subscription.ResourceGroups, s[3]);
        if (rg is null)
        {
            return Http.Error(r.Http, 404, "ResourceGroupNotFound", $"Resource group '{s[3]}' could not be found.");
        }

        if (s.Length == 4)
        {
            return HttpMethods.IsGet(r.Method) ? Http.Json(r.Http, 200, ResourceGroupJson(r.Subscription, rg)) : MethodNotAllowed(r.Http);
        }

        if (s.Length < 6 || !World.Same(s[4], "providers"))
        {
            return UnknownType(r);
        }

        var ns = s[5];
        var rest = s[6..];
        if (World.Same(ns, "Microsoft.Kusto"))
        {
            return RouteKusto(r, rg, rest);
        }

        if (World.Same(ns, "Microsoft.Devices"))
        {
            return RouteDevices(r, rg, rest);
        }

        return RouteOtherProviders(r, rg, ns, rest);
    }

    private Task RouteSubscriptionProvider(ArmRequest r, string ns, string[] rest)
    {
        if (World.Same(ns, "Microsoft.Kusto"))
        {
            if (Matches(rest, "locations", "*", "operationResults", "*"))
            {
                return HttpMethods.IsGet(r.Method) ? OperationResultAsync(r, rest[1], rest[3]) : MethodNotAllowed(r.Http);
            }

            if (Matches(rest, "clusters"))
            {
                return HttpMethods.IsGet(r.Method)
                    ? Http.Json(r.Http, 200, Http.List(r.Subscription.ResourceGroups.SelectMany(g => g.KustoClusters.Select(c => ClusterJson(r.Subscription, g, c)))))
                    : MethodNotAllowed(r.Http);
            }
        }

        if (World.Same(ns, "Microsoft.Devices") && Matches(rest, "IotHubs"))
        {
            return HttpMethods.IsGet(r.Method)
                ? Http.Json(r.Http, 200, Http.List(r.Subscription.ResourceGroups.SelectMany(g => g.IotHubs.Select(h => IotHubJson(r.Subscription, g, h)))))
                : MethodNotAllowed(r.Http);
        }

        return UnknownType(r);
    }

    /// <summary>Whether the segments match the pattern exactly (case-insensitive); "*" matches any one segment.</summary>
    internal static bool Matches(string[] segments, params string[] pattern)
    {
        if (segments.Length != pattern.Length)
        {
            return false;
        }

        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != "*" && !World.Same(segments[i], pattern[i]))
            {
                return false;
            }
        }

        return true;
    }

    internal static string SubscriptionPath(WorldSubscription sub) => "/subscriptions/" + sub.Id;

    internal static string GroupPath(WorldSubscription sub, WorldResourceGroup rg) => $"/subscriptions/{sub.Id}/resourceGroups/{rg.Name}";

    private static JsonObject SubscriptionJson(WorldSubscription sub) => new()
    {
        ["id"] = SubscriptionPath(sub),
        ["authorizationSource"] = "RoleBased",
        ["managedByTenants"] = new JsonArray(),
        ["subscriptionId"] = sub.Id,
        ["tenantId"] = sub.TenantId,
        ["displayName"] = sub.DisplayName,
        ["state"] = "Enabled",
        ["subscriptionPolicies"] = new JsonObject { ["locationPlacementId"] = "Public_2014-09-01", ["quotaId"] = "PayAsYouGo_2014-09-01", ["spendingLimit"] = "Off" },
    };

    private static JsonObject ResourceGroupJson(WorldSubscription sub, WorldResourceGroup rg) => new()
    {
        ["id"] = GroupPath(sub, rg),
        ["name"] = rg.Name,
        ["type"] = "Microsoft.Resources/resourceGroups",
        ["location"] = Locations.Normalize(rg.Location),
        ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
    };

    private static Task NotFound(ArmRequest r, WorldResourceGroup rg, string typeAndName) =>
        Http.Error(r.Http, 404, "ResourceNotFound",
            $"The Resource '{typeAndName}' under resource group '{rg.Name}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");

    private static Task RouteOtherProviders(ArmRequest r, WorldResourceGroup rg, string ns, string[] rest)
    {
        if (!HttpMethods.IsGet(r.Method))
        {
            return MethodNotAllowed(r.Http);
        }

        var sub = r.Subscription;
        var basePath = GroupPath(sub, rg) + "/providers/";
        if (World.Same(ns, "Microsoft.EventHub") && rest.Length >= 2 && World.Same(rest[0], "namespaces"))
        {
            var space = World.ByName(rg.EventHubNamespaces, rest[1]);
            if (space is null)
            {
                return NotFound(r, rg, $"Microsoft.EventHub/namespaces/{rest[1]}");
            }

            var nsPath = basePath + "Microsoft.EventHub/namespaces/" + space.Name;
            if (rest.Length == 2)
            {
                return Http.Json(r.Http, 200, Tracked(nsPath, space.Name, "Microsoft.EventHub/Namespaces", space.Location,
                    new JsonObject { ["provisioningState"] = "Succeeded", ["status"] = "Active", ["serviceBusEndpoint"] = $"https://{space.Name}.servicebus.windows.net:443/" }));
            }

            if (Matches(rest, "*", "*", "eventhubs"))
            {
                return Http.Json(r.Http, 200, Http.List(space.EventHubs.Select(h => EventHubJson(nsPath, space, h))));
            }

            var hub = rest.Length >= 4 && World.Same(rest[2], "eventhubs") ? World.ByName(space.EventHubs, rest[3]) : null;
            if (hub is null)
            {
                return rest.Length >= 4 ? NotFound(r, rg, $"Microsoft.EventHub/namespaces/{space.Name}/eventhubs/{rest[3]}") : UnknownType(r);
            }

            var hubPath = nsPath + "/eventhubs/" + hub.Name;
            if (rest.Length == 4)
            {
                return Http.Json(r.Http, 200, EventHubJson(nsPath, space, hub));
            }

            if (Matches(rest, "*", "*", "*", "*", "consumergroups"))
            {
                return Http.Json(r.Http, 200, Http.List(hub.ConsumerGroups.Select(cg => EventHubConsumerGroupJson(hubPath, space, cg))));
            }

            if (Matches(rest, "*", "*", "*", "*", "consumergroups", "*"))
            {
                var cg = hub.ConsumerGroups.FirstOrDefault(c => World.Same(c, rest[5]));
                return cg is null
                    ? NotFound(r, rg, $"Microsoft.EventHub/namespaces/{space.Name}/eventhubs/{hub.Name}/consumergroups/{rest[5]}")
                    : Http.Json(r.Http, 200, EventHubConsumerGroupJson(hubPath, space, cg));
            }

            return UnknownType(r);
        }

        if (World.Same(ns, "Microsoft.Storage") && Matches(rest, "storageAccounts", "*"))
        {
            var account = World.ByName(rg.StorageAccounts, rest[1]);
            return account is null
                ? NotFound(r, rg, $"Microsoft.Storage/storageAccounts/{rest[1]}")
                : Http.Json(r.Http, 200, Tracked(basePath + "Microsoft.Storage/storageAccounts/" + account.Name, account.Name, "Microsoft.Storage/storageAccounts", account.Location,
                    new JsonObject { ["provisioningState"] = "Succeeded", ["isHnsEnabled"] = false, ["supportsHttpsTrafficOnly"] = true }));
        }

        if (World.Same(ns, "Microsoft.DocumentDB") && rest.Length >= 2 && World.Same(rest[0], "databaseAccounts"))
        {
            var account = World.ByName(rg.CosmosDbAccounts, rest[1]);
            if (account is null)
            {
                return NotFound(r, rg, $"Microsoft.DocumentDB/databaseAccounts/{rest[1]}");
            }

            var accountPath = basePath + "Microsoft.DocumentDB/databaseAccounts/" + account.Name;
            if (rest.Length == 2)
            {
                return Http.Json(r.Http, 200, Tracked(accountPath, account.Name, "Microsoft.DocumentDB/databaseAccounts", account.Location,
                    new JsonObject { ["provisioningState"] = "Succeeded", ["documentEndpoint"] = $"https://{account.Name}.documents.azure.com:443/", ["databaseAccountOfferType"] = "Standard" }));
            }

            if (rest.Length >= 4 && World.Same(rest[2], "sqlDatabases"))
            {
                var db = World.ByName(account.SqlDatabases, rest[3]);
                if (db is null)
                {
                    return NotFound(r, rg, $"Microsoft.DocumentDB/databaseAccounts/{account.Name}/sqlDatabases/{rest[3]}");
                }

                var dbPath = accountPath + "/sqlDatabases/" + db.Name;
                if (rest.Length == 4)
                {
                    return Http.Json(r.Http, 200, Tracked(dbPath, db.Name, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases", account.Location,
                        new JsonObject { ["resource"] = new JsonObject { ["id"] = db.Name } }));
                }

                if (Matches(rest, "*", "*", "*", "*", "containers", "*"))
                {
                    var container = db.Containers.FirstOrDefault(c => World.Same(c, rest[5]));
                    return container is null
                        ? NotFound(r, rg, $"Microsoft.DocumentDB/databaseAccounts/{account.Name}/sqlDatabases/{db.Name}/containers/{rest[5]}")
                        : Http.Json(r.Http, 200, Tracked(dbPath + "/containers/" + container, container, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers", account.Location,
                            new JsonObject { ["resource"] = new JsonObject { ["id"] = container } }));
                }
            }

            return UnknownType(r);
        }

        if (World.Same(ns, "Microsoft.ManagedIdentity") && Matches(rest, "userAssignedIdentities", "*"))
        {
            var identity = World.ByName(rg.UserAssignedIdentities, rest[1]);
            return identity is null
                ? NotFound(r, rg, $"Microsoft.ManagedIdentity/userAssignedIdentities/{rest[1]}")
                : Http.Json(r.Http, 200, Tracked(basePath + "Microsoft.ManagedIdentity/userAssignedIdentities/" + identity.Name, identity.Name,
                    "Microsoft.ManagedIdentity/userAssignedIdentities", identity.Location,
                    new JsonObject { ["tenantId"] = r.Subscription.TenantId, ["principalId"] = identity.PrincipalId, ["clientId"] = identity.ClientId }));
        }

        return UnknownType(r);
    }

    private static JsonObject Tracked(string id, string name, string type, string location, JsonObject properties) => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["type"] = type,
        ["location"] = Locations.Display(location),
        ["tags"] = new JsonObject(),
        ["properties"] = properties,
    };

    private static JsonObject EventHubJson(string nsPath, WorldEventHubNamespace space, WorldEventHub hub) => new()
    {
        ["id"] = nsPath + "/eventhubs/" + hub.Name,
        ["name"] = hub.Name,
        ["type"] = "Microsoft.EventHub/Namespaces/EventHubs",
        ["location"] = Locations.Display(space.Location),
        ["properties"] = new JsonObject
        {
            ["messageRetentionInDays"] = 1,
            ["partitionCount"] = 4,
            ["partitionIds"] = new JsonArray("0", "1", "2", "3"),
            ["status"] = "Active",
        },
    };

    private static JsonObject EventHubConsumerGroupJson(string hubPath, WorldEventHubNamespace space, string cg) => new()
    {
        ["id"] = hubPath + "/consumergroups/" + cg,
        ["name"] = cg,
        ["type"] = "Microsoft.EventHub/Namespaces/EventHubs/Consumergroups",
        ["location"] = Locations.Display(space.Location),
        ["properties"] = new JsonObject(),
    };
}
