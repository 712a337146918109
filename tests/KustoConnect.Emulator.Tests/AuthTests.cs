using System;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

public sealed class AuthTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture emulator;

    public AuthTests(EmulatorFixture emulator) => this.emulator = emulator;

    private static string Cluster => EmulatorFixture.Rg + "/providers/Microsoft.Kusto/clusters/" + DefaultWorld.ClusterName + "?api-version=2024-04-13";

    private static async Task<(string Code, string Message)> ArmErrorAsync(HttpResponseMessage response)
    {
        var error = (await EmulatorFixture.ReadJsonAsync(response))["error"]!;
        return (error["code"]!.GetValue<string>(), error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_request_without_a_token_is_401_AuthenticationFailed_with_a_bearer_challenge()
    {
        using var response = await emulator.SendAsync(HttpMethod.Get, Cluster, anonymous: true);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("authorization_uri=", challenge.Parameter, StringComparison.Ordinal);
        Assert.Equal("AuthenticationFailed", (await ArmErrorAsync(response)).Code);
    }

    [Fact]
    public async Task A_token_not_signed_by_the_emulator_is_401_InvalidAuthenticationToken()
    {
        var token = await emulator.TokenAsync();
        var parts = token.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + new string('A', parts[2].Length);

        using var response = await emulator.SendAsync(HttpMethod.Get, Cluster, token: forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("InvalidAuthenticationToken", (await ArmErrorAsync(response)).Code);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_401_naming_the_allowed_audiences()
    {
        using var tokenResponse = await emulator.RequestTokenAsync(DefaultWorld.ClientId, DefaultWorld.ClientSecret, scope: "https://storage.example/.default");
        var token = (await EmulatorFixture.ReadJsonAsync(tokenResponse))["access_token"]!.GetValue<string>();

        using var response = await emulator.SendAsync(HttpMethod.Get, Cluster, token: token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var (code, message) = await ArmErrorAsync(response);
        Assert.Equal("InvalidAuthenticationToken", code);
        Assert.Contains("https://management.azure.com/", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_legacy_management_audience_is_accepted()
    {
        using var tokenResponse = await emulator.RequestTokenAsync(DefaultWorld.ClientId, DefaultWorld.ClientSecret, scope: "https://management.core.windows.net//.default");
        var token = (await EmulatorFixture.ReadJsonAsync(tokenResponse))["access_token"]!.GetValue<string>();

        using var response = await emulator.SendAsync(HttpMethod.Get, Cluster, token: token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_reader_may_read_but_a_write_is_403_AuthorizationFailed()
    {
        var reader = await emulator.TokenAsync(DefaultWorld.ReaderClientId, DefaultWorld.ReaderClientSecret);
        using var read = await emulator.SendAsync(HttpMethod.Get, Cluster, token: reader);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        var path = $"{EmulatorFixture.Database}/dataConnections/{EmulatorFixture.NewName()}?api-version=2024-04-13";
        using var write = await emulator.SendAsync(HttpMethod.Put, path, EmulatorFixture.IotHubConnection("kusto"), token: reader);

        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        var (code, message) = await ArmErrorAsync(write);
        Assert.Equal("AuthorizationFailed", code);
        Assert.Contains("does not have authorization to perform action 'Microsoft.Kusto/clusters/databases/dataConnections/write' over scope", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_cannot_list_iot_hub_keys()
    {
        var reader = await emulator.TokenAsync(DefaultWorld.ReaderClientId, DefaultWorld.ReaderClientSecret);

        using var response = await emulator.SendAsync(HttpMethod.Post, EmulatorFixture.IotHub + "/listkeys?api-version=2023-06-30", token: reader);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("AuthorizationFailed", (await ArmErrorAsync(response)).Code);
    }

    [Fact]
    public async Task An_expired_token_is_401_ExpiredAuthenticationToken()
    {
        using (var settings = await emulator.Client.PostAsync("_emulator/settings", Json(new JsonObject { ["tokenLifetimeSeconds"] = 1 })))
        {
            Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        }

        string shortLived;
        try
        {
            using var tokenResponse = await emulator.RequestTokenAsync(DefaultWorld.ClientId, DefaultWorld.ClientSecret);
            shortLived = (await EmulatorFixture.ReadJsonAsync(tokenResponse))["access_token"]!.GetValue<string>();
        }
        finally
        {
            using var restore = await emulator.Client.PostAsync("_emulator/settings", Json(new JsonObject { ["tokenLifetimeSeconds"] = 3600 }));
        }

        // exp has one-second resolution: after two seconds the token is certainly past its expiry.
        await Task.Delay(TimeSpan.FromSeconds(2));
        using var response = await emulator.SendAsync(HttpMethod.Get, Cluster, token: shortLived);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("ExpiredAuthenticationToken", (await ArmErrorAsync(response)).Code);
    }

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
