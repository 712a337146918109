using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace KustoConnect.Emulator.Tests;

/// <summary>An emulator whose demo principal has a registered certificate and a federated credential.</summary>
public sealed class IdentityWorldFixture : EmulatorFixture
{
    public const string FederatedIssuer = "https://token.actions.example/";
    public const string FederatedSubject = "repo:contoso/pipelines:ref:refs/heads/main";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "kc-identity-" + Guid.NewGuid().ToString("N"));
    private string worldFile = "";

    protected override EmulatorOptions Options => new() { OperationDuration = TimeSpan.FromSeconds(0.2), WorldFile = worldFile };

    public X509Certificate2 ClientCertificate { get; private set; } = null!;

    public X509Certificate2 IssuerCertificate { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        ClientCertificate = Create("CN=client");
        IssuerCertificate = Create("CN=issuer");
        var world = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, World.DefaultFileName)))!;
        var principal = world["servicePrincipals"]!.AsArray().First(p => (string?)p!["clientId"] == DefaultWorld.ClientId)!;
        principal["certificates"] = new JsonArray(Convert.ToBase64String(ClientCertificate.RawData));
        principal["federatedCredentials"] = new JsonArray(new JsonObject
        {
            ["issuer"] = FederatedIssuer,
            ["subject"] = FederatedSubject,
            ["certificate"] = Convert.ToBase64String(IssuerCertificate.RawData),
        });
        worldFile = Path.Combine(directory, "world.json");
        File.WriteAllText(worldFile, world.ToJsonString());
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        ClientCertificate.Dispose();
        IssuerCertificate.Dispose();
        Directory.Delete(directory, true);
    }

    private static X509Certificate2 Create(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}

public sealed class IdentityFlowTests : IClassFixture<IdentityWorldFixture>
{
    private readonly IdentityWorldFixture emulator;

    public IdentityFlowTests(IdentityWorldFixture emulator) => this.emulator = emulator;

    private static string Sign(X509Certificate2 certificate, string issuer, string subject, string audience) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["jti"] = Guid.NewGuid().ToString() },
            Expires = DateTime.UtcNow.AddMinutes(5),
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            SigningCredentials = new X509SigningCredentials(certificate),
        });

    private Task<HttpResponseMessage> AssertionAsync(string assertion) =>
        emulator.Client.PostAsync($"{DefaultWorld.TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = DefaultWorld.ClientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
            ["scope"] = "https://management.azure.com/.default",
        }));

    private string TokenEndpoint => new Uri(emulator.Host.BaseUri, $"{DefaultWorld.TenantId}/oauth2/v2.0/token").ToString();

    private Task<HttpResponseMessage> ManagedIdentityAsync(string? header, string? clientId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get,
            "msi/token?resource=https://management.azure.com/&api-version=2019-08-01" + (clientId == null ? "" : "&client_id=" + clientId));
        if (header != null)
        {
            request.Headers.Add("X-IDENTITY-HEADER", header);
        }

        return emulator.Client.SendAsync(request);
    }

    [Fact]
    public async Task A_client_assertion_signed_by_the_registered_certificate_gets_a_token_that_ARM_accepts()
    {
        using var response = await AssertionAsync(Sign(emulator.ClientCertificate, DefaultWorld.ClientId, DefaultWorld.ClientId, TokenEndpoint));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await EmulatorFixture.ReadJsonAsync(response))["access_token"]!.GetValue<string>();
        using var arm = await emulator.GetAsync(EmulatorFixture.Database + "/dataConnections?api-version=2024-04-13", token);
        Assert.Equal(HttpStatusCode.OK, arm.StatusCode);
    }

    [Fact]
    public async Task A_client_assertion_signed_by_another_key_is_refused_with_AADSTS700027()
    {
        using var response = await AssertionAsync(Sign(emulator.IssuerCertificate, DefaultWorld.ClientId, DefaultWorld.ClientId, TokenEndpoint));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await EmulatorFixture.ReadJsonAsync(response);
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
        Assert.Equal(700027, body["error_codes"]![0]!.GetValue<int>());
    }

    [Fact]
    public async Task A_federated_token_matching_issuer_and_subject_gets_a_token()
    {
        using var response = await AssertionAsync(Sign(emulator.IssuerCertificate, IdentityWorldFixture.FederatedIssuer, IdentityWorldFixture.FederatedSubject, "api://AzureADTokenExchange"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_federated_token_with_another_subject_is_refused_with_AADSTS700213()
    {
        using var response = await AssertionAsync(Sign(emulator.IssuerCertificate, IdentityWorldFixture.FederatedIssuer, "repo:contoso/other", "api://AzureADTokenExchange"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(700213, (await EmulatorFixture.ReadJsonAsync(response))["error_codes"]![0]!.GetValue<int>());
    }

    [Fact]
    public async Task The_managed_identity_endpoint_issues_tokens_for_the_system_and_user_assigned_identities()
    {
        using var system = await ManagedIdentityAsync(DefaultWorld.IdentityHeader);
        Assert.Equal(HttpStatusCode.OK, system.StatusCode);
        var body = await EmulatorFixture.ReadJsonAsync(system);
        Assert.Equal(DefaultWorld.SystemIdentityClientId, body["client_id"]!.GetValue<string>());
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.True(long.Parse(body["expires_on"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using var arm = await emulator.GetAsync(EmulatorFixture.Database + "/dataConnections?api-version=2024-04-13", body["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, arm.StatusCode);

        using var user = await ManagedIdentityAsync(DefaultWorld.IdentityHeader, DefaultWorld.UserIdentityClientId);
        Assert.Equal(DefaultWorld.UserIdentityClientId, (await EmulatorFixture.ReadJsonAsync(user))["client_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_managed_identity_endpoint_refuses_a_wrong_header_and_an_unknown_identity()
    {
        using var noHeader = await ManagedIdentityAsync(null);
        Assert.Equal(HttpStatusCode.Unauthorized, noHeader.StatusCode);
        using var wrong = await ManagedIdentityAsync("not-the-header");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var unknown = await ManagedIdentityAsync(DefaultWorld.IdentityHeader, DefaultWorld.ClientId);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }
}
