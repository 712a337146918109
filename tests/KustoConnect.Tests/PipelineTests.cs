using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Models;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>The shape of Az.IotHub's PSIotHub (what Get-AzIotHub writes), for a stand-in Get-AzIotHub.</summary>
    public sealed class PSIotHub
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public string? Type { get; set; }

        public string? Location { get; set; }

        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();

        public string? Subscriptionid { get; set; }

        public string? Resourcegroup { get; set; }

        public PSIotHubProperties Properties { get; set; } = new PSIotHubProperties();

        public PSIotHubSkuInfo Sku { get; set; } = new PSIotHubSkuInfo();

        public static PSIotHub Of(string name, string? resourceGroup = null, string location = "westeurope") => new PSIotHub
        {
            Id = "/subscriptions/" + DefaultWorld.SubscriptionId + "/resourceGroups/" + (resourceGroup ?? DefaultWorld.ResourceGroup) + "/providers/Microsoft.Devices/IotHubs/" + name,
            Name = name,
            Type = "Microsoft.Devices/IotHubs",
            Location = location,
            Tags = new Dictionary<string, string> { ["env"] = "test" },
            Subscriptionid = DefaultWorld.SubscriptionId,
            Resourcegroup = resourceGroup ?? DefaultWorld.ResourceGroup,
            Properties = new PSIotHubProperties { HostName = name + ".azure-devices.net", State = "Active" },
            Sku = new PSIotHubSkuInfo { Name = "S1", Tier = "Standard", Capacity = 1 },
        };
    }

    public sealed class PSIotHubProperties
    {
        public string? HostName { get; set; }

        public string? State { get; set; }
    }

    public sealed class PSIotHubSkuInfo
    {
        public string? Name { get; set; }

        public string? Tier { get; set; }

        public long Capacity { get; set; }
    }

    /// <summary>Pipelines into New-Kusto*Connection, Update- and Remove-KustoDataConnection, and tab completion.</summary>
    public sealed class PipelineTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private const string Target = "-ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase";
        private readonly HostedSession _session;

        public PipelineTests(EmulatorFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            _session.Run("function Get-AzIotHub { $hubs }", new Dictionary<string, object?>
            {
                ["hubs"] = new[] { PSIotHub.Of(DefaultWorld.IotHubName), PSIotHub.Of(DefaultWorld.SecondIotHubName) },
            }).Shell.Dispose();
            fixture.Host.ClearRequestLog();
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void Piped_iot_hubs_each_get_a_connection_named_after_the_hub_with_a_ServiceConnect_only_policy()
        {
            var (output, shell) = _session.Run($"Get-AzIotHub | New-KustoIotHubConnection {Target} -TableName StormEvents -DataFormat csv -Verbose");

            Assert.Empty(shell.Streams.Error);
            var created = output.Select(o => Assert.IsType<KustoIotHubDataConnection>(o.BaseObject)).ToList();
            Assert.Equal(new[] { DefaultWorld.IotHubName, DefaultWorld.SecondIotHubName }, created.Select(c => c.Name));
            Assert.All(created, c => Assert.Equal("service", c.SharedAccessPolicyName));
            Assert.Equal(
                new[] { DefaultWorld.IotHubResourceId.ToUpperInvariant(), PSIotHub.Of(DefaultWorld.SecondIotHubName).Id!.ToUpperInvariant() },
                created.Select(c => c.IotHubResourceId!.ToUpperInvariant()));

            // The hub's location (westeurope) did not become the connection's: the cluster's was read and used.
            Assert.All(created, c => Assert.Equal(DefaultWorld.Location, c.Location));
            Assert.Contains(shell.Streams.Verbose, v => v.Message.Contains("'service'", StringComparison.Ordinal) && v.Message.Contains(DefaultWorld.IotHubName, StringComparison.Ordinal));

            var puts = _session.DataConnectionRequests("PUT").Select(e => e.Path).ToList();
            Assert.Equal(2, puts.Count);
            Assert.Contains(puts, p => p.Contains("/dataConnections/" + DefaultWorld.IotHubName + "?", StringComparison.OrdinalIgnoreCase));
            Assert.Contains(puts, p => p.Contains("/dataConnections/" + DefaultWorld.SecondIotHubName + "?", StringComparison.OrdinalIgnoreCase));
            var listKeys = ListKeysRequests();
            Assert.Equal(2, listKeys.Count);
            Assert.All(listKeys, e => Assert.Contains("api-version=2023-06-30", e.Path, StringComparison.Ordinal));
        }

        [Fact]
        public void The_chosen_policy_is_read_through_listkeys_but_no_key_reaches_any_stream()
        {
            var (output, shell) = _session.Run($"Get-AzIotHub | Select-Object -First 1 | New-KustoIotHubConnection {Target} -Verbose -Debug -InformationAction Continue | ConvertTo-Json -Depth 5");
            Assert.Contains("\"SharedAccessPolicyName\": \"service\"", (string)Assert.Single(output).BaseObject, StringComparison.Ordinal);
            Assert.NotEmpty(shell.Streams.Verbose);
            var everything = string.Join("\n", output.Select(o => (string)o.BaseObject)
                .Concat(shell.Streams.Verbose.Select(v => v.Message))
                .Concat(shell.Streams.Debug.Select(d => d.Message))
                .Concat(shell.Streams.Information.Select(i => i.ToString()))
                .Concat(shell.Streams.Warning.Select(w => w.Message))
                .Concat(shell.Streams.Error.Select(e => e.ToString())));
            var world = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "world.default.json"));
            foreach (var key in JsonNode.Parse(world)!.AsObject()["subscriptions"]!.AsArray()
                .SelectMany(s => s!["resourceGroups"]!.AsArray()).SelectMany(g => g!["iotHubs"]!.AsArray())
                .SelectMany(h => h!["sharedAccessPolicies"]!.AsArray())
                .SelectMany(p => new[] { (string)p!["primaryKey"]!, (string)p!["secondaryKey"]! }))
            {
                Assert.DoesNotContain(key, everything, StringComparison.Ordinal);
            }

            Assert.Single(ListKeysRequests());
        }

        [Fact]
        public void An_explicit_policy_name_sends_no_listkeys()
        {
            var (output, shell) = _session.Run($"Get-AzIotHub | Select-Object -First 1 | New-KustoIotHubConnection {Target} -Name explicit-policy -SharedAccessPolicyName iothubowner -ConsumerGroup kusto");

            Assert.Empty(shell.Streams.Error);
            Assert.Equal("iothubowner", Assert.IsType<KustoIotHubDataConnection>(Assert.Single(output).BaseObject).SharedAccessPolicyName);
            Assert.Empty(ListKeysRequests());
        }

        [Fact]
        public void A_hub_name_that_is_not_a_valid_connection_name_is_refused_naming_Name_and_nothing_is_sent()
        {
            var longName = "hub-" + new string('x', 45);
            var (output, shell) = _session.Run($"$hub | New-KustoIotHubConnection {Target}", new Dictionary<string, object?> { ["hub"] = PSIotHub.Of(longName) });

            Assert.Empty(output);
            var error = Assert.Single(shell.Streams.Error);
            Assert.Equal("DefaultDataConnectionNameNotValid,KustoConnect.Commands.NewKustoIotHubConnectionCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Contains("-Name", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains(longName, error.Exception.Message, StringComparison.Ordinal);
            Assert.Empty(_session.Emulator.RequestLog);
        }

        [Fact]
        public void A_hub_object_supplies_neither_resource_group_nor_cluster_nor_database()
        {
            var (output, shell) = _session.Run("Get-AzIotHub | New-KustoIotHubConnection -ClusterName mykustocluster -DatabaseName mykustodatabase");

            Assert.Empty(output);
            Assert.NotEmpty(shell.Streams.Error);
            Assert.All(shell.Streams.Error, e => Assert.IsAssignableFrom<ParameterBindingException>(e.Exception));
            Assert.Empty(_session.Emulator.RequestLog);
        }

        [Theory]
        [InlineData("New-KustoIotHubConnection")]
        [InlineData("New-KustoEventHubConnection")]
        [InlineData("New-KustoEventGridConnection")]
        [InlineData("New-KustoCosmosDbConnection")]
        public void No_property_of_an_iot_hub_but_Id_binds_by_property_name(string command)
        {
            var (output, shell) = _session.Run(
                "(Get-Command $name).Parameters.Values | ForEach-Object { $p = $_; $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipelineByPropertyName } | ForEach-Object { @($p.Name) + @($p.Aliases) } }",
                new Dictionary<string, object?> { ["name"] = command });
            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
            }

            var names = output.Select(o => (string)o.BaseObject).ToList();
            foreach (var property in typeof(PSIotHub).GetProperties().Select(p => p.Name).Where(n => n != "Id"))
            {
                Assert.DoesNotContain(names, n => string.Equals(n, property, StringComparison.OrdinalIgnoreCase));
            }

            // The database object binds by value only: none of its properties binds by name either, except through the
            // IoT hub's Id in the by-name parameter set (checked below with a piped database).
            foreach (var property in typeof(KustoDatabase).GetProperties().Select(p => p.Name).Where(n => n != "Id"))
            {
                Assert.DoesNotContain(names, n => string.Equals(n, property, StringComparison.OrdinalIgnoreCase));
            }
        }

        [Fact]
        public void A_piped_database_supplies_the_target_and_nothing_else_of_it_binds()
        {
            var (output, shell) = _session.Run(
                "Get-KustoDatabase -ResourceGroupName testrg -ClusterName mykustocluster -Name mykustodatabase | New-KustoIotHubConnection -IotHubResourceId $hubId -TableName StormEvents",
                new Dictionary<string, object?> { ["hubId"] = DefaultWorld.IotHubResourceId });

            Assert.Empty(shell.Streams.Error);
            var created = Assert.IsType<KustoIotHubDataConnection>(Assert.Single(output).BaseObject);

            // Named after the hub, not after the database; the hub is the one given, not the database's Id.
            Assert.Equal(DefaultWorld.IotHubName, created.Name);
            Assert.Equal(DefaultWorld.IotHubResourceId, created.IotHubResourceId, ignoreCase: true);
            Assert.Equal(DefaultWorld.DatabaseName, created.DatabaseName);
            var put = Assert.Single(_session.DataConnectionRequests("PUT"));
            Assert.StartsWith(
                $"/subscriptions/{DefaultWorld.SubscriptionId}/resourceGroups/testrg/providers/Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections/{DefaultWorld.IotHubName}?",
                put.Path,
                StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void Get_KustoCluster_piped_to_Get_KustoDatabase_piped_to_New_KustoEventHubConnection_creates_the_connection()
        {
            var (output, shell) = _session.Run(
                "Get-KustoCluster -ResourceGroupName testrg | Get-KustoDatabase | New-KustoEventHubConnection -Name from-pipeline -EventHubResourceId $eh -ConsumerGroup kusto -TableName Telemetry -DataFormat json",
                new Dictionary<string, object?> { ["eh"] = DefaultWorld.EventHubResourceId });

            Assert.Empty(shell.Streams.Error);
            var created = Assert.IsType<KustoEventHubDataConnection>(Assert.Single(output).BaseObject);
            Assert.Equal("from-pipeline", created.Name);
            Assert.Equal(DefaultWorld.ClusterName, created.ClusterName);
            Assert.Single(_session.DataConnectionRequests("PUT"));
        }

        [Fact]
        public void A_database_object_without_a_cluster_is_refused_and_nothing_is_sent()
        {
            var database = new KustoDatabase { Name = DefaultWorld.DatabaseName, ResourceGroupName = DefaultWorld.ResourceGroup, SubscriptionId = DefaultWorld.SubscriptionId };
            var (output, shell) = _session.Run(
                "$db | New-KustoCosmosDbConnection -Name cosmos-pipe -CosmosDbAccountResourceId $acct -CosmosDbDatabase mydb -CosmosDbContainer mycontainer -TableName Telemetry -ManagedIdentityResourceId $mi",
                new Dictionary<string, object?>
                {
                    ["db"] = database,
                    ["acct"] = DefaultWorld.CosmosDbAccountResourceId,
                    ["mi"] = DefaultWorld.ManagedIdentityResourceId,
                });

            Assert.Empty(output);
            Assert.Equal("InvalidClusterName,KustoConnect.Commands.NewKustoCosmosDbConnectionCommand", Assert.Single(shell.Streams.Error).FullyQualifiedErrorId);
            Assert.Empty(_session.DataConnectionRequests());
        }

        [Fact]
        public void Get_KustoDataConnection_piped_to_Update_and_Remove_acts_on_each_connection()
        {
            _session.Run($"Get-AzIotHub | New-KustoIotHubConnection {Target} -TableName StormEvents -DataFormat csv").Shell.Dispose();
            _session.Emulator.ClearRequestLog();

            var (updated, updateShell) = _session.Run($"Get-KustoDataConnection {Target} -Name mykustoiothub* | Update-KustoDataConnection -DataFormat json");
            Assert.Empty(updateShell.Streams.Error);
            Assert.Equal(2, updated.Count);
            Assert.All(updated, o => Assert.Equal("JSON", ((KustoIotHubDataConnection)o.BaseObject).DataFormat));
            Assert.Equal(2, _session.DataConnectionRequests("PATCH").Count);
            Assert.Empty(_session.DataConnectionRequests("PUT"));

            _session.Emulator.ClearRequestLog();
            var (_, removeShell) = _session.Run($"Get-KustoDataConnection {Target} -Name mykustoiothub* | Remove-KustoDataConnection -Force");
            Assert.Empty(removeShell.Streams.Error);
            Assert.Equal(2, _session.DataConnectionRequests("DELETE").Count);
            var (left, _) = _session.Run($"Get-KustoDataConnection {Target}");
            Assert.Empty(left);
        }

        [Fact]
        public void Resource_groups_complete_from_the_subscription()
        {
            Assert.Equal(new[] { "testrg" }, Complete("New-KustoIotHubConnection -ResourceGroupName t"));
            Assert.Empty(Complete("New-KustoIotHubConnection -ResourceGroupName zz"));
            Assert.Contains(_session.Emulator.RequestLog, e => e.Method == "GET" && e.Path.StartsWith($"/subscriptions/{DefaultWorld.SubscriptionId}/resourcegroups?api-version=2021-04-01", StringComparison.OrdinalIgnoreCase));
        }

        [Fact]
        public void Clusters_and_databases_complete_from_the_names_already_typed()
        {
            Assert.Equal(new[] { DefaultWorld.ClusterName }, Complete("Get-KustoDataConnection -ResourceGroupName testrg -ClusterName "));
            Assert.Equal(new[] { DefaultWorld.DatabaseName }, Complete("New-KustoEventHubConnection -ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName my"));

            // Without the resource group there is nothing to list: no completion, no request.
            _session.Emulator.ClearRequestLog();
            Assert.Empty(Complete("Get-KustoDataConnection -ClusterName "));
            Assert.Empty(_session.Emulator.RequestLog);
        }

        [Theory]
        [InlineData("Get-KustoDataConnection")]
        [InlineData("Update-KustoDataConnection")]
        [InlineData("Remove-KustoDataConnection")]
        public void Data_connection_names_complete_quoted_when_they_hold_a_space(string command)
        {
            _session.Invoke("New-KustoIotHubConnection", HostedSession.Walkthrough("has space")).Shell.Dispose();
            var plain = HostedSession.Walkthrough("plain-name");
            plain["ConsumerGroup"] = DefaultWorld.IotHubConsumerGroup;
            _session.Invoke("New-KustoIotHubConnection", plain).Shell.Dispose();

            var shell = TabExpansion($"{command} {Target} -Name ");
            var matches = shell.CompletionMatches.ToList();
            Assert.Equal(new[] { "'has space'", "plain-name" }, matches.Select(m => m.CompletionText));
            Assert.Equal(new[] { "plain-name" }, Complete($"{command} {Target} -Name pl"));
        }

        [Fact]
        public void Nothing_completes_and_nothing_is_sent_when_not_signed_in()
        {
            using var signedOut = new HostedSession(_session.Emulator);
            var result = signedOut.Run($"(TabExpansion2 -inputScript 'Get-KustoDataConnection {Target} -Name ' -cursorColumn {("Get-KustoDataConnection " + Target + " -Name ").Length}).CompletionMatches").Output;
            Assert.Empty(result);
            Assert.Empty(_session.Emulator.RequestLog);
        }

        [Fact]
        public void ARM_errors_give_no_completions_and_no_error_record()
        {
            AddFault("{\"method\":\"GET\",\"pathPattern\":\"/resourcegroups$\",\"statusCode\":403,\"errorCode\":\"AuthorizationFailed\",\"count\":5}");

            Assert.Empty(Complete("Get-KustoCluster -ResourceGroupName "));
            Assert.Contains(_session.Emulator.RequestLog, e => e.StatusCode == 403);
        }

        [Fact]
        public void Data_formats_and_event_system_properties_complete_for_each_kind()
        {
            Assert.Equal(new[] { "CSV" }, Complete("New-KustoIotHubConnection -DataFormat cs"));
            Assert.Contains("PARQUET", Complete("New-KustoEventGridConnection -DataFormat p"));
            Assert.Contains("JSON", Complete("Update-KustoDataConnection -DataFormat j"));
            Assert.Contains("iothub-enqueuedtime", Complete("New-KustoIotHubConnection -EventSystemProperty iothub-e"));
            Assert.DoesNotContain("x-opt-offset", Complete("New-KustoIotHubConnection -EventSystemProperty x"));
            Assert.Equal(new[] { "x-opt-offset" }, Complete("New-KustoEventHubConnection -EventSystemProperty x-opt-o"));
            Assert.Contains("x-opt-offset", Complete("Update-KustoDataConnection -EventSystemProperty x-opt-o"));
            Assert.Contains("message-id", Complete("Update-KustoDataConnection -EventSystemProperty message"));
        }

        private void AddFault(string json)
        {
            var pinned = _session.Emulator.Certificate.GetCertHashString();
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == pinned,
            };
            using var client = new HttpClient(handler) { BaseAddress = _session.Emulator.BaseUri };
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            client.PostAsync("_emulator/faults", content).GetAwaiter().GetResult().EnsureSuccessStatusCode();
        }

        private List<RequestLogEntry> ListKeysRequests() =>
            _session.Emulator.RequestLog.Where(e => e.Method == "POST" && e.Path.Contains("/listkeys", StringComparison.OrdinalIgnoreCase)).ToList();

        private List<string> Complete(string input) => TabExpansion(input).CompletionMatches.Select(m => m.ListItemText).ToList();

        private CommandCompletion TabExpansion(string input)
        {
            var (output, shell) = _session.Run("TabExpansion2 -inputScript $in -cursorColumn $in.Length", new Dictionary<string, object?> { ["in"] = input });
            using (shell)
            {
                Assert.Empty(shell.Streams.Error);
            }

            return Assert.IsType<CommandCompletion>(Assert.Single(output).BaseObject);
        }
    }
}

