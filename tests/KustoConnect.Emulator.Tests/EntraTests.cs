using System;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

public sealed class EntraTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture emulator;

    public EntraTests(EmulatorFixture emulator) => this.emulator = emulator;

    private static JsonObject Payload(string jwt)
    {
        var part = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=');
        return (JsonObject)JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(part)))!;
    }

    [Fact]
    public async Task Client_credentials_issue_an_RS256_token_for_the_management_audience()
    {
        using var response = await emulator.RequestTokenAsync(DefaultWorld.ClientId, DefaultWorld.ClientSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await EmulatorFixture.ReadJsonAsync(response);
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal(3600, body["expires_in"]!.GetValue<long>());
        Assert.Equal(3600, body["ext_expires_in"]!.GetValue<long>());
        var jwt = body["access_token"]!.GetValue<string>();
        var header = (JsonObject)JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(jwt.Split('.')[0].Replace('-', '+').Replace('_', '/').PadRight(((jwt.Split('.')[0].Length + 3) / 4) * 4, '='))))!;
        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.Equal(emulator.Host.Certificate.Thumbprint, header["kid"]!.GetValue<string>());
        var claims = Payload(jwt);
        Assert.Equal("https://management.azure.com/", claims["aud"]!.GetValue<string>());
        Assert.Equal($"https://sts.windows.net/{DefaultWorld.TenantId}/", claims["iss"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.TenantId, claims["tid"]!.GetValue<string>());
        Assert.Equal(DefaultWorld.ClientId, claims["appid"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(claims["oid"]!.GetValue<string>()));
        Assert.Equal(claims["oid"]!.GetValue<string>(), claims["sub"]!.GetValue<string>());
        Assert.Equal(3600, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());
        Assert.True(claims["nbf"]!.GetValue<long>() <= claims["iat"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_wrong_secret_is_answered_401_invalid_client_AADSTS7000215_without_echoing_the_secret()
    {
        const string wrong = "not-the-secret-Zz91";
        using var response = await emulator.RequestTokenAsync(DefaultWorld.ClientId, wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = (JsonObject)JsonNode.Parse(text)!;
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
        Assert.StartsWith("AADSTS7000215: Invalid client secret provided.", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(7000215, body["error_codes"]![0]!.GetValue<int>());
        Assert.DoesNotContain(wrong, text, StringComparison.Ordinal);
        Assert.DoesNotContain(DefaultWorld.ClientSecret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_client_is_AADSTS700016_and_an_unknown_tenant_is_AADSTS90002()
    {
        using var unknownClient = await emulator.RequestTokenAsync(Guid.NewGuid().ToString(), "x");
        Assert.Equal(HttpStatusCode.BadRequest, unknownClient.StatusCode);
        var clientBody = await EmulatorFixture.ReadJsonAsync(unknownClient);
        Assert.Equal("unauthorized_client", clientBody["error"]!.GetValue<string>());
        Assert.Equal(700016, clientBody["error_codes"]![0]!.GetValue<int>());

        using var unknownTenant = await emulator.RequestTokenAsync(DefaultWorld.ClientId, DefaultWorld.ClientSecret, tenant: Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.BadRequest, unknownTenant.StatusCode);
        var tenantBody = await EmulatorFixture.ReadJsonAsync(unknownTenant);
        Assert.Equal(90002, tenantBody["error_codes"]![0]!.GetValue<int>());
    }

    [Fact]
    public async Task A_scope_without_dot_default_is_refused_as_invalid_scope()
    {
        using var response = await emulator.RequestTokenAsync(DefaultWorld.ClientId, DefaultWorld.ClientSecret, scope: "https://management.azure.com/user_impersonation");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_scope", (await EmulatorFixture.ReadJsonAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_openid_configuration_has_the_endpoints_MSAL_needs_and_the_jwks_holds_the_signing_key()
    {
        using var response = await emulator.Client.GetAsync($"{DefaultWorld.TenantId}/v2.0/.well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await EmulatorFixture.ReadJsonAsync(response);
        foreach (var field in new[] { "issuer", "authorization_endpoint", "token_endpoint", "end_session_endpoint", "jwks_uri" })
        {
            Assert.StartsWith(emulator.Host.BaseUri.ToString().TrimEnd('/'), doc[field]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using var jwks = await emulator.Client.GetAsync(new Uri(doc["jwks_uri"]!.GetValue<string>()).PathAndQuery.TrimStart('/'));
        var keys = (await EmulatorFixture.ReadJsonAsync(jwks))["keys"]!.AsArray();
        var key = Assert.Single(keys)!;
        Assert.Equal(emulator.Host.Certificate.Thumbprint, key["kid"]!.GetValue<string>());
        Assert.Equal("RSA", key["kty"]!.GetValue<string>());
    }
}
