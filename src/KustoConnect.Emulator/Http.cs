using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace KustoConnect.Emulator;

/// <summary>Writes responses the way ARM does: JSON with charset, errors as {"error":{"code","message"}}.</summary>
internal static class Http
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static Task Json(HttpContext ctx, int status, JsonNode? body, CancellationToken cancellationToken = default)
    {
        ctx.Response.StatusCode = status;
        if (body is null)
        {
            ctx.Response.ContentLength = 0;
            return Task.CompletedTask;
        }

        ctx.Response.ContentType = "application/json; charset=utf-8";
        return ctx.Response.WriteAsync(body.ToJsonString(Compact), cancellationToken);
    }

    public static Task Error(HttpContext ctx, int status, string code, string message) =>
        Json(ctx, status, ErrorBody(code, message));

    public static JsonObject ErrorBody(string code, string message) =>
        new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    public static Task Empty(HttpContext ctx, int status)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    public static JsonObject List(IEnumerable<JsonNode> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(item);
        }

        return new JsonObject { ["value"] = array };
    }

    /// <summary>Reads the request body as a JSON object; null with an error message when it is not one.</summary>
    public static async Task<(JsonObject? Body, string? Error)> ReadObjectAsync(HttpContext ctx)
    {
        try
        {
            var node = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted).ConfigureAwait(false);
            return node is JsonObject obj ? (obj, null) : (null, "The request content must be a JSON object.");
        }
        catch (JsonException ex)
        {
            return (null, ex.Message);
        }
    }

    public static string? Str(this JsonObject obj, string name)
    {
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && value is JsonValue v && v.TryGetValue<string>(out var s))
            {
                return s;
            }
        }

        return null;
    }

    public static JsonNode? Prop(this JsonObject obj, string name)
    {
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    public static string BaseUrl(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}";
}

/// <summary>An ARM resource id parsed case-insensitively: subscription, resource group, provider, (type, name) pairs.</summary>
internal sealed record ResourceId(string SubscriptionId, string? ResourceGroup, string? Provider, IReadOnlyList<(string Type, string Name)> Path)
{
    public static ResourceId? Parse(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        var s = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (s.Length < 2 || !World.Same(s[0], "subscriptions"))
        {
            return null;
        }

        var i = 2;
        string? rg = null;
        if (s.Length >= 4 && World.Same(s[2], "resourceGroups"))
        {
            rg = s[3];
            i = 4;
        }

        if (i == s.Length)
        {
            return new ResourceId(s[1], rg, null, Array.Empty<(string, string)>());
        }

        if (s.Length < i + 2 || !World.Same(s[i], "providers"))
        {
            return null;
        }

        var provider = s[i + 1];
        var rest = s.AsSpan(i + 2);
        if (rest.Length == 0 || rest.Length % 2 != 0)
        {
            return null;
        }

        var pairs = new List<(string, string)>();
        for (var j = 0; j < rest.Length; j += 2)
        {
            pairs.Add((rest[j], Uri.UnescapeDataString(rest[j + 1])));
        }

        return new ResourceId(s[1], rg, provider, pairs);
    }

    /// <summary>Whether this id is of the given provider and types, e.g. ("Microsoft.Devices", "IotHubs").</summary>
    public bool Is(string provider, params string[] types)
    {
        if (ResourceGroup is null || !World.Same(Provider, provider) || Path.Count != types.Length)
        {
            return false;
        }

        for (var i = 0; i < types.Length; i++)
        {
            if (!World.Same(Path[i].Type, types[i]))
            {
                return false;
            }
        }

        return true;
    }
}