namespace KustoConnect.Tests
{
    /// <summary>An emulator whose first hub has only iothubowner and whose second hub has no ServiceConnect policy at all.</summary>
    public sealed class RestrictedHubsFixture : IAsyncLifetime
    {
        private string _worldFile = string.Empty;

        public EmulatorHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var world = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "world.default.json")))!;
            var hubs = world["subscriptions"]![0]!["resourceGroups"]![0]!["iotHubs"]!.AsArray();
            Keep(hubs.Single(h => (string)h!["name"]! == DefaultWorld.IotHubName)!, "iothubowner", "registryRead");
            Keep(hubs.Single(h => (string)h!["name"]! == DefaultWorld.SecondIotHubName)!, "registryRead");
            _worldFile = Path.Combine(Path.GetTempPath(), "kc-pipeline-world-" + Guid.NewGuid().ToString("N") + ".json");
            await File.WriteAllTextAsync(_worldFile, world.ToJsonString());
            Host = await EmulatorHost.StartAsync(new EmulatorOptions { OperationDuration = TimeSpan.FromSeconds(0.2), WorldFile = _worldFile });
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            File.Delete(_worldFile);
        }

        private static void Keep(JsonNode hub, params string[] policies)
        {
            var list = hub["sharedAccessPolicies"]!.AsArray();
            foreach (var policy in list.Where(p => !policies.Contains((string)p!["keyName"]!)).ToList())
            {
                list.Remove(policy);
            }
        }
    }

    public sealed class PolicyChoiceTests : IClassFixture<RestrictedHubsFixture>, IDisposable
    {
        private const string Target = "-ResourceGroupName testrg -ClusterName mykustocluster -DatabaseName mykustodatabase";
        private readonly HostedSession _session;

        public PolicyChoiceTests(RestrictedHubsFixture fixture)
        {
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            fixture.Host.ClearRequestLog();
        }

        public void Dispose() => _session.Dispose();

        [Fact]
        public void Without_a_ServiceConnect_only_policy_iothubowner_is_chosen_and_said_so()
        {
            var (output, shell) = _session.Run($"$hub | New-KustoIotHubConnection {Target} -Verbose", new Dictionary<string, object?> { ["hub"] = PSIotHub.Of(DefaultWorld.IotHubName) });

            Assert.Empty(shell.Streams.Error);
            Assert.Equal("iothubowner", Assert.IsType<KustoIotHubDataConnection>(Assert.Single(output).BaseObject).SharedAccessPolicyName);
            Assert.Contains(shell.Streams.Verbose, v => v.Message.Contains("'iothubowner'", StringComparison.Ordinal));
        }

        [Fact]
        public void A_hub_without_any_ServiceConnect_policy_is_refused_before_the_PUT()
        {
            var (output, shell) = _session.Run($"$hub | New-KustoIotHubConnection {Target}", new Dictionary<string, object?> { ["hub"] = PSIotHub.Of(DefaultWorld.SecondIotHubName) });

            Assert.Empty(output);
            var error = Assert.Single(shell.Streams.Error);
            Assert.Equal("NoServiceConnectPolicy,KustoConnect.Commands.NewKustoIotHubConnectionCommand", error.FullyQualifiedErrorId);
            Assert.Contains("-SharedAccessPolicyName", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains("registryRead (RegistryRead)", error.Exception.Message, StringComparison.Ordinal);
            Assert.Single(_session.Emulator.RequestLog, e => e.Method == "POST" && e.Path.Contains("/listkeys", StringComparison.OrdinalIgnoreCase));
            Assert.Empty(_session.DataConnectionRequests("PUT"));
        }

        [Fact]
        public void A_principal_that_may_not_list_keys_gets_the_ARM_refusal_before_the_PUT()
        {
            var (_, connect) = _session.Run(
                "$cred = [pscredential]::new($id, (ConvertTo-SecureString $secret -AsPlainText -Force)); " +
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -Credential $cred -SubscriptionId $sub -ArmEndpoint $arm -AuthorityHost $arm -TrustedCertificatePath $cert | Out-Null",
                new Dictionary<string, object?>
                {
                    ["id"] = DefaultWorld.ReaderClientId,
                    ["secret"] = DefaultWorld.ReaderClientSecret,
                    ["tenant"] = DefaultWorld.TenantId,
                    ["sub"] = DefaultWorld.SubscriptionId,
                    ["arm"] = _session.Emulator.BaseUri,
                    ["cert"] = _session.Emulator.CertificatePath,
                });
            using (connect)
            {
                Assert.Empty(connect.Streams.Error);
            }

            _session.Emulator.ClearRequestLog();

            var (output, shell) = _session.Run($"$hub | New-KustoIotHubConnection {Target}", new Dictionary<string, object?> { ["hub"] = PSIotHub.Of(DefaultWorld.IotHubName) });

            Assert.Empty(output);
            var error = Assert.Single(shell.Streams.Error);
            Assert.Equal("ArmAuthorizationFailed,KustoConnect.Commands.NewKustoIotHubConnectionCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
            Assert.Empty(_session.DataConnectionRequests("PUT"));
        }
    }
}
