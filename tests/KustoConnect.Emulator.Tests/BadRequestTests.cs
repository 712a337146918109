using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

/// <summary>
/// Issue 12 point 4: whatever a client sends, the answer is a 4xx in ARM's error shape ({"error":{"code","message"}}),
/// never a 500 and never a stack trace.
/// </summary>
public sealed class BadRequestTests : IClassFixture<EmulatorFixture>
{
    private const string Version = "?api-version=2024-04-13";
    private readonly EmulatorFixture emulator;

    public BadRequestTests(EmulatorFixture emulator) => this.emulator = emulator;

    private static string ConnectionPath(string name) => $"{EmulatorFixture.Database}/dataConnections/{name}{Version}";

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>Asserts a 4xx with exactly ARM's error shape and no trace of an exception; returns the error code.</summary>
    private static async Task<string> AssertArmErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(new[] { "error" }, body.Select(p => p.Key).ToArray());
        var message = body["error"]!["message"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message));
        return body["error"]!["code"]!.GetValue<string>();
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent? content, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer ?? await emulator.TokenAsync());
        return await emulator.Client.SendAsync(request);
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30.")]
    [InlineData("not-a-token")]
    [InlineData("....")]
    [InlineData("%%%.%%%.%%%")]
    public async Task A_malformed_bearer_token_is_401_InvalidAuthenticationToken_with_WWW_Authenticate(string token)
    {
        using var response = await emulator.GetAsync(ConnectionPath("any"), token);

        Assert.Equal("InvalidAuthenticationToken", await AssertArmErrorAsync(response, HttpStatusCode.Unauthorized));
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_ARMs_4_MiB_request_limit_is_413_and_nothing_is_created()
    {
        var name = EmulatorFixture.NewName("huge");
        var body = EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync());
        body["properties"]!["padding"] = new string('x', RequestLimits.MaxRequestBodyBytes);

        using var response = await emulator.SendAsync(HttpMethod.Put, ConnectionPath(name), body);

        Assert.Equal("RequestEntityTooLarge", await AssertArmErrorAsync(response, HttpStatusCode.RequestEntityTooLarge));
        using var get = await emulator.GetAsync(ConnectionPath(name));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_without_a_length_is_413_too()
    {
        var payload = new byte[RequestLimits.MaxRequestBodyBytes + 1];
        Array.Fill(payload, (byte)' ');
        using var content = new StreamContent(new NonSeekableStream(payload));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await SendRawAsync(HttpMethod.Put, ConnectionPath(EmulatorFixture.NewName("chunked")), content);

        Assert.Equal("RequestEntityTooLarge", await AssertArmErrorAsync(response, HttpStatusCode.RequestEntityTooLarge));
    }

    [Fact]
    public async Task A_body_just_under_the_limit_is_read_and_judged_on_its_content()
    {
        var body = EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync());
        body["properties"]!["padding"] = new string('x', RequestLimits.MaxRequestBodyBytes - 1024);

        using var response = await emulator.SendAsync(HttpMethod.Put, ConnectionPath(EmulatorFixture.NewName("large")), body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task An_ARM_body_that_is_not_JSON_is_415_UnsupportedMediaType(string mediaType)
    {
        var name = EmulatorFixture.NewName("media");
        var json = EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync()).ToJsonString();
        using var content = new StringContent(json, Encoding.UTF8, mediaType);

        using var response = await SendRawAsync(HttpMethod.Put, ConnectionPath(name), content);

        Assert.Equal("UnsupportedMediaType", await AssertArmErrorAsync(response, HttpStatusCode.UnsupportedMediaType));
        using var get = await emulator.GetAsync(ConnectionPath(name));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task A_JSON_body_with_a_charset_or_a_json_suffix_is_accepted()
    {
        var json = EmulatorFixture.IotHubConnection(await emulator.NewConsumerGroupAsync()).ToJsonString();
        using var content = new StringContent(json, Encoding.UTF8, "application/merge-patch+json");

        using var response = await SendRawAsync(HttpMethod.Put, ConnectionPath(EmulatorFixture.NewName("suffix")), content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    [InlineData("{\"kind\":{\"nested\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}")]
    public async Task A_body_that_is_not_a_JSON_object_is_400(string text)
    {
        using var content = new StringContent(text, Encoding.UTF8, "application/json");

        using var response = await SendRawAsync(HttpMethod.Put, ConnectionPath(EmulatorFixture.NewName("broken")), content);

        Assert.Equal("InvalidRequestContent", await AssertArmErrorAsync(response, HttpStatusCode.BadRequest));
    }

    public static TheoryData<string> OutOfBoundsSettings => new()
    {
        "{\"operationDurationSeconds\":1e300}",
        "{\"operationDurationSeconds\":-1}",
        "{\"tokenLifetimeSeconds\":1e300}",
        "{\"tokenLifetimeSeconds\":0}",
        "{\"deviceCodeLifetimeSeconds\":604801}",
        "{\"operationRetentionSeconds\":1e20}",
        "{\"operationRetentionSeconds\":-5}",
        "{\"operationDurationSeconds\":\"soon\"}",
        "{\"autoApproveDeviceCodes\":\"yes\"}",
        "not json",
    };

    [Theory]
    [MemberData(nameof(OutOfBoundsSettings))]
    public async Task Admin_settings_out_of_bounds_are_400_and_change_nothing(string body)
    {
        using var before = await emulator.Client.GetAsync("_emulator/settings");
        var settingsBefore = await before.Content.ReadAsStringAsync();

        using var response = await emulator.Client.PostAsync("_emulator/settings", new StringContent(body, Encoding.UTF8, "application/json"));

        var code = await AssertArmErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.True(code is "InvalidPayload" or "InvalidRequestContent", code);
        using var after = await emulator.Client.GetAsync("_emulator/settings");
        Assert.Equal(settingsBefore, await after.Content.ReadAsStringAsync());
    }

    public static TheoryData<string> InvalidFaults => new()
    {
        "{\"pathPattern\":\"(unclosed\",\"statusCode\":503}",
        "{\"pathPattern\":\"[z-a]\",\"statusCode\":503}",
        "{\"pathPattern\":\"x\",\"statusCode\":503,\"count\":0}",
        "{\"pathPattern\":\"x\",\"statusCode\":503,\"count\":1e12}",
        "{\"pathPattern\":\"x\",\"statusCode\":503,\"count\":2147483648}",
        "{\"pathPattern\":\"x\",\"latencyMilliseconds\":1e300}",
        "{\"pathPattern\":\"x\",\"latencyMilliseconds\":-1}",
        "{\"pathPattern\":\"x\",\"statusCode\":99}",
        "{\"pathPattern\":\"x\",\"statusCode\":503,\"retryAfterSeconds\":-1}",
        "{\"pathPattern\":\"x\",\"statusCode\":503,\"retryAfterSeconds\":99999999}",
        "{\"pathPattern\":\"x\",\"statusCode\":\"503\"}",
        "{\"pathPattern\":\"x\"}",
    };

    [Theory]
    [MemberData(nameof(InvalidFaults))]
    public async Task An_invalid_fault_is_refused_with_400(string body)
    {
        using var response = await emulator.Client.PostAsync("_emulator/faults", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal("InvalidPayload", await AssertArmErrorAsync(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_fault_pattern_longer_than_1000_characters_is_refused()
    {
        using var response = await emulator.Client.PostAsync("_emulator/faults", Json(new JsonObject { ["pathPattern"] = new string('a', 1001), ["statusCode"] = 503 }));

        Assert.Equal("InvalidPayload", await AssertArmErrorAsync(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_catastrophically_backtracking_fault_pattern_times_out_matches_nothing_and_is_dropped()
    {
        using (var add = await emulator.Client.PostAsync("_emulator/faults", Json(new JsonObject { ["pathPattern"] = "^/(a+)+$", ["statusCode"] = 503, ["count"] = 1000 })))
        {
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        }

        // A path the pattern backtracks on exponentially: the match times out; the request is served as if no fault matched.
        using (var evil = await emulator.GetAsync("/" + new string('a', 40) + "!" + Version))
        {
            Assert.NotEqual(HttpStatusCode.InternalServerError, evil.StatusCode);
            Assert.NotEqual(HttpStatusCode.ServiceUnavailable, evil.StatusCode);
        }

        using (var next = await emulator.GetAsync(EmulatorFixture.Database + Version))
        {
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        using var faults = await emulator.Client.GetAsync("_emulator/faults");
        Assert.DoesNotContain((await EmulatorFixture.ReadJsonAsync(faults))["value"]!.AsArray(), f => f!["pathPattern"]!.GetValue<string>() == "^/(a+)+$");
    }

    [Fact]
    public async Task Unknown_paths_and_methods_are_4xx_in_ARMs_shape()
    {
        using (var unknown = await emulator.GetAsync("/subscriptions/" + DefaultWorld.SubscriptionId + "/resourceGroups/testrg/providers/Microsoft.Nope/things/x" + Version))
        {
            Assert.Equal("InvalidResourceType", await AssertArmErrorAsync(unknown, HttpStatusCode.NotFound));
        }

        using (var noVersion = await emulator.GetAsync(EmulatorFixture.Database))
        {
            Assert.Equal("MissingApiVersionParameter", await AssertArmErrorAsync(noVersion, HttpStatusCode.BadRequest));
        }

        using (var admin = await emulator.Client.GetAsync("_emulator/nothing-here"))
        {
            Assert.Equal("NotFound", await AssertArmErrorAsync(admin, HttpStatusCode.NotFound));
        }

        using var options = await emulator.SendAsync(HttpMethod.Options, ConnectionPath("x"));
        Assert.Equal("MethodNotAllowed", await AssertArmErrorAsync(options, HttpStatusCode.MethodNotAllowed));
    }

    /// <summary>A stream without a length, so that HttpClient sends the body chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
