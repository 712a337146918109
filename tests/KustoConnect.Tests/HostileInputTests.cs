using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using KustoConnect.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace KustoConnect.Tests
{
    /// <summary>
    /// Hostile names for every naming parameter of every cmdlet, with and without -WhatIf / -Force: each case is either
    /// refused before any request (asserted from the emulator's request log) with its pinned error id, or, for a value
    /// that is valid, sent to exactly the intended URL.
    /// </summary>
    public sealed class HostileInputTests : IClassFixture<EmulatorFixture>, IDisposable
    {
        private const string Sub = DefaultWorld.SubscriptionId;
        private const string Prefix = "/subscriptions/" + Sub + "/resourceGroups/testrg/providers/";
        private const string DatabaseId = Prefix + "Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase";

        /// <summary>PowerShell's wildcard characters: a name with one is a pattern to Get-, not a name.</summary>
        private static readonly SearchValues<char> Wildcards = SearchValues.Create("*?[]");

        /// <summary>The characters that end a URL's path: an operation URL with one still names its operation.</summary>
        private static readonly SearchValues<char> QueryOrFragment = SearchValues.Create("?#");

        /// <summary>Unsafe in any URL path segment and in any name of ours: dots, separators, encodings, query and fragment, control characters, white space, invisible characters.</summary>
        private static readonly string[] UrlUnsafe =
        {
            ".", "..", "...", "%2e", "%2e%2e", "%2E%2E", ".%2e", "%2e.",
            "a/b", "a/../..", "../x", "/", "a\\b", "..\\..", "a%2fb", "a%5cb", "%2F",
            "a?b", "?", "a#b", "#", "a%3fb", "a%23b",
            "a\r\nb", "a\nb", "a\tb", "a\u0000b", "\u0007", "a\u0085b",
            " ", "   ", "\t", "\u00A0", "\u3000", "\u2028",
            "a\u200Bb", "a\u202Eb", "\uFEFF",
            "%", "a%00", "%20", "%zz",
        };

        /// <summary>Unicode look-alikes of '.', '/' and '..': refused by every strict naming rule (they are not URL-unsafe for free-text body values).</summary>
        private static readonly string[] LookAlikes = { "\u2024\u2024", "\uFF0E\uFF0E", "a\u2215b", "a\uFF0Fb", "\u2025", "a\u2044b" };

        private readonly HostedSession _session;
        private readonly ITestOutputHelper _output;

        public HostileInputTests(EmulatorFixture fixture, ITestOutputHelper output)
        {
            _output = output;
            _session = new HostedSession(fixture.Host);
            _session.ResetEmulator();
            _session.Connect();
            // One request that needs the token first, so that the cases below reuse it and any request they send is theirs.
            _session.Run("Get-KustoCluster -ResourceGroupName testrg | Out-Null");
        }

        public void Dispose() => _session.Dispose();

        private static IEnumerable<string> Strict(int maxLength) =>
            UrlUnsafe.Concat(LookAlikes).Concat(new[] { new string('a', maxLength + 1), new string('x', 1024 * 1024) });

        private static IEnumerable<string> Free(int maxLength) =>
            UrlUnsafe.Concat(new[] { new string('a', maxLength + 1), new string('x', 1024 * 1024) });

        private static IEnumerable<string> NoWildcards(IEnumerable<string> values) =>
            values.Where(v => !v.AsSpan().ContainsAny(Wildcards));

        /// <summary>Bad ids made from a valid one: each name replaced by hostile values, and the structure broken every way.</summary>
        private static IEnumerable<string> BadIds(string valid)
        {
            var lastSlash = valid.LastIndexOf('/');
            var parent = valid.Substring(0, lastSlash);
            foreach (var value in UrlUnsafe.Concat(LookAlikes).Where(v => v.Trim().Length > 0))
            {
                yield return parent + "/" + value;
            }

            yield return valid + "/";
            yield return valid + "/extra";
            yield return valid + "/extra/x";
            yield return parent;
            yield return valid.Replace("/providers/", "//providers/", StringComparison.Ordinal);
            yield return valid.Replace("/resourceGroups/testrg/", "/resourceGroups/../", StringComparison.Ordinal);
            yield return valid.Replace("/resourceGroups/testrg/", "/resourceGroups/%2e%2e/", StringComparison.Ordinal);
            yield return valid.Replace(Sub, "not-a-guid", StringComparison.Ordinal);
            yield return valid.Replace("/providers/", "/providers/./", StringComparison.Ordinal);
            yield return valid.Substring(1);
            yield return valid.Replace("Microsoft.", "Contoso.", StringComparison.Ordinal);
            yield return valid + "?api-version=1";
            yield return valid + "#x";
            yield return "   ";
        }

        private static Dictionary<string, object?> Splat(params (string Key, object? Value)[] pairs) =>
            pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

        private static Dictionary<string, object?> ByName(string name = "myeventhubconnect") => Splat(
            ("ResourceGroupName", DefaultWorld.ResourceGroup), ("ClusterName", DefaultWorld.ClusterName), ("DatabaseName", DefaultWorld.DatabaseName), ("Name", name));

        private Dictionary<string, object?> NewIotHub() => HostedSession.Walkthrough("hostile");

        private static Dictionary<string, object?> NewEventHub() => Merge(ByName("hostile"), Splat(
            ("EventHubResourceId", DefaultWorld.EventHubResourceId), ("ConsumerGroup", "$Default"), ("TableName", "StormEvents"), ("DataFormat", "csv"),
            ("ManagedIdentityResourceId", DefaultWorld.ManagedIdentityResourceId)));

        private static Dictionary<string, object?> NewEventGrid() => Merge(ByName("hostile"), Splat(
            ("StorageAccountResourceId", DefaultWorld.StorageAccountResourceId), ("EventHubResourceId", DefaultWorld.EventHubResourceId), ("ConsumerGroup", "$Default"),
            ("TableName", "StormEvents"), ("DataFormat", "csv"),
            ("EventGridResourceId", DefaultWorld.StorageAccountResourceId + "/providers/Microsoft.EventGrid/eventSubscriptions/mysubscription")));

        private static Dictionary<string, object?> NewCosmosDb() => Merge(ByName("hostile"), Splat(
            ("CosmosDbAccountResourceId", DefaultWorld.CosmosDbAccountResourceId), ("ManagedIdentityResourceId", DefaultWorld.ManagedIdentityResourceId),
            ("CosmosDbDatabase", DefaultWorld.CosmosDbDatabaseName), ("CosmosDbContainer", DefaultWorld.CosmosDbContainerName), ("TableName", "StormEvents")));

        private Dictionary<string, object?> TestIotHub()
        {
            var splat = HostedSession.Walkthrough("hostile");
            splat.Remove("DataFormat");
            return splat;
        }

        private static Dictionary<string, object?> Merge(Dictionary<string, object?> a, Dictionary<string, object?> b)
        {
            foreach (var pair in b)
            {
                a[pair.Key] = pair.Value;
            }

            return a;
        }

        /// <summary>Every (cmdlet, base parameters, parameter, bad values, error id, switches) of the suite.</summary>
        private IEnumerable<Case> Cases()
        {
            var dcId = DatabaseId + "/dataConnections/myeventhubconnect";
            var switchesNew = new[] { "", "-WhatIf" };
            var switchesRemove = new[] { "-Force", "-WhatIf", "-Force -WhatIf" };
            var switchesUpdate = new[] { "", "-WhatIf" };
            var none = new[] { "" };

            var scopes = new (string Parameter, IEnumerable<string> Values, string ErrorId)[]
            {
                ("ResourceGroupName", Strict(90).Concat(new[] { "rg.", "a b" }), "InvalidResourceGroupName"),
                ("ClusterName", Strict(22).Concat(new[] { "MyCluster", "abc", "1cluster" }), "InvalidClusterName"),
                ("DatabaseName", Strict(260).Concat(new[] { "mykustodatabase/x", "db.", " db" }), "InvalidDatabaseName"),
                ("Name", Strict(40).Concat(new[] { "name.", " name", "a_b" }), "InvalidDataConnectionName"),
                ("SubscriptionId", Strict(36).Concat(new[] { "0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a1", "{" + Sub + "}", Sub + "/.." }), "InvalidSubscriptionId"),
            };

            foreach (var (command, baseline, switches, wildcardNames) in new (string, Func<Dictionary<string, object?>>, string[], bool)[]
            {
                ("New-KustoIotHubConnection", NewIotHub, switchesNew, false),
                ("New-KustoEventHubConnection", NewEventHub, switchesNew, false),
                ("New-KustoEventGridConnection", NewEventGrid, switchesNew, false),
                ("New-KustoCosmosDbConnection", NewCosmosDb, switchesNew, false),
                ("Get-KustoDataConnection", () => ByName(), none, true),
                ("Update-KustoDataConnection", () => Merge(ByName(), Splat(("TableName", "StormEvents"))), switchesUpdate, false),
                ("Remove-KustoDataConnection", () => ByName(), switchesRemove, false),
                ("Test-KustoDataConnection", TestIotHub, none, false),
                ("Test-KustoDataConnectionName", () => ByName(), none, false),
            })
            {
                foreach (var (parameter, values, errorId) in scopes)
                {
                    var chosen = wildcardNames && parameter == "Name" ? NoWildcards(values) : values;
                    yield return new Case(command, baseline, parameter, chosen, errorId, switches);
                }
            }

            var body = new (string Command, Func<Dictionary<string, object?>> Baseline, string Parameter, IEnumerable<string> Values, string ErrorId, string[] Switches)[]
            {
                ("New-KustoIotHubConnection", NewIotHub, "ConsumerGroup", Strict(50).Concat(new[] { "$Other" }), "InvalidConsumerGroup", switchesNew),
                ("New-KustoIotHubConnection", NewIotHub, "SharedAccessPolicyName", Strict(64), "InvalidSharedAccessPolicyName", switchesNew),
                ("New-KustoIotHubConnection", NewIotHub, "TableName", Free(1024), "InvalidTableName", switchesNew),
                ("New-KustoIotHubConnection", NewIotHub, "MappingRuleName", Free(1024), "InvalidMappingRuleName", switchesNew),
                ("New-KustoIotHubConnection", NewIotHub, "Location", Strict(64), "InvalidLocation", switchesNew),
                ("New-KustoIotHubConnection", NewIotHub, "IotHubResourceId", BadIds(DefaultWorld.IotHubResourceId), "InvalidIotHubResourceId", switchesNew),
                ("New-KustoEventHubConnection", NewEventHub, "EventHubResourceId", BadIds(DefaultWorld.EventHubResourceId), "InvalidEventHubResourceId", switchesNew),
                ("New-KustoEventHubConnection", NewEventHub, "ConsumerGroup", Strict(50), "InvalidConsumerGroup", switchesNew),
                ("New-KustoEventHubConnection", NewEventHub, "ManagedIdentityResourceId", BadIds(DefaultWorld.ManagedIdentityResourceId), "InvalidManagedIdentityResourceId", switchesNew),
                ("New-KustoEventGridConnection", NewEventGrid, "StorageAccountResourceId", BadIds(DefaultWorld.StorageAccountResourceId), "InvalidStorageAccountResourceId", switchesNew),
                ("New-KustoEventGridConnection", NewEventGrid, "EventHubResourceId", BadIds(DefaultWorld.EventHubResourceId), "InvalidEventHubResourceId", switchesNew),
                ("New-KustoEventGridConnection", NewEventGrid, "EventGridResourceId", BadIds(DefaultWorld.StorageAccountResourceId + "/providers/Microsoft.EventGrid/eventSubscriptions/mysubscription"), "InvalidEventGridResourceId", switchesNew),
                ("New-KustoCosmosDbConnection", NewCosmosDb, "CosmosDbAccountResourceId", BadIds(DefaultWorld.CosmosDbAccountResourceId), "InvalidCosmosDbAccountResourceId", switchesNew),
                ("New-KustoCosmosDbConnection", NewCosmosDb, "ManagedIdentityResourceId", BadIds(DefaultWorld.ManagedIdentityResourceId), "InvalidManagedIdentityResourceId", switchesNew),
                ("New-KustoCosmosDbConnection", NewCosmosDb, "CosmosDbDatabase", Free(255), "InvalidCosmosDbDatabase", switchesNew),
                ("New-KustoCosmosDbConnection", NewCosmosDb, "CosmosDbContainer", Free(255), "InvalidCosmosDbContainer", switchesNew),
                ("New-KustoCosmosDbConnection", NewCosmosDb, "TableName", Free(1024), "InvalidTableName", switchesNew),
                ("Update-KustoDataConnection", () => Merge(ByName(), Splat(("TableName", "StormEvents"))), "TableName", Free(1024), "InvalidTableName", switchesUpdate),
                ("Update-KustoDataConnection", () => Merge(ByName(), Splat(("TableName", "StormEvents"))), "ConsumerGroup", Strict(50), "InvalidConsumerGroup", switchesUpdate),
                ("Update-KustoDataConnection", () => Merge(ByName(), Splat(("TableName", "StormEvents"))), "MappingRuleName", Free(1024), "InvalidMappingRuleName", switchesUpdate),
                ("Update-KustoDataConnection", () => Splat(("ResourceId", dcId), ("TableName", "StormEvents")), "ResourceId", BadIds(dcId), "InvalidDataConnectionResourceId", switchesUpdate),
                ("Remove-KustoDataConnection", () => Splat(("ResourceId", dcId)), "ResourceId", BadIds(dcId), "InvalidDataConnectionResourceId", switchesRemove),
                ("Get-KustoDataConnection", () => Splat(("ResourceId", dcId)), "ResourceId", BadIds(dcId), "InvalidDataConnectionResourceId", none),
                ("Get-KustoDataConnection", () => ByName(), "Kind", new[] { "Bogus", "IotHub2", "Zz*", "..", "Iot[" }, "InvalidDataConnectionKind", none),
                ("Get-KustoDataConnection", () => ByName(), "Name", new[] { "my[", "*/..", "a*\u0000", "*%2e%2e", "..*" }, "InvalidWildcardPattern", none),
                ("Test-KustoDataConnection", TestIotHub, "IotHubResourceId", BadIds(DefaultWorld.IotHubResourceId), "InvalidIotHubResourceId", none),
                ("Test-KustoDataConnection", TestIotHub, "ConsumerGroup", Strict(50), "InvalidConsumerGroup", none),
                ("Test-KustoDataConnection", TestIotHub, "SharedAccessPolicyName", Strict(64), "InvalidSharedAccessPolicyName", none),
                ("Test-KustoDataConnection", TestIotHub, "Location", Strict(64), "InvalidLocation", none),
                ("Wait-KustoOperation", () => Splat(("OperationUrl", OperationUrl("1")), ("ResourceId", dcId)), "ResourceId", BadIds(dcId), "InvalidDataConnectionResourceId", none),
                ("Wait-KustoOperation", () => Splat(("OperationUrl", OperationUrl("1"))), "OperationUrl",
                    UrlUnsafe.Where(v => !v.AsSpan().ContainsAny(QueryOrFragment)).Select(OperationUrl)
                        .Concat(new[] { "relative/operationResults/1", OperationUrl("1").Replace("/operationResults/", "/dataConnections/", StringComparison.Ordinal), "ftp://127.0.0.1/operationResults/1" }),
                    "InvalidOperationUrl", none),
                ("Get-KustoCluster", () => Splat(("ResourceGroupName", "testrg")), "ResourceGroupName", Strict(90), "InvalidResourceGroupName", none),
                ("Get-KustoCluster", () => Splat(("ResourceGroupName", "testrg"), ("Name", "mykustocluster")), "Name", NoWildcards(Strict(22)).Concat(new[] { "MyCluster" }), "InvalidClusterName", none),
                ("Get-KustoDatabase", () => Splat(("ResourceGroupName", "testrg"), ("ClusterName", "mykustocluster")), "ResourceGroupName", Strict(90), "InvalidResourceGroupName", none),
                ("Get-KustoDatabase", () => Splat(("ResourceGroupName", "testrg"), ("ClusterName", "mykustocluster")), "ClusterName", Strict(22), "InvalidClusterName", none),
                ("Get-KustoDatabase", () => Splat(("ResourceGroupName", "testrg"), ("ClusterName", "mykustocluster"), ("Name", "mykustodatabase")), "Name", NoWildcards(Strict(260)), "InvalidDatabaseName", none),
            };

            foreach (var (command, baseline, parameter, values, errorId, switches) in body)
            {
                yield return new Case(command, baseline, parameter, values, errorId, switches);
            }
        }

        private string OperationUrl(string id) =>
            _session.Emulator.BaseUri.GetLeftPart(UriPartial.Authority) + "/subscriptions/" + Sub + "/providers/Microsoft.Kusto/locations/Central US/operationResults/" + id;

        [Fact]
        public void Every_hostile_name_of_every_cmdlet_is_refused_before_any_request_with_its_error_id()
        {
            var failures = new List<string>();
            var distinct = new HashSet<string>(StringComparer.Ordinal);
            var invocations = 0;
            foreach (var @case in Cases())
            {
                foreach (var value in @case.Values.Distinct(StringComparer.Ordinal))
                {
                    distinct.Add(@case.Parameter + "=" + value);
                    foreach (var switches in @case.Switches)
                    {
                        invocations++;
                        var parameters = @case.Baseline();
                        parameters[@case.Parameter] = value;
                        _session.Emulator.ClearRequestLog();
                        var (errorId, output) = Invoke(@case.Command, parameters, switches);
                        var sent = _session.Emulator.RequestLog.Select(r => r.Method + " " + r.Path).ToList();
                        if (errorId == null || !errorId.StartsWith(@case.ErrorId + ",", StringComparison.Ordinal))
                        {
                            failures.Add($"{@case.Command} {switches} -{@case.Parameter} {Describe(value)}: expected {@case.ErrorId}, got {errorId ?? "no error"} (output {output})");
                        }

                        if (sent.Count > 0)
                        {
                            failures.Add($"{@case.Command} {switches} -{@case.Parameter} {Describe(value)}: sent {string.Join("; ", sent)}");
                        }
                    }
                }
            }

            _output.WriteLine($"{distinct.Count} distinct bad inputs, {invocations} invocations, {failures.Count} failures, 0 requests expected.");
            Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(60)) + Environment.NewLine + failures.Count + " failures");
            Assert.True(distinct.Count >= 80, distinct.Count.ToString(CultureInfo.InvariantCulture));
        }

        [Fact]
        public void Valid_but_unusual_names_are_sent_to_exactly_their_url()
        {
            var cases = new (string Command, Dictionary<string, object?> Parameters, string Method, string Path)[]
            {
                ("Get-KustoDataConnection", ByName("my conn.v2-a"), "GET", DatabaseId + "/dataConnections/my conn.v2-a"),
                ("Get-KustoDataConnection", Merge(ByName("x"), Splat(("DatabaseName", "my_db.2"))), "GET", Prefix + "Microsoft.Kusto/clusters/mykustocluster/databases/my_db.2/dataConnections/x"),
                ("Get-KustoDataConnection", Merge(ByName("x"), Splat(("ResourceGroupName", "rg(1).\u00e9"))), "GET", "/subscriptions/" + Sub + "/resourceGroups/rg(1).\u00e9/providers/Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections/x"),
                ("Get-KustoDataConnection", Splat(("ResourceId", Prefix + "Microsoft.Kusto/Clusters/MyKustoCluster/Databases/mykustodatabase/DataConnections/a b")), "GET", DatabaseId + "/dataConnections/a b"),
                ("Get-KustoDataConnection", ByName("a?b"), "GET", DatabaseId + "/dataConnections"),
                ("Remove-KustoDataConnection", Merge(ByName("gone.1"), Splat(("Force", true))), "GET", DatabaseId + "/dataConnections/gone.1"),
                ("Test-KustoDataConnectionName", ByName("free name"), "POST", DatabaseId + "/checkNameAvailability"),
                ("Get-KustoDatabase", Splat(("ResourceGroupName", "testrg"), ("ClusterName", "mykustocluster"), ("Name", "my db")), "GET", Prefix + "Microsoft.Kusto/clusters/mykustocluster/databases/my db"),
            };

            foreach (var (command, parameters, method, path) in cases)
            {
                _session.Emulator.ClearRequestLog();
                Invoke(command, parameters, string.Empty);
                var sent = _session.Emulator.RequestLog.Where(r => r.Path.StartsWith("/subscriptions", StringComparison.OrdinalIgnoreCase)).ToList();
                var first = Assert.Single(sent, r => r.Method == method);
                Assert.Equal(path, Uri.UnescapeDataString(first.Path.Split('?')[0]), ignoreCase: true);
                Assert.All(sent, r => Assert.StartsWith(path, Uri.UnescapeDataString(r.Path.Split('?')[0]), StringComparison.OrdinalIgnoreCase));
            }
        }

        [Fact]
        public void Remove_of_dot_dot_with_force_never_reaches_the_database()
        {
            _session.Emulator.ClearRequestLog();
            var (errorId, _) = Invoke("Remove-KustoDataConnection", ByName(".."), "-Force");
            Assert.StartsWith("InvalidDataConnectionName,", errorId, StringComparison.Ordinal);
            Assert.DoesNotContain(_session.Emulator.RequestLog, r => r.Method == "DELETE");
            var (getId, _) = Invoke("Get-KustoDatabase", Splat(("ResourceGroupName", "testrg"), ("ClusterName", "mykustocluster"), ("Name", "mykustodatabase")), string.Empty);
            Assert.Null(getId);
        }

        [Fact]
        public void A_refusal_names_the_parameter_and_echoes_at_most_100_characters_of_the_value()
        {
            var parameters = HostedSession.Walkthrough("hostile");
            parameters["TableName"] = new string('x', 1024 * 1024);
            var shell = _session.Shell();
            shell.AddCommand("New-KustoIotHubConnection");
            foreach (var pair in parameters)
            {
                shell.AddParameter(pair.Key, pair.Value);
            }

            shell.Invoke();
            var error = Assert.Single(shell.Streams.Error);
            Assert.Equal("InvalidTableName,KustoConnect.Commands.NewKustoIotHubConnectionCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Equal("TableName", error.TargetObject);
            Assert.True(error.Exception.Message.Length < 300, error.Exception.Message.Length.ToString(CultureInfo.InvariantCulture));
        }

        private (string? ErrorId, string Output) Invoke(string command, Dictionary<string, object?> parameters, string switches)
        {
            var script = new StringBuilder("$ErrorActionPreference = 'Stop'; try { $null = ").Append(command).Append(" @p ").Append(switches)
                .Append(command.StartsWith("Get-", StringComparison.Ordinal) || command.StartsWith("Test-", StringComparison.Ordinal) || command.StartsWith("Wait-", StringComparison.Ordinal) ? string.Empty : " -Confirm:$false")
                .Append("; $null } catch { $_.FullyQualifiedErrorId }");
            var (output, shell) = _session.Run(script.ToString(), new Dictionary<string, object?> { ["p"] = new System.Collections.Hashtable(parameters, StringComparer.OrdinalIgnoreCase) });
            using (shell)
            {
                var id = output.Select(o => o?.BaseObject as string).FirstOrDefault(s => s != null);
                return (id, string.Join(",", shell.Streams.Error.Select(e => e.FullyQualifiedErrorId)));
            }
        }

        private static string Describe(string value)
        {
            var shown = KustoConnect.Engine.KustoRules.Show(value);
            return shown.Length > 60 ? string.Concat(shown.AsSpan(0, 60), "…") : shown;
        }

        private sealed record Case(string Command, Func<Dictionary<string, object?>> Baseline, string Parameter, IEnumerable<string> Values, string ErrorId, string[] Switches);
    }
}
