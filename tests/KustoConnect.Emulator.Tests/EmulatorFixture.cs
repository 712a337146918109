using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

/// <summary>One emulator per test class, on a free loopback port, with short operations; stopped after the class.</summary>
public class EmulatorFixture : IAsyncLifetime
{
    private readonly Dictionary<string, string> tokens = new();

    public EmulatorHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public static string Sub => "/subscriptions/" + DefaultWorld.SubscriptionId;

    public static string Rg => Sub + "/resourceGroups/" + DefaultWorld.ResourceGroup;

    public static string Database => Rg + "/providers/Microsoft.Kusto/clusters/" + DefaultWorld.ClusterName + "/databases/" + DefaultWorld.DatabaseName;

    public static string IotHub => Rg + "/providers/Microsoft.Devices/IotHubs/" + DefaultWorld.IotHubName;

    protected virtual EmulatorOptions Options => new() { OperationDuration = TimeSpan.FromSeconds(0.2) };

    /// <summary>The principal whose token requests carry when a test names none.</summary>
    protected virtual (string Tenant, string ClientId, string Secret) DefaultPrincipal => (DefaultWorld.TenantId, DefaultWorld.ClientId, DefaultWorld.ClientSecret);

    public virtual async Task InitializeAsync()
    {
        Host = await EmulatorHost.StartAsync(Options);
        Client = PinnedClient(Host);
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>An HttpClient that trusts exactly the emulator's certificate (by thumbprint) and nothing else.</summary>
    public static HttpClient PinnedClient(EmulatorHost host)
    {
        var pinned = host.Certificate.Thumbprint;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == pinned,
        };
        return new HttpClient(handler) { BaseAddress = host.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Task<HttpResponseMessage> RequestTokenAsync(string clientId, string secret, string scope = "https://management.azure.com/.default", string tenant = DefaultWorld.TenantId) =>
        Client.PostAsync($"{tenant}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = scope,
        }));

    public async Task<string> TokenAsync(string clientId = DefaultWorld.ClientId, string secret = DefaultWorld.ClientSecret, string tenant = DefaultWorld.TenantId)
    {
        if (tokens.TryGetValue(clientId, out var cached))
        {
            return cached;
        }

        using var response = await RequestTokenAsync(clientId, secret, tenant: tenant);
        response.EnsureSuccessStatusCode();
        var token = (await ReadJsonAsync(response))["access_token"]!.GetValue<string>();
        tokens[clientId] = token;
        return token;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, JsonNode? body = null, string? token = null, bool anonymous = false)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        if (!anonymous)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? await TokenAsync(DefaultPrincipal.ClientId, DefaultPrincipal.Secret, DefaultPrincipal.Tenant));
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return await Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery, string? token = null) => SendAsync(HttpMethod.Get, pathAndQuery, token: token);

    public static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) as JsonObject ?? throw new InvalidOperationException("Not a JSON object: " + text);
    }

    /// <summary>Polls an Azure-AsyncOperation URL until the operation leaves Running; returns the final status body.</summary>
    public async Task<JsonObject> PollAsync(string asyncOperationUrl)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            using var response = await SendAsync(HttpMethod.Get, new Uri(asyncOperationUrl).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await ReadJsonAsync(response);
            if (body["status"]!.GetValue<string>() != "Running")
            {
                return body;
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>A fresh consumer group on the default IoT hub, so that tests never compete for one.</summary>
    public async Task<string> NewConsumerGroupAsync(string hub = DefaultWorld.IotHubName)
    {
        var name = "cg" + Guid.NewGuid().ToString("N")[..10];
        using var response = await SendAsync(HttpMethod.Put,
            $"{Rg}/providers/Microsoft.Devices/IotHubs/{hub}/eventHubEndpoints/events/ConsumerGroups/{name}?api-version=2023-06-30",
            new JsonObject { ["properties"] = new JsonObject { ["name"] = name } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return name;
    }

    public static string NewName(string prefix = "dc") => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    public static JsonObject IotHubConnection(string consumerGroup, string? policy = "iothubowner", string? hubId = null, string? table = DefaultWorld.StormEventsTable,
        string? mapping = DefaultWorld.StormEventsCsvMapping, string? format = "CSV")
    {
        var properties = new JsonObject
        {
            ["iotHubResourceId"] = hubId ?? DefaultWorld.IotHubResourceId,
            ["consumerGroup"] = consumerGroup,
            ["sharedAccessPolicyName"] = policy,
        };
        if (table is not null)
        {
            properties["tableName"] = table;
        }

        if (mapping is not null)
        {
            properties["mappingRuleName"] = mapping;
        }

        if (format is not null)
        {
            properties["dataFormat"] = format;
        }

        return new JsonObject { ["location"] = "centralus", ["kind"] = "IotHub", ["properties"] = properties };
    }

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
}
