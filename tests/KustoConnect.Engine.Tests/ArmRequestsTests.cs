using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>
    /// Every list of the engine reads its pages through the one request path (Internal/ArmRequests): the same paging,
    /// the same nextLink checks (only to the session's ARM endpoint, never the same page twice), the same errors.
    /// </summary>
    public sealed class ArmRequestsTests
    {
        private const string Subscription = "0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10";
        private const string Arm = "https://management.azure.com";
        private static readonly string Cluster = "/subscriptions/" + Subscription + "/resourceGroups/testrg/providers/Microsoft.Kusto/clusters/mykustocluster";
        private static readonly string Database = Cluster + "/databases/mykustodatabase";

        public static TheoryData<string> Lists => new TheoryData<string> { "data connections", "clusters", "databases", "resource groups" };

        private static (string Path, string Item, Func<KustoSession, Task<int>> List) Case(string list)
        {
            switch (list)
            {
                case "data connections":
                    return (Database + "/dataConnections", "{\"id\":\"" + Database + "/dataConnections/x\",\"name\":\"mykustodatabase/x\",\"kind\":\"EventHub\",\"properties\":{}}",
                        async s => (await s.DataConnections.ListAsync(DatabaseRef.Create(Subscription, "testrg", "mykustocluster", "mykustodatabase"), CancellationToken.None)).Count);
                case "clusters":
                    return ("/subscriptions/" + Subscription + "/resourceGroups/testrg/providers/Microsoft.Kusto/clusters", "{\"id\":\"" + Cluster + "\",\"name\":\"mykustocluster\",\"location\":\"Central US\",\"properties\":{}}",
                        async s => (await s.Clusters.ListClustersAsync(Subscription, "testrg", CancellationToken.None)).Count);
                case "databases":
                    return (Cluster + "/databases", "{\"id\":\"" + Database + "\",\"name\":\"mykustocluster/mykustodatabase\",\"kind\":\"ReadWrite\",\"properties\":{}}",
                        async s => (await s.Clusters.ListDatabasesAsync(ClusterRef.Create(Subscription, "testrg", "mykustocluster"), CancellationToken.None)).Count);
                default:
                    return ("/subscriptions/" + Subscription + "/resourcegroups", "{\"id\":\"/subscriptions/" + Subscription + "/resourceGroups/testrg\",\"name\":\"testrg\"}",
                        async s => (await s.Resources.ListResourceGroupNamesAsync(Subscription, CancellationToken.None)).Count);
            }
        }

        private static string Page(string item, string? nextLink) =>
            "{\"value\":[" + item + "]" + (nextLink == null ? string.Empty : ",\"nextLink\":\"" + nextLink + "\"") + "}";

        [Theory]
        [MemberData(nameof(Lists))]
        public async Task A_list_follows_its_nextLink_to_the_last_page(string list)
        {
            var (path, item, read) = Case(list);
            var handler = new ScriptedHandler()
                .On("GET", Arm + path, 200, Page(item, Arm + path + "?api-version=2024-04-13&$skiptoken=2"))
                .On("GET", Arm + path, 200, Page(item, null));
            using var session = Sessions.Replay(handler);

            Assert.Equal(2, await read(session));
            Assert.Equal(2, handler.Sent.Count);
            Assert.Contains("skiptoken=2", handler.Sent[1].Uri.Query, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(Lists))]
        public async Task A_nextLink_to_a_page_already_read_ends_the_list_with_NextLinkLoop(string list)
        {
            var (path, item, read) = Case(list);
            var handler = new ScriptedHandler();
            for (var i = 0; i < 3; i++)
            {
                handler.On("GET", Arm + path, 200, Page(item, Arm + path + "?api-version=2024-04-13&$skiptoken=again"));
            }

            using var session = Sessions.Replay(handler);

            var error = await Assert.ThrowsAsync<KustoArmException>(() => read(session));
            Assert.Equal("NextLinkLoop", error.Code);
            Assert.Equal(2, handler.Sent.Count);
        }

        [Theory]
        [MemberData(nameof(Lists))]
        public async Task A_nextLink_to_another_host_is_never_followed(string list)
        {
            var (path, item, read) = Case(list);
            var handler = new ScriptedHandler().On("GET", Arm + path, 200, Page(item, "https://elsewhere.example" + path + "?page=2"));
            using var session = Sessions.Replay(handler);

            var error = await Assert.ThrowsAsync<KustoArmException>(() => read(session));
            Assert.Equal("InvalidNextLink", error.Code);
            Assert.Single(handler.Sent);
            Assert.All(handler.Sent, sent => Assert.Equal("management.azure.com", sent.Uri.Host));
        }
    }
}
