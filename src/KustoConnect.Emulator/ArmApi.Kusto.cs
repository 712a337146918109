using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace KustoConnect.Emulator;

/// <summary>Microsoft.Kusto: clusters, databases, data connections of all kinds, operation results.</summary>
internal sealed partial class ArmApi
{
    internal const string DataConnectionType = "Microsoft.Kusto/Clusters/Databases/DataConnections";

    private static readonly string[] DataFormats =
    {
        "MULTIJSON", "JSON", "CSV", "TSV", "SCSV", "SOHSV", "PSV", "TXT", "RAW", "SINGLEJSON", "AVRO", "TSVE", "PARQUET", "ORC", "APACHEAVRO", "W3CLOGFILE",
    };

    /// <summary>The kinds of data connection and the properties each requires (from the swagger).</summary>
    private static readonly Dictionary<string, string[]> RequiredProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EventHub"] = new[] { "eventHubResourceId", "consumerGroup" },
        ["IotHub"] = new[] { "iotHubResourceId", "consumerGroup", "sharedAccessPolicyName" },
        ["EventGrid"] = new[] { "storageAccountResourceId", "eventHubResourceId", "consumerGroup" },
        ["CosmosDb"] = new[] { "tableName", "managedIdentityResourceId", "cosmosDbAccountResourceId", "cosmosDbDatabase", "cosmosDbContainer" },
    };

    /// <summary>Problems a data connection has; each has a code and a message like the service's.</summary>
    internal sealed record Problem(string Code, string Message);

    private sealed record KustoScope(WorldResourceGroup Group, WorldCluster Cluster, WorldDatabase Database, string DatabaseId);

    private Task RouteKusto(ArmRequest r, WorldResourceGroup rg, string[] rest)
    {
        var sub = r.Subscription;
        if (Matches(rest, "clusters"))
        {
            return HttpMethods.IsGet(r.Method) ? Http.Json(r.Http, 200, Http.List(rg.KustoClusters.Select(c => ClusterJson(sub, rg, c)))) : MethodNotAllowed(r.Http);
        }

        if (rest.Length < 2 || !World.Same(rest[0], "clusters"))
        {
            return UnknownType(r);
        }

        var cluster = World.ByName(rg.KustoClusters, rest[1]);
        if (cluster is null)
        {
            return NotFound(r, rg, $"Microsoft.Kusto/clusters/{rest[1]}");
        }

        if (rest.Length == 2)
        {
            return HttpMethods.IsGet(r.Method) ? Http.Json(r.Http, 200, ClusterJson(sub, rg, cluster)) : MethodNotAllowed(r.Http);
        }

        if (!World.Same(rest[2], "databases"))
        {
            return UnknownType(r);
        }

        if (rest.Length == 3)
        {
            return HttpMethods.IsGet(r.Method)
                ? Http.Json(r.Http, 200, Http.List(cluster.Databases.Select(d => DatabaseJson(sub, rg, cluster, d))))
                : MethodNotAllowed(r.Http);
        }

        var database = World.ByName(cluster.Databases, rest[3]);
        if (database is null)
        {
            return NotFound(r, rg, $"Microsoft.Kusto/clusters/{cluster.Name}/databases/{rest[3]}");
        }

        var scope = new KustoScope(rg, cluster, database, DatabaseId(sub, rg, cluster, database));
        if (rest.Length == 4)
        {
            return HttpMethods.IsGet(r.Method) ? Http.Json(r.Http, 200, DatabaseJson(sub, rg, cluster, database)) : MethodNotAllowed(r.Http);
        }

        if (Matches(rest, "*", "*", "*", "*", "checkNameAvailability"))
        {
            return HttpMethods.IsPost(r.Method) ? CheckNameAvailabilityAsync(r, scope) : MethodNotAllowed(r.Http);
        }

        if (Matches(rest, "*", "*", "*", "*", "dataConnectionValidation"))
        {
            return HttpMethods.IsPost(r.Method) ? ValidateAsync(r, scope) : MethodNotAllowed(r.Http);
        }

        if (Matches(rest, "*", "*", "*", "*", "dataConnections"))
        {
            return HttpMethods.IsGet(r.Method)
                ? Http.Json(r.Http, 200, Http.List(store.ListDataConnections(scope.DatabaseId.ToLowerInvariant()).Select(dc => DataConnectionJson(dc, scope))))
                : MethodNotAllowed(r.Http);
        }

        if (Matches(rest, "*", "*", "*", "*", "dataConnections", "*"))
        {
            var name = rest[5];
            return r.Method.ToUpperInvariant() switch
            {
                "GET" => GetDataConnectionAsync(r, scope, name),
                "PUT" => PutDataConnectionAsync(r, scope, name, patch: false),
                "PATCH" => PutDataConnectionAsync(r, scope, name, patch: true),
                "DELETE" => DeleteDataConnectionAsync(r, scope, name),
                _ => MethodNotAllowed(r.Http),
            };
        }

        return UnknownType(r);
    }

    private static string ClusterId(WorldSubscription sub, WorldResourceGroup rg, WorldCluster c) =>
        $"{GroupPath(sub, rg)}/providers/Microsoft.Kusto/Clusters/{c.Name}";

    private static string DatabaseId(WorldSubscription sub, WorldResourceGroup rg, WorldCluster c, WorldDatabase d) =>
        $"{ClusterId(sub, rg, c)}/Databases/{d.Name}";

    private static JsonObject ClusterJson(WorldSubscription sub, WorldResourceGroup rg, WorldCluster c)
    {
        var region = Locations.Normalize(c.Location);
        return new JsonObject
        {
            ["id"] = ClusterId(sub, rg, c),
            ["name"] = c.Name,
            ["type"] = "Microsoft.Kusto/Clusters",
            ["etag"] = "\"2026-01-01T00:00:00.0000000Z\"",
            ["location"] = Locations.Display(c.Location),
            ["sku"] = new JsonObject { ["name"] = "Standard_E2ads_v5", ["tier"] = "Standard", ["capacity"] = 2 },
            ["tags"] = new JsonObject(),
            ["properties"] = new JsonObject
            {
                ["state"] = "Running",
                ["uri"] = $"https://{c.Name.ToLowerInvariant()}.{region}.kusto.windows.net",
                ["dataIngestionUri"] = $"https://ingest-{c.Name.ToLowerInvariant()}.{region}.kusto.windows.net",
                ["enableStreamingIngest"] = false,
                ["engineType"] = "V3",
                ["publicNetworkAccess"] = "Enabled",
                ["provisioningState"] = "Succeeded",
            },
        };
    }

    private static JsonObject DatabaseJson(WorldSubscription sub, WorldResourceGroup rg, WorldCluster c, WorldDatabase d) => new()
    {
        ["id"] = DatabaseId(sub, rg, c, d),
        ["name"] = $"{c.Name}/{d.Name}",
        ["type"] = "Microsoft.Kusto/Clusters/Databases",
        ["location"] = Locations.Display(c.Location),
        ["kind"] = d.ReadOnlyFollower ? "ReadOnlyFollowing" : "ReadWrite",
        ["properties"] = d.ReadOnlyFollower
            ? new JsonObject
            {
                ["softDeletePeriod"] = "P365D",
                ["hotCachePeriod"] = "P31D",
                ["statistics"] = new JsonObject { ["size"] = 0.0 },
                ["principalsModificationKind"] = "Union",
                ["provisioningState"] = "Succeeded",
            }
            : new JsonObject
            {
                ["softDeletePeriod"] = "P365D",
                ["hotCachePeriod"] = "P31D",
                ["statistics"] = new JsonObject { ["size"] = 0.0 },
                ["isFollowed"] = false,
                ["provisioningState"] = "Succeeded",
            },
    };

    /// <summary>The GET shape of a data connection: the kind's full property set in the service's order, unset values as the service sends them.</summary>
    private JsonObject DataConnectionJson(DataConnectionRow row, KustoScope scope, bool echoLocation = false)
    {
        var props = row.Properties;
        string? Get(string name) => props.Str(name);
        JsonNode? Raw(string name) => props.Prop(name)?.DeepClone();
        var identityObjectId = ManagedIdentityObjectId(Get("managedIdentityResourceId"));
        var output = new JsonObject();
        switch (row.Kind)
        {
            case "EventHub":
                output["eventHubResourceId"] = Get("eventHubResourceId");
                output["consumerGroup"] = Get("consumerGroup");
                output["tableName"] = Get("tableName") ?? "";
                output["mappingRuleName"] = Get("mappingRuleName") ?? "";
                output["dataFormat"] = Get("dataFormat") ?? "";
                output["eventSystemProperties"] = Raw("eventSystemProperties") ?? new JsonArray();
                output["compression"] = Get("compression") ?? "None";
                output["managedIdentityResourceId"] = Get("managedIdentityResourceId");
                output["managedIdentityObjectId"] = identityObjectId;
                output["databaseRouting"] = Get("databaseRouting") ?? "Single";
                output["retrievalStartDate"] = Get("retrievalStartDate");
                break;
            case "IotHub":
                output["iotHubResourceId"] = Get("iotHubResourceId");
                output["consumerGroup"] = Get("consumerGroup");
                output["tableName"] = Get("tableName") ?? "";
                output["mappingRuleName"] = Get("mappingRuleName") ?? "";
                output["dataFormat"] = Get("dataFormat") ?? "";
                output["eventSystemProperties"] = Raw("eventSystemProperties") ?? new JsonArray();
                output["sharedAccessPolicyName"] = Get("sharedAccessPolicyName");
                output["databaseRouting"] = Get("databaseRouting") ?? "Single";
                output["retrievalStartDate"] = Get("retrievalStartDate");
                break;
            case "EventGrid":
                output["storageAccountResourceId"] = Get("storageAccountResourceId");
                output["eventGridResourceId"] = Get("eventGridResourceId");
                output["eventHubResourceId"] = Get("eventHubResourceId");
                output["consumerGroup"] = Get("consumerGroup");
                output["tableName"] = Get("tableName") ?? "";
                output["mappingRuleName"] = Get("mappingRuleName") ?? "";
                output["dataFormat"] = Get("dataFormat") ?? "";
                output["ignoreFirstRecord"] = Raw("ignoreFirstRecord") ?? false;
                output["blobStorageEventType"] = Get("blobStorageEventType") ?? "Microsoft.Storage.BlobCreated";
                output["managedIdentityResourceId"] = Get("managedIdentityResourceId");
                output["managedIdentityObjectId"] = identityObjectId;
                output["databaseRouting"] = Get("databaseRouting") ?? "Single";
                break;
            default:
                output["tableName"] = Get("tableName");
                output["mappingRuleName"] = Get("mappingRuleName");
                output["managedIdentityResourceId"] = Get("managedIdentityResourceId");
                output["managedIdentityObjectId"] = identityObjectId;
                output["cosmosDbAccountResourceId"] = Get("cosmosDbAccountResourceId");
                output["cosmosDbDatabase"] = Get("cosmosDbDatabase");
                output["cosmosDbContainer"] = Get("cosmosDbContainer");
                output["retrievalStartDate"] = Get("retrievalStartDate");
                break;
        }

        output["provisioningState"] = row.ProvisioningState;
        return new JsonObject
        {
            ["id"] = row.Id,
            ["name"] = $"{scope.Cluster.Name}/{scope.Database.Name}/{row.Name}",
            ["type"] = DataConnectionType,
            ["location"] = echoLocation ? row.Location : Locations.Display(scope.Cluster.Location),
            ["kind"] = row.Kind,
            ["properties"] = output,
        };
    }

    private string? ManagedIdentityObjectId(string? identityResourceId)
    {
        var id = ResourceId.Parse(identityResourceId);
        if (id is null)
        {
            return null;
        }

        if (id.Is("Microsoft.ManagedIdentity", "userAssignedIdentities"))
        {
            return FindGroup(id)?.UserAssignedIdentities.FirstOrDefault(i => World.Same(i.Name, id.Path[0].Name))?.PrincipalId;
        }

        // A cluster id means the cluster's system-assigned identity: a stable id derived from the cluster id.
        return id.Is("Microsoft.Kusto", "clusters") ? DeterministicGuid(identityResourceId!.ToLowerInvariant()) : null;
    }

    private static string DeterministicGuid(string seed)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    private WorldResourceGroup? FindGroup(ResourceId id) =>
        id.ResourceGroup is null ? null : store.World.FindSubscription(id.SubscriptionId) is { } s ? World.ByName(s.ResourceGroups, id.ResourceGroup) : null;

    private Task GetDataConnectionAsync(ArmRequest r, KustoScope scope, string name)
    {
        var row = store.GetDataConnection(DataConnectionKey(scope, name));
        return row is null
            ? DataConnectionNotFound(r, scope, name)
            : Http.Json(r.Http, 200, DataConnectionJson(row, scope));
    }

    private static string DataConnectionKey(KustoScope scope, string name) => (scope.DatabaseId + "/DataConnections/" + name).ToLowerInvariant();

    // The Kusto resource provider's own wording (recorded: dotnet-EventHubDataConnectionTests.json), with the
    // capitalised id it uses everywhere, not ARM's generic "The Resource ... under resource group ..." message.
    private static Task DataConnectionNotFound(ArmRequest r, KustoScope scope, string name) =>
        Http.Error(r.Http, 404, "ResourceNotFound",
            $"The resource with identifier '{scope.DatabaseId}/DataConnections/{name}' is not found.");

    [GeneratedRegex(@"^[a-zA-Z0-9 .\-]{1,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex DataConnectionName();

    private static string InvalidNameMessage(string name) =>
        $"Data connection name '{name}' is invalid: it must be 1 to 40 characters long and contain only letters, digits, spaces, '.' and '-'.";

    /// <summary>Checks the shape of a data connection body: kind, properties, required values, dataFormat.</summary>
    private static List<Problem> ShapeProblems(string? kind, JsonObject? properties)
    {
        var problems = new List<Problem>();
        if (string.IsNullOrEmpty(kind))
        {
            problems.Add(new("InvalidPayload", "The 'kind' property is required. Supported kinds are EventHub, IotHub, EventGrid and CosmosDb."));
            return problems;
        }

        if (!RequiredProperties.TryGetValue(kind, out var required))
        {
            problems.Add(new("InvalidPayload", $"The data connection kind '{kind}' is not supported. Supported kinds are EventHub, IotHub, EventGrid and CosmosDb."));
            return problems;
        }

        if (properties is null)
        {
            problems.Add(new("InvalidPayload", "The 'properties' object is required."));
            return problems;
        }

        foreach (var name in required)
        {
            if (string.IsNullOrWhiteSpace(properties.Str(name)))
            {
                problems.Add(new("InvalidPayload", $"The property '{name}' is required for a data connection of kind '{CanonicalKind(kind)}'."));
            }
        }

        var format = properties.Str("dataFormat");
        if (!string.IsNullOrEmpty(format) && !DataFormats.Contains(format, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add(new("InvalidPayload", $"The data format '{format}' is not valid. Valid values are {string.Join(", ", DataFormats)}."));
        }

        return problems;
    }

    private static string CanonicalKind(string kind) => RequiredProperties.Keys.First(k => World.Same(k, kind));

    private async Task PutDataConnectionAsync(ArmRequest r, KustoScope scope, string name, bool patch)
    {
        var (body, parseError) = await Http.ReadObjectAsync(r.Http).ConfigureAwait(false);
        if (body is null)
        {
            await Http.Error(r.Http, 400, "InvalidRequestContent", $"The request content was invalid and could not be deserialized: '{parseError}'.").ConfigureAwait(false);
            return;
        }

        var key = DataConnectionKey(scope, name);
        var existing = store.GetDataConnection(key);
        if (patch && existing is null)
        {
            await DataConnectionNotFound(r, scope, name).ConfigureAwait(false);
            return;
        }

        if (!DataConnectionName().IsMatch(name))
        {
            await Http.Error(r.Http, 400, "BadRequest", InvalidNameMessage(name)).ConfigureAwait(false);
            return;
        }

        var sentKind = body.Str("kind");
        var sentProperties = body.Prop("properties") as JsonObject;

        // A data connection keeps its kind for life: a PUT or PATCH naming another kind is refused before anything is
        // merged or checked (a PATCH may leave the kind out; it then keeps the stored one).
        if (existing is not null && sentKind is not null && !World.Same(existing.Kind, sentKind))
        {
            await Http.Error(r.Http, 400, "BadRequest", $"The kind of data connection '{name}' cannot change from '{existing.Kind}' to '{sentKind}'.").ConfigureAwait(false);
            return;
        }
        var kind = sentKind ?? (patch ? existing!.Kind : null);
        JsonObject merged;
        if (patch)
        {
            // ARM's PATCH: the properties given replace the stored ones (matched case-insensitively), the ones left out
            // are kept.
            merged = (JsonObject)existing!.Properties.DeepClone();
            foreach (var (k, v) in sentProperties ?? new JsonObject())
            {
                var current = merged.Select(p => p.Key).FirstOrDefault(x => World.Same(x, k));
                merged.Remove(current ?? k);
                merged[k] = v?.DeepClone();
            }
        }
        else
        {
            merged = (JsonObject?)sentProperties?.DeepClone() ?? new JsonObject();
        }

        var shape = ShapeProblems(kind, sentProperties is null && !patch ? null : merged);
        if (shape.Count > 0)
        {
            await Http.Error(r.Http, 400, shape[0].Code, string.Join(" ", shape.Select(p => p.Message))).ConfigureAwait(false);
            return;
        }

        kind = CanonicalKind(kind!);
        if (existing is not null && !World.Same(existing.Kind, kind))
        {
            await Http.Error(r.Http, 400, "BadRequest", $"The kind of data connection '{name}' cannot change from '{existing.Kind}' to '{kind}'.").ConfigureAwait(false);
            return;
        }

        foreach (var readOnly in new[] { "provisioningState", "managedIdentityObjectId" })
        {
            foreach (var k in merged.Select(p => p.Key).Where(k => World.Same(k, readOnly)).ToList())
            {
                merged.Remove(k);
            }
        }

        if (merged.Str("retrievalStartDate") is null)
        {
            var previous = existing?.Properties.Str("retrievalStartDate");
            merged["retrievalStartDate"] = previous ?? r.Now.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        }

        var problems = ResourceProblems(kind, merged, scope, key);
        var fault = faults.TakeOperationFault(r.Method, r.Http.Request.Path.Value ?? "");
        var failure = fault is not null
            ? new Problem(fault.OperationErrorCode!, fault.OperationErrorMessage ?? "The operation failed (injected by the emulator).")
            : problems.FirstOrDefault();

        var location = body.Str("location") ?? existing?.Location ?? Locations.Display(scope.Cluster.Location);
        var created = existing is null;
        var id = existing?.Id ?? scope.DatabaseId + "/DataConnections/" + name;
        var row = new DataConnectionRow(key, scope.DatabaseId.ToLowerInvariant(), id, existing?.Name ?? name, kind, location, merged,
            created ? "Creating" : "Accepted");
        store.UpsertDataConnection(row);
        var operationId = StartOperation(r, scope, created ? StateStore.OperationKinds.Create : StateStore.OperationKinds.Update, key, failure, result: null);

        // The PUT response echoes what was sent (location as sent), plus the provisioning state.
        var echoed = (JsonObject?)(patch ? merged : sentProperties)?.DeepClone() ?? new JsonObject();
        if (!patch)
        {
            echoed.Remove("retrievalStartDate");
            if (sentProperties?.Str("retrievalStartDate") is { } sentDate)
            {
                echoed["retrievalStartDate"] = sentDate;
            }
        }

        echoed["provisioningState"] = row.ProvisioningState;
        var response = new JsonObject
        {
            ["id"] = id,
            ["name"] = $"{scope.Cluster.Name}/{scope.Database.Name}/{row.Name}",
            ["type"] = DataConnectionType,
            ["location"] = location,
            ["kind"] = kind,
            ["properties"] = echoed,
        };
        r.Http.Response.Headers["Azure-AsyncOperation"] = AsyncOperationUrl(r, scope, operationId);
        await Http.Json(r.Http, created ? 201 : 200, response).ConfigureAwait(false);
    }

    private async Task DeleteDataConnectionAsync(ArmRequest r, KustoScope scope, string name)
    {
        var key = DataConnectionKey(scope, name);
        var existing = store.GetDataConnection(key);
        if (existing is null)
        {
            await Http.Empty(r.Http, 204).ConfigureAwait(false);
            return;
        }

        store.SetProvisioningState(key, "Deleting");
        var operationId = StartOperation(r, scope, StateStore.OperationKinds.Delete, key, failure: null, result: null);
        r.Http.Response.Headers.Location = LocationUrl(r, scope, operationId);
        r.Http.Response.Headers["Azure-AsyncOperation"] = AsyncOperationUrl(r, scope, operationId);
        await Http.Empty(r.Http, 202).ConfigureAwait(false);
    }

    private async Task CheckNameAvailabilityAsync(ArmRequest r, KustoScope scope)
    {
        var (body, parseError) = await Http.ReadObjectAsync(r.Http).ConfigureAwait(false);
        if (body is null)
        {
            await Http.Error(r.Http, 400, "InvalidRequestContent", $"The request content was invalid and could not be deserialized: '{parseError}'.").ConfigureAwait(false);
            return;
        }

        var name = body.Str("name");
        var type = body.Str("type");
        if (string.IsNullOrEmpty(name) || !World.Same(type, "Microsoft.Kusto/clusters/databases/dataConnections"))
        {
            await Http.Error(r.Http, 400, "InvalidPayload",
                "The request must have a 'name' and the 'type' 'Microsoft.Kusto/clusters/databases/dataConnections'.").ConfigureAwait(false);
            return;
        }

        JsonObject result;
        if (!DataConnectionName().IsMatch(name))
        {
            result = new JsonObject { ["name"] = name, ["nameAvailable"] = false, ["message"] = InvalidNameMessage(name), ["reason"] = "Invalid" };
        }
        else if (store.GetDataConnection(DataConnectionKey(scope, name)) is not null)
        {
            result = new JsonObject
            {
                ["name"] = name, ["nameAvailable"] = false, ["message"] = $"Name '{name}' is already taken. Please specify a different name.", ["reason"] = "AlreadyExists",
            };
        }
        else
        {
            result = new JsonObject { ["name"] = name, ["nameAvailable"] = true, ["message"] = "" };
        }

        await Http.Json(r.Http, 200, result).ConfigureAwait(false);
    }

    private async Task ValidateAsync(ArmRequest r, KustoScope scope)
    {
        var (body, parseError) = await Http.ReadObjectAsync(r.Http).ConfigureAwait(false);
        if (body is null)
        {
            await Http.Error(r.Http, 400, "InvalidRequestContent", $"The request content was invalid and could not be deserialized: '{parseError}'.").ConfigureAwait(false);
            return;
        }

        var problems = new List<Problem>();
        var name = body.Str("dataConnectionName");
        if (name is not null && !DataConnectionName().IsMatch(name))
        {
            problems.Add(new("BadRequest", InvalidNameMessage(name)));
        }

        var connection = body.Prop("properties") as JsonObject;
        var kind = connection?.Str("kind");
        var properties = connection?.Prop("properties") as JsonObject;
        var shape = ShapeProblems(kind, properties);
        problems.AddRange(shape);
        if (shape.Count == 0 || shape.All(p => p.Message.StartsWith("The property", StringComparison.Ordinal) || p.Message.StartsWith("The data format", StringComparison.Ordinal)))
        {
            if (kind is not null && RequiredProperties.ContainsKey(kind) && properties is not null)
            {
                var key = name is null ? "" : DataConnectionKey(scope, name);
                problems.AddRange(ResourceProblems(CanonicalKind(kind), properties, scope, key));
            }
        }

        var value = new JsonArray();
        foreach (var p in problems)
        {
            value.Add(new JsonObject { ["errorMessage"] = p.Message });
        }

        var result = new JsonObject { ["value"] = value }.ToJsonString();
        var operationId = StartOperation(r, scope, StateStore.OperationKinds.Validate, scope.DatabaseId.ToLowerInvariant(), failure: null, result);
        r.Http.Response.Headers.Location = LocationUrl(r, scope, operationId);
        r.Http.Response.Headers["Azure-AsyncOperation"] = AsyncOperationUrl(r, scope, operationId);
        await Http.Empty(r.Http, 202).ConfigureAwait(false);
    }

    private string StartOperation(ArmRequest r, KustoScope scope, string kind, string resourceKey, Problem? failure, string? result)
    {
        var id = Guid.NewGuid().ToString();
        var location = Locations.Display(scope.Cluster.Location);
        store.AddOperation(new OperationRow(
            id, r.Subscription.Id, location, kind, resourceKey, r.Now, r.Now + settings.OperationDuration,
            failure is null ? "Succeeded" : "Failed", failure?.Code, failure is null ? null : "[BadRequest] " + failure.Message, result, Applied: false));
        return id;
    }

    /// <summary>The Azure-AsyncOperation URL: absolute, with the display-name location left raw (spaces), as the service sends it.</summary>
    private static string AsyncOperationUrl(ArmRequest r, KustoScope scope, string operationId) =>
        $"{Http.BaseUrl(r.Http)}/subscriptions/{r.Subscription.Id}/providers/Microsoft.Kusto/locations/{Locations.Display(scope.Cluster.Location)}/operationResults/{operationId}?api-version={r.ApiVersion}";

    /// <summary>The Location URL: the location escaped, with operationResultResponseType=Location.</summary>
    private static string LocationUrl(ArmRequest r, KustoScope scope, string operationId) =>
        $"{Http.BaseUrl(r.Http)}/subscriptions/{r.Subscription.Id}/providers/Microsoft.Kusto/locations/{Uri.EscapeDataString(Locations.Display(scope.Cluster.Location))}/operationResults/{operationId}?api-version={r.ApiVersion}&operationResultResponseType=Location";

    private async Task OperationResultAsync(ArmRequest r, string location, string operationId)
    {
        var op = store.GetOperation(operationId);
        if (op is null || !World.Same(op.SubscriptionId, r.Subscription.Id))
        {
            await Http.Error(r.Http, 404, "ResourceNotFound", $"The operation '{operationId}' was not found in location '{location}'.").ConfigureAwait(false);
            return;
        }

        var running = r.Now < op.End;
        if (World.Same(r.Http.Request.Query["operationResultResponseType"].ToString(), "Location"))
        {
            await LocationResultAsync(r, op, running).ConfigureAwait(false);
            return;
        }

        var total = (op.End - op.Start).TotalMilliseconds;
        var fraction = running ? (total <= 0 ? 0 : Math.Round(Math.Min(0.99, (r.Now - op.Start).TotalMilliseconds / total), 2)) : 1.0;
        var properties = new JsonObject();
        if (op.Kind == StateStore.OperationKinds.Delete)
        {
            properties["operationKind"] = "DmServiceDataObtainerDrop";
            properties["provisioningState"] = running ? "Running" : op.Outcome;
            properties["operationState"] = running ? "InProgress" : op.Outcome == "Succeeded" ? "Completed" : "Failed";
        }
        else if (!running && op.Outcome == "Failed")
        {
            properties["operationState"] = "BadInput";
        }

        var body = new JsonObject
        {
            ["id"] = $"/subscriptions/{op.SubscriptionId}/providers/Microsoft.Kusto/locations/{op.Location}/operationresults/{op.Id}",
            ["name"] = op.Id,
            ["status"] = running ? "Running" : op.Outcome,
            ["startTime"] = Timestamp(op.Start),
            ["endTime"] = Timestamp(running ? op.Start : op.End),
            ["percentComplete"] = fraction,
            ["properties"] = properties,
        };
        if (!running && op.Outcome == "Failed")
        {
            body["error"] = new JsonObject { ["code"] = op.ErrorCode, ["message"] = op.ErrorMessage };
        }

        await Http.Json(r.Http, 200, body).ConfigureAwait(false);
    }

    private async Task LocationResultAsync(ArmRequest r, OperationRow op, bool running)
    {
        if (running)
        {
            r.Http.Response.Headers.Location = $"{Http.BaseUrl(r.Http)}{r.Http.Request.Path}{r.Http.Request.QueryString}";
            await Http.Empty(r.Http, 202).ConfigureAwait(false);
            return;
        }

        if (op.Outcome == "Failed")
        {
            await Http.Error(r.Http, 400, op.ErrorCode ?? "BadRequest", op.ErrorMessage ?? "The operation failed.").ConfigureAwait(false);
            return;
        }

        switch (op.Kind)
        {
            case StateStore.OperationKinds.Validate:
                await Http.Json(r.Http, 200, JsonNode.Parse(op.Result ?? "{\"value\":[]}")).ConfigureAwait(false);
                return;
            case StateStore.OperationKinds.Create or StateStore.OperationKinds.Update:
                var row = store.GetDataConnection(op.ResourceKey);
                var scope = row is null ? null : ScopeOf(row);
                if (row is not null && scope is not null)
                {
                    await Http.Json(r.Http, 200, DataConnectionJson(row, scope)).ConfigureAwait(false);
                    return;
                }

                break;
        }

        await Http.Empty(r.Http, 200).ConfigureAwait(false);
    }

    private KustoScope? ScopeOf(DataConnectionRow row)
    {
        var id = ResourceId.Parse(row.Id);
        var group = id is null ? null : FindGroup(id);
        var cluster = group is null ? null : World.ByName(group.KustoClusters, id!.Path[0].Name);
        var database = cluster is null ? null : World.ByName(cluster.Databases, id!.Path[1].Name);
        return database is null ? null : new KustoScope(group!, cluster!, database, row.Parent);
    }

    private static string Timestamp(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Everything the service would find wrong with this data connection against the current world, all at once.</summary>
    private List<Problem> ResourceProblems(string kind, JsonObject props, KustoScope scope, string selfKey)
    {
        var problems = new List<Problem>();
        if (scope.Database.ReadOnlyFollower)
        {
            problems.Add(new("CannotAlterFollowerDatabase",
                $"Database '{scope.Database.Name}' is a read-only follower database: data connections cannot be created on it."));
        }

        switch (kind)
        {
            case "IotHub":
                IotHubProblems(props, selfKey, problems);
                break;
            case "EventHub":
                EventHubProblems(props.Str("eventHubResourceId"), props.Str("consumerGroup"), selfKey, problems);
                IdentityProblems(props.Str("managedIdentityResourceId"), problems);
                break;
            case "EventGrid":
                var storage = ResourceId.Parse(props.Str("storageAccountResourceId"));
                if (storage is null || !storage.Is("Microsoft.Storage", "storageAccounts")
                    || FindGroup(storage)?.StorageAccounts.FirstOrDefault(a => World.Same(a.Name, storage.Path[0].Name)) is null)
                {
                    problems.Add(new("StorageAccountNotFound", $"Storage account '{props.Str("storageAccountResourceId")}' does not exist."));
                }

                EventHubProblems(props.Str("eventHubResourceId"), props.Str("consumerGroup"), selfKey, problems);
                IdentityProblems(props.Str("managedIdentityResourceId"), problems);
                break;
            case "CosmosDb":
                CosmosDbProblems(props, problems);
                IdentityProblems(props.Str("managedIdentityResourceId"), problems);
                break;
        }

        TableProblems(props.Str("tableName"), props.Str("mappingRuleName"), scope, problems);
        return problems;
    }

    private void IotHubProblems(JsonObject props, string selfKey, List<Problem> problems)
    {
        var hubIdText = props.Str("iotHubResourceId");
        var hubId = ResourceId.Parse(hubIdText);
        var hub = hubId is not null && hubId.Is("Microsoft.Devices", "IotHubs")
            ? FindGroup(hubId)?.IotHubs.FirstOrDefault(h => World.Same(h.Name, hubId.Path[0].Name))
            : null;
        if (hub is null)
        {
            problems.Add(new("IotHubNotFound", $"IoT hub '{hubIdText}' does not exist."));
        }
        else
        {
            var policyName = props.Str("sharedAccessPolicyName");
            var policy = hub.SharedAccessPolicies.FirstOrDefault(p => World.Same(p.KeyName, policyName));
            if (policy is null)
            {
                problems.Add(new("SharedAccessPolicyNotFound", $"Shared access policy '{policyName}' does not exist in IoT hub '{hub.Name}'."));
            }
            else if (!policy.Grants("ServiceConnect"))
            {
                problems.Add(new("SharedAccessPolicyLacksServiceConnect",
                    $"Shared access policy '{policy.KeyName}' of IoT hub '{hub.Name}' does not grant the ServiceConnect permission."));
            }

            var cg = props.Str("consumerGroup");
            if (!hub.ConsumerGroups.Any(c => World.Same(c, cg)))
            {
                problems.Add(new("ConsumerGroupNotFound", $"Consumer group '{cg}' does not exist in IoT hub '{hub.Name}'."));
            }
            else
            {
                ConsumerGroupInUse("iotHubResourceId", hubIdText!, cg!, hub.Name, selfKey, problems);
            }
        }

        if (World.Same(props.Str("dataFormat"), "RAW"))
        {
            problems.Add(new("UnsupportedDataFormat", "The data format 'RAW' is not supported for IoT Hub data connections."));
        }
    }

    private void EventHubProblems(string? eventHubIdText, string? consumerGroup, string selfKey, List<Problem> problems)
    {
        var id = ResourceId.Parse(eventHubIdText);
        if (id is null || !id.Is("Microsoft.EventHub", "namespaces", "eventhubs"))
        {
            problems.Add(new("EventHubNotFound", $"Event hub '{eventHubIdText}' does not exist."));
            return;
        }

        var space = FindGroup(id)?.EventHubNamespaces.FirstOrDefault(n => World.Same(n.Name, id.Path[0].Name));
        if (space is null)
        {
            problems.Add(new("EventHubNamespaceNotFound", $"Event hub's namespace '{id.Path[0].Name}' does not exist."));
            return;
        }

        var hub = World.ByName(space.EventHubs, id.Path[1].Name);
        if (hub is null)
        {
            problems.Add(new("EventHubNotFound", $"Event hub '{id.Path[1].Name}' does not exist in namespace '{space.Name}'."));
            return;
        }

        if (!hub.ConsumerGroups.Any(c => World.Same(c, consumerGroup)))
        {
            problems.Add(new("ConsumerGroupNotFound", $"Consumer group '{consumerGroup}' does not exist in event hub '{hub.Name}'."));
            return;
        }

        ConsumerGroupInUse("eventHubResourceId", eventHubIdText!, consumerGroup!, hub.Name, selfKey, problems);
    }

    /// <summary>A consumer group of one hub may feed only one data connection.</summary>
    private void ConsumerGroupInUse(string idProperty, string hubId, string consumerGroup, string hubName, string selfKey, List<Problem> problems)
    {
        var normalized = ResourceId.Parse(hubId);
        foreach (var other in store.ListDataConnections(parent: null))
        {
            if (other.Key == selfKey || other.ProvisioningState == "Deleting")
            {
                continue;
            }

            var otherId = ResourceId.Parse(other.Properties.Str(idProperty));
            if (otherId is not null && normalized is not null && SameResource(otherId, normalized)
                && World.Same(other.Properties.Str("consumerGroup"), consumerGroup))
            {
                problems.Add(new("ConsumerGroupInUse",
                    $"Consumer group '{consumerGroup}' of '{hubName}' is already used by data connection '{other.Name}'. Each data connection needs its own consumer group."));
                return;
            }
        }
    }

    private static bool SameResource(ResourceId a, ResourceId b) =>
        World.Same(a.SubscriptionId, b.SubscriptionId) && World.Same(a.ResourceGroup, b.ResourceGroup) && World.Same(a.Provider, b.Provider)
        && a.Path.Count == b.Path.Count && a.Path.Zip(b.Path).All(p => World.Same(p.First.Type, p.Second.Type) && World.Same(p.First.Name, p.Second.Name));

    private void IdentityProblems(string? identityId, List<Problem> problems)
    {
        if (string.IsNullOrEmpty(identityId))
        {
            return;
        }

        var id = ResourceId.Parse(identityId);
        var exists = id is not null && (id.Is("Microsoft.ManagedIdentity", "userAssignedIdentities")
            ? FindGroup(id)?.UserAssignedIdentities.Any(i => World.Same(i.Name, id.Path[0].Name)) == true
            : id.Is("Microsoft.Kusto", "clusters") && FindGroup(id)?.KustoClusters.Any(c => World.Same(c.Name, id.Path[0].Name)) == true);
        if (!exists)
        {
            problems.Add(new("ManagedIdentityNotFound", $"Managed identity '{identityId}' does not exist."));
        }
    }

    private void CosmosDbProblems(JsonObject props, List<Problem> problems)
    {
        var accountText = props.Str("cosmosDbAccountResourceId");
        var id = ResourceId.Parse(accountText);
        var account = id is not null && id.Is("Microsoft.DocumentDB", "databaseAccounts")
            ? FindGroup(id)?.CosmosDbAccounts.FirstOrDefault(a => World.Same(a.Name, id.Path[0].Name))
            : null;
        if (account is null)
        {
            problems.Add(new("CosmosDbAccountNotFound", $"Cosmos DB account '{accountText}' does not exist."));
            return;
        }

        var database = World.ByName(account.SqlDatabases, props.Str("cosmosDbDatabase") ?? "");
        if (database is null)
        {
            problems.Add(new("CosmosDbDatabaseNotFound", $"Cosmos DB database '{props.Str("cosmosDbDatabase")}' does not exist in account '{account.Name}'."));
            return;
        }

        if (!database.Containers.Any(c => World.Same(c, props.Str("cosmosDbContainer"))))
        {
            problems.Add(new("CosmosDbContainerNotFound", $"Cosmos DB container '{props.Str("cosmosDbContainer")}' does not exist in database '{database.Name}'."));
        }
    }

    private static void TableProblems(string? tableName, string? mappingName, KustoScope scope, List<Problem> problems)
    {
        WorldTable? table = null;
        if (!string.IsNullOrEmpty(tableName))
        {
            table = World.ByName(scope.Database.Tables, tableName);
            if (table is null)
            {
                problems.Add(new("TableNotFound", $"Table '{tableName}' does not exist in database '{scope.Database.Name}'."));
                return;
            }
        }

        if (string.IsNullOrEmpty(mappingName))
        {
            return;
        }

        var found = table is not null
            ? table.Mappings.Any(m => World.Same(m.Name, mappingName))
            : scope.Database.Tables.Any(t => t.Mappings.Any(m => World.Same(m.Name, mappingName)));
        if (!found)
        {
            problems.Add(new("MappingNotFound", table is not null
                ? $"Ingestion mapping '{mappingName}' does not exist on table '{table.Name}'."
                : $"Ingestion mapping '{mappingName}' does not exist in database '{scope.Database.Name}'."));
        }
    }
}
