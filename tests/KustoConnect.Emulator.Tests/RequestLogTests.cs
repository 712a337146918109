using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

/// <summary>
/// Issue 12 point 6: the request log records bodies with secrets redacted, is cleared by reset, logs an abandoned
/// request as such, and is bounded.
/// </summary>
public sealed class RequestLogTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture emulator;

    public RequestLogTests(EmulatorFixture emulator) => this.emulator = emulator;

    private async Task<JsonArray> AdminLogAsync()
    {
        using var response = await emulator.Client.GetAsync("_emulator/requests");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await EmulatorFixture.ReadJsonAsync(response))["value"]!.AsArray();
    }

    [Fact]
    public async Task A_token_request_is_logged_with_its_form_body_and_the_client_secret_redacted()
    {
        emulator.Host.ClearRequestLog();
        using var token = await emulator.RequestTokenAsync(DefaultWorld.ClientId, DefaultWorld.ClientSecret);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);

        var entry = Assert.Single(emulator.Host.RequestLog, e => e.Path.Contains("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.Equal("application/x-www-form-urlencoded", entry.ContentType);
        Assert.Contains("client_id=" + DefaultWorld.ClientId, entry.RequestBody, StringComparison.Ordinal);
        Assert.Contains("client_secret=***", entry.RequestBody, StringComparison.Ordinal);
        Assert.Contains("grant_type=client_credentials", entry.RequestBody, StringComparison.Ordinal);
        Assert.DoesNotContain(DefaultWorld.ClientSecret, entry.RequestBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(DefaultWorld.ClientSecret), entry.RequestBody, StringComparison.Ordinal);

        var listed = (await AdminLogAsync()).Single(e => e!["path"]!.GetValue<string>().Contains("/oauth2/v2.0/token", StringComparison.Ordinal))!;
        Assert.Equal("POST", listed["method"]!.GetValue<string>());
        Assert.Equal(200, listed["status"]!.GetValue<int>());
        Assert.Equal("Completed", listed["outcome"]!.GetValue<string>());
        Assert.Contains("client_secret=***", listed["requestBody"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(DefaultWorld.ClientSecret, listed.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_JSON_body_is_logged_with_every_secret_field_redacted_at_any_depth_and_the_rest_kept()
    {
        emulator.Host.ClearRequestLog();
        var name = EmulatorFixture.NewName("logged");
        var body = EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync());
        body["properties"]!["password"] = "hunter2-password";
        body["properties"]!["nested"] = new JsonObject
        {
            ["primaryKey"] = "primary-key-value", ["connectionString"] = "HostName=x;SharedAccessKey=sak-value", ["keyName"] = "iothubowner",
            ["items"] = new JsonArray(new JsonObject { ["access_token"] = "token-value", ["client_assertion"] = "assertion-value" }),
        };

        using var put = await emulator.SendAsync(HttpMethod.Put, $"{EmulatorFixture.Database}/dataConnections/{name}?api-version=2024-04-13", body);

        var entry = Assert.Single(emulator.Host.RequestLog, e => e.Method == "PUT" && e.Path.Contains(name, StringComparison.Ordinal));
        var logged = JsonNode.Parse(entry.RequestBody!)!;
        Assert.Equal(DefaultWorld.IotHubResourceId, logged["properties"]!["iotHubResourceId"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.StormEventsTable, logged["properties"]!["tableName"]!.GetValue<string>());
        Assert.Equal("iothubowner", logged["properties"]!["nested"]!["keyName"]!.GetValue<string>());
        Assert.Equal("***", logged["properties"]!["password"]!.GetValue<string>());
        Assert.Equal("***", logged["properties"]!["nested"]!["primaryKey"]!.GetValue<string>());
        Assert.Equal("***", logged["properties"]!["nested"]!["connectionString"]!.GetValue<string>());
        Assert.Equal("***", logged["properties"]!["nested"]!["items"]![0]!["access_token"]!.GetValue<string>());
        Assert.Equal("***", logged["properties"]!["nested"]!["items"]![0]!["client_assertion"]!.GetValue<string>());
        foreach (var secret in new[] { "hunter2-password", "primary-key-value", "sak-value", "token-value", "assertion-value" })
        {
            Assert.DoesNotContain(secret, entry.RequestBody, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_log_never_holds_the_bearer_token()
    {
        emulator.Host.ClearRequestLog();
        var token = await emulator.TokenAsync();
        using var get = await emulator.GetAsync(EmulatorFixture.Database + "?api-version=2024-04-13");

        Assert.DoesNotContain(token, (await AdminLogAsync()).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_clears_the_request_log()
    {
        using (var get = await emulator.GetAsync(EmulatorFixture.Database + "?api-version=2024-04-13"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        Assert.NotEmpty(emulator.Host.RequestLog);

        using (var reset = await emulator.Client.PostAsync("_emulator/reset", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        Assert.Empty(emulator.Host.RequestLog);
        Assert.Empty(await AdminLogAsync());
    }

    [Fact]
    public async Task A_request_the_client_abandons_is_logged_as_Abandoned_with_status_0_not_200()
    {
        var name = EmulatorFixture.NewName("abandoned");
        var path = $"{EmulatorFixture.Database}/dataConnections/{name}?api-version=2024-04-13";
        using (var add = await emulator.Client.PostAsync("_emulator/faults", new StringContent(
            new JsonObject { ["method"] = "GET", ["pathPattern"] = name, ["latencyMilliseconds"] = 60_000 }.ToJsonString(), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        }

        var token = await emulator.TokenAsync();
        using var cancel = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var sending = emulator.Client.SendAsync(request, cancel.Token);

        // Cancel once the emulator has the request (its fault was taken), then wait for the log to record the ending.
        await WaitUntilAsync(async () => !(await FaultsAsync()).Any(f => f!["pathPattern"]!.GetValue<string>() == name));
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        await WaitUntilAsync(() => Task.FromResult(emulator.Host.RequestLog.Any(e => e.Path.Contains(name, StringComparison.Ordinal))));

        var entry = Assert.Single(emulator.Host.RequestLog, e => e.Path.Contains(name, StringComparison.Ordinal));
        Assert.Equal(RequestOutcomes.Abandoned, entry.Outcome);
        Assert.Equal(0, entry.StatusCode);
    }

    [Fact]
    public async Task Sequence_numbers_give_the_order_of_arrival()
    {
        emulator.Host.ClearRequestLog();
        for (var i = 0; i < 5; i++)
        {
            using var get = await emulator.GetAsync(EmulatorFixture.Database + "?api-version=2024-04-13&n=" + i);
        }

        var sequences = emulator.Host.RequestLog.Select(e => e.Sequence).ToArray();
        Assert.Equal(5, sequences.Length);
        Assert.Equal(sequences.OrderBy(s => s), sequences);
        Assert.Equal(sequences.Length, sequences.Distinct().Count());
    }

    [Fact]
    public void The_log_keeps_the_newest_10000_entries()
    {
        var log = new RequestLog();
        for (var i = 1; i <= RequestLog.Capacity + 50; i++)
        {
            log.Add(new RequestLogEntry("GET", "/" + i, 200) { Sequence = log.NextSequence() });
        }

        var kept = log.Snapshot();
        Assert.Equal(RequestLog.Capacity, kept.Count);
        Assert.Equal("/51", kept[0].Path);
        Assert.Equal("/" + (RequestLog.Capacity + 50), kept[^1].Path);
    }

    [Fact]
    public void A_logged_body_is_cut_at_16_KiB_characters_and_other_media_types_are_only_described()
    {
        var big = Encoding.UTF8.GetBytes(new JsonObject { ["tableName"] = new string('t', 100_000) }.ToJsonString());
        var logged = LoggedBodies.Describe(big, "application/json")!;
        Assert.True(logged.Length <= RequestLog.MaxBodyChars + 10, logged.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("[cut]", logged, StringComparison.Ordinal);

        var xml = LoggedBodies.Describe(Encoding.UTF8.GetBytes("<secret>s3cr3t</secret>"), "application/xml")!;
        Assert.DoesNotContain("s3cr3t", xml, StringComparison.Ordinal);
        Assert.Contains("application/xml", xml, StringComparison.Ordinal);
        Assert.Null(LoggedBodies.Describe(ReadOnlySpan<byte>.Empty, "application/json"));
    }

    private async Task<JsonArray> FaultsAsync()
    {
        using var response = await emulator.Client.GetAsync("_emulator/faults");
        return (await EmulatorFixture.ReadJsonAsync(response))["value"]!.AsArray();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("The condition did not become true within 30 s.");
    }
}
