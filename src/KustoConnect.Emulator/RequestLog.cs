using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;

namespace KustoConnect.Emulator;

/// <summary>
/// The in-memory request log, bounded: at most <see cref="Capacity"/> entries (the oldest go first) and at most
/// <see cref="MaxBodyChars"/> characters of each request body. Bodies are recorded with every secret redacted (see
/// <see cref="LoggedBodies"/>); headers (and so tokens) are never recorded.
/// </summary>
internal sealed class RequestLog
{
    /// <summary>How many requests the log keeps.</summary>
    public const int Capacity = 10_000;

    /// <summary>How many characters of one request body the log keeps (the rest is cut and the entry says so).</summary>
    public const int MaxBodyChars = 16 * 1024;

    private readonly object sync = new();
    private readonly Queue<RequestLogEntry> entries = new();
    private long sequence;

    /// <summary>The next sequence number: a strictly increasing order of arrival that survives <see cref="Clear"/>.</summary>
    public long NextSequence() => Interlocked.Increment(ref sequence);

    public void Add(RequestLogEntry entry)
    {
        lock (sync)
        {
            entries.Enqueue(entry);
            while (entries.Count > Capacity)
            {
                entries.Dequeue();
            }
        }
    }

    public IReadOnlyList<RequestLogEntry> Snapshot()
    {
        lock (sync)
        {
            return entries.ToArray();
        }
    }

    public void Clear()
    {
        lock (sync)
        {
            entries.Clear();
        }
    }
}

/// <summary>How request bodies are written into the request log: secrets redacted, length bounded.</summary>
internal static class LoggedBodies
{
    /// <summary>What replaces a secret's value.</summary>
    public const string Redacted = "***";

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>
    /// Whether a field's name marks its value as secret: client secrets and assertions, passwords, tokens (access,
    /// refresh, id, device and authorization codes), keys and key-bearing connection strings, signatures, credentials.
    /// </summary>
    public static bool IsSecret(string name)
    {
        var n = name.ToLowerInvariant();
        if (n is "keyname" or "key_name" or "tokentype" or "token_type")
        {
            return false;
        }

        return n.Contains("secret", StringComparison.Ordinal) || n.Contains("password", StringComparison.Ordinal)
            || n.Contains("assertion", StringComparison.Ordinal) || n.Contains("token", StringComparison.Ordinal)
            || n.Contains("key", StringComparison.Ordinal) || n.Contains("connectionstring", StringComparison.Ordinal)
            || n.Contains("credential", StringComparison.Ordinal) || n.Contains("signature", StringComparison.Ordinal)
            || n is "code" or "device_code" or "user_code" or "sig" or "authorization";
    }

    /// <summary>
    /// The body as the log keeps it: JSON and form bodies with secret values replaced by <see cref="Redacted"/>, other
    /// content only described (it may hold anything), all cut to <see cref="RequestLog.MaxBodyChars"/>. Null for no body.
    /// </summary>
    public static string? Describe(ReadOnlySpan<byte> body, string? contentType)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        var media = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        string text;
        if (media == "application/x-www-form-urlencoded")
        {
            text = RedactForm(Encoding.UTF8.GetString(body));
        }
        else if (media == "application/json" || media.EndsWith("+json", StringComparison.Ordinal) || media.Length == 0)
        {
            try
            {
                var node = JsonNode.Parse(body);
                text = node is null ? "null" : Redact(node).ToJsonString(Compact);
            }
            catch (JsonException)
            {
                text = $"[{body.Length} bytes that are not JSON; not recorded]";
            }
        }
        else
        {
            text = $"[{body.Length} bytes of '{media}'; not recorded]";
        }

        return text.Length <= RequestLog.MaxBodyChars ? text : text[..RequestLog.MaxBodyChars] + "…[cut]";
    }

    private static JsonNode Redact(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in new List<string>(KeysOf(obj)))
                {
                    if (IsSecret(key) && obj[key] is JsonValue)
                    {
                        obj[key] = Redacted;
                    }
                    else if (obj[key] is { } child)
                    {
                        Redact(child);
                    }
                }

                return obj;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        Redact(item);
                    }
                }

                return array;
            default:
                return node;
        }
    }

    private static IEnumerable<string> KeysOf(JsonObject obj)
    {
        foreach (var (key, _) in obj)
        {
            yield return key;
        }
    }

    private static string RedactForm(string form)
    {
        var parts = form.Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=', StringComparison.Ordinal);
            var rawName = eq < 0 ? parts[i] : parts[i][..eq];
            string name;
            try
            {
                name = Uri.UnescapeDataString(rawName.Replace('+', ' '));
            }
            catch (UriFormatException)
            {
                name = rawName;
            }

            if (eq >= 0 && IsSecret(name))
            {
                parts[i] = rawName + "=" + Redacted;
            }
        }

        return string.Join('&', parts);
    }
}
