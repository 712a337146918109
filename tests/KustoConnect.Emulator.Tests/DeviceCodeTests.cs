using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

/// <summary>The device-code flow as MSAL drives it: devicecode, polls answered authorization_pending, approval, tokens.</summary>
public sealed class DeviceCodeTests : IClassFixture<EmulatorFixture>
{
    /// <summary>Azure PowerShell's public client, which KustoConnect signs people in with.</summary>
    private const string PublicClientId = "1950a258-227b-4e31-a9cf-717495945fc2";

    /// <summary>What MSAL sends for an ARM token: the resource's .default scope plus the OpenID Connect scopes.</summary>
    private const string MsalScope = "https://management.azure.com//.default offline_access profile openid";

    private readonly EmulatorFixture emulator;

    public DeviceCodeTests(EmulatorFixture emulator) => this.emulator = emulator;

    [Fact]
    public async Task A_code_is_pending_until_the_user_approves_it_then_redeems_once_for_user_tokens_that_ARM_accepts()
    {
        await SetSettingsAsync(new JsonObject { ["autoApproveDeviceCodes"] = false, ["deviceCodeLifetimeSeconds"] = 900 });
        var code = await RequestCodeAsync("organizations");
        var userCode = code["user_code"]!.GetValue<string>();
        var verificationUri = code["verification_uri"]!.GetValue<string>();
        Assert.Equal(new Uri(emulator.Host.BaseUri, "_emulator/devicelogin"), new Uri(verificationUri));
        Assert.Equal(
            $"To sign in, use a web browser to open the page {verificationUri} and enter the code {userCode} to authenticate.",
            code["message"]!.GetValue<string>());
        Assert.Equal(900, code["expires_in"]!.GetValue<long>());
        Assert.True(code["interval"]!.GetValue<int>() >= 1);

        var pending = await PollAsync(code);
        Assert.Equal(HttpStatusCode.BadRequest, pending.Status);
        Assert.Equal("authorization_pending", pending.Body["error"]!.GetValue<string>());
        Assert.Equal(70016, pending.Body["error_codes"]![0]!.GetValue<int>());

        var approval = await ApproveAsync(userCode, DefaultWorld.UserPrincipalName);
        Assert.Equal(HttpStatusCode.OK, approval.Status);

        var granted = await PollAsync(code);
        Assert.Equal(HttpStatusCode.OK, granted.Status);
        var body = granted.Body;
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Contains("https://management.azure.com/.default", body["scope"]!.GetValue<string>().Split(' '));
        Assert.False(string.IsNullOrEmpty(body["refresh_token"]!.GetValue<string>()));

        var access = Payload(body["access_token"]!.GetValue<string>());
        Assert.Equal("https://management.azure.com/", access["aud"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.UserPrincipalName, access["upn"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.UserPrincipalName, access["unique_name"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.UserObjectId, access["oid"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.TenantId, access["tid"]!.GetValue<string>());
        Assert.Equal("user_impersonation", access["scp"]!.GetValue<string>());
        Assert.Equal(PublicClientId, access["appid"]!.GetValue<string>());

        var id = Payload(body["id_token"]!.GetValue<string>());
        Assert.Equal(PublicClientId, id["aud"]!.GetValue<string>());
        Assert.Equal($"{emulator.Host.BaseUri.ToString().TrimEnd('/')}/{DefaultWorld.TenantId}/v2.0", id["iss"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.UserPrincipalName, id["preferred_username"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.UserDisplayName, id["name"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.UserObjectId, id["oid"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.TenantId, id["tid"]!.GetValue<string>());
        Assert.True(id["exp"]!.GetValue<long>() > id["iat"]!.GetValue<long>());

        var clientInfo = JsonNode.Parse(Base64Url(body["client_info"]!.GetValue<string>()))!;
        Assert.Equal(DefaultWorld.UserObjectId, clientInfo["uid"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.TenantId, clientInfo["utid"]!.GetValue<string>());

        // The user's own role assignment (Contributor on the subscription) authorizes ARM calls.
        using (var database = await emulator.GetAsync(EmulatorFixture.Database + "?api-version=2024-04-13", body["access_token"]!.GetValue<string>()))
        {
            Assert.Equal(HttpStatusCode.OK, database.StatusCode);
        }

        var again = await PollAsync(code);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal("invalid_grant", again.Body["error"]!.GetValue<string>());

        var refreshed = await PostFormAsync("organizations/oauth2/v2.0/token", new()
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = PublicClientId,
            ["refresh_token"] = body["refresh_token"]!.GetValue<string>(),
            ["scope"] = MsalScope,
            ["client_info"] = "1",
        });
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.Equal(DefaultWorld.UserPrincipalName, Payload(refreshed.Body["access_token"]!.GetValue<string>())["upn"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_expired_code_is_answered_expired_token_and_can_no_longer_be_approved()
    {
        await SetSettingsAsync(new JsonObject { ["autoApproveDeviceCodes"] = false, ["deviceCodeLifetimeSeconds"] = 0 });
        try
        {
            var code = await RequestCodeAsync(DefaultWorld.TenantId);

            var poll = await PollAsync(code, DefaultWorld.TenantId);
            Assert.Equal(HttpStatusCode.BadRequest, poll.Status);
            Assert.Equal("expired_token", poll.Body["error"]!.GetValue<string>());

            var approval = await ApproveAsync(code["user_code"]!.GetValue<string>(), DefaultWorld.UserPrincipalName);
            Assert.Equal(HttpStatusCode.BadRequest, approval.Status);
            Assert.Equal("DeviceCodeExpired", approval.Body["error"]!["code"]!.GetValue<string>());
        }
        finally
        {
            await SetSettingsAsync(new JsonObject { ["deviceCodeLifetimeSeconds"] = 900 });
        }
    }

    [Fact]
    public async Task Approving_as_an_unknown_user_is_refused_and_the_code_stays_pending()
    {
        await SetSettingsAsync(new JsonObject { ["autoApproveDeviceCodes"] = false, ["deviceCodeLifetimeSeconds"] = 900 });
        var code = await RequestCodeAsync("organizations");

        var approval = await ApproveAsync(code["user_code"]!.GetValue<string>(), "nobody@contoso.example");
        Assert.Equal(HttpStatusCode.NotFound, approval.Status);
        Assert.Equal("UserNotFound", approval.Body["error"]!["code"]!.GetValue<string>());

        var unknownCode = await ApproveAsync("NOSUCHCOD", DefaultWorld.UserPrincipalName);
        Assert.Equal(HttpStatusCode.NotFound, unknownCode.Status);
        Assert.Equal("DeviceCodeNotFound", unknownCode.Body["error"]!["code"]!.GetValue<string>());

        var poll = await PollAsync(code);
        Assert.Equal("authorization_pending", poll.Body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_auto_approval_the_first_poll_gets_tokens_for_the_default_user()
    {
        var settings = await SetSettingsAsync(new JsonObject { ["autoApproveDeviceCodes"] = true, ["deviceCodeLifetimeSeconds"] = 900 });
        Assert.True(settings["autoApproveDeviceCodes"]!.GetValue<bool>());
        try
        {
            var code = await RequestCodeAsync(DefaultWorld.TenantId);

            var poll = await PollAsync(code, DefaultWorld.TenantId);

            Assert.Equal(HttpStatusCode.OK, poll.Status);
            Assert.Equal(DefaultWorld.UserPrincipalName, Payload(poll.Body["access_token"]!.GetValue<string>())["upn"]!.GetValue<string>());
        }
        finally
        {
            await SetSettingsAsync(new JsonObject { ["autoApproveDeviceCodes"] = false });
        }
    }

    [Fact]
    public async Task A_confidential_application_cannot_use_the_device_code_flow()
    {
        var response = await PostFormAsync("organizations/oauth2/v2.0/devicecode", new()
        {
            ["client_id"] = DefaultWorld.ClientId,
            ["scope"] = MsalScope,
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("invalid_client", response.Body["error"]!.GetValue<string>());
    }

    private async Task<JsonObject> RequestCodeAsync(string tenant)
    {
        var response = await PostFormAsync($"{tenant}/oauth2/v2.0/devicecode", new()
        {
            ["client_id"] = PublicClientId,
            ["scope"] = MsalScope,
        });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.Body;
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> PollAsync(JsonObject code, string tenant = "organizations") =>
        PostFormAsync($"{tenant}/oauth2/v2.0/token", new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code",
            ["client_id"] = PublicClientId,
            ["device_code"] = code["device_code"]!.GetValue<string>(),
            ["client_info"] = "1",
        });

    private async Task<(HttpStatusCode Status, JsonObject Body)> ApproveAsync(string userCode, string user)
    {
        using var content = new StringContent(new JsonObject { ["userCode"] = userCode, ["user"] = user }.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await emulator.Client.PostAsync("_emulator/devicecode/approve", content);
        return (response.StatusCode, await EmulatorFixture.ReadJsonAsync(response));
    }

    private async Task<JsonObject> SetSettingsAsync(JsonObject settings)
    {
        using var content = new StringContent(settings.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await emulator.Client.PostAsync("_emulator/settings", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await EmulatorFixture.ReadJsonAsync(response);
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostFormAsync(string path, Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await emulator.Client.PostAsync(path, content);
        return (response.StatusCode, await EmulatorFixture.ReadJsonAsync(response));
    }

    private static string Base64Url(string value)
    {
        var padded = value.Replace('-', '+').Replace('_', '/');
        padded = padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '=');
        return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
    }

    private static JsonObject Payload(string jwt) => (JsonObject)JsonNode.Parse(Base64Url(jwt.Split('.')[1]))!;
}
