using System.Collections.Generic;
using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>
    /// The REAL responses recorded against Azure (tests/data/recordings) replayed through a mock transport, with the
    /// failures real ARM produces now and then (503 on a poll, 429 + Retry-After) injected between them.
    /// </summary>
    public sealed class RecordedTrafficReplayTests
    {
        private const string PowerShellRecording = "Remove-AzKustoDataConnection.Recording.json";
        private const string DotNetRecording = "dotnet-EventHubDataConnectionTests.json";

        private static readonly DataConnectionRef PowerShellTarget = DataConnectionRef.Create(
            DatabaseRef.Create("0c302431-1ad0-4187-87c9-d4cebcf7edc2", "PWSH-SDK-sloc4i", "pssdksloc4i", "TestDb"), "event-hub-dc");

        private static readonly DataConnectionRef DotNetTarget = DataConnectionRef.Create(
            DatabaseRef.Create("e8257c73-24c5-4791-94dc-8b7901c90dbf", "CSharpSDKRG584", "sdkcluster584", "sdkDatabase584"), "sdkEventHubDataConnection5841");

        [Fact]
        public async Task Create_follows_the_recorded_201_and_AsyncOperation_through_a_503_poll_and_a_429_final_get()
        {
            var recording = ReferenceData.Load(PowerShellRecording);
            var put = recording[0];
            var poll = recording[1];
            var get = recording[2];
            var handler = new ScriptedHandler()
                .On(put, "Azure-AsyncOperation", "x-ms-correlation-request-id", "x-ms-request-id")
                .On("GET", poll.Uri, 503, "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"try again\"}}")
                .On(poll, "x-ms-correlation-request-id")
                .On("GET", get.Uri, 429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"slow down\"}}", ("Retry-After", "1"))
                .On(get, "x-ms-correlation-request-id", "x-ms-request-id");
            using var session = Sessions.Replay(handler);
            var observer = new RecordingObserver();
            using var requestBody = JsonDocument.Parse(put.RequestBody!);
            var input = new OtherDataConnection
            {
                KindName = "EventHub",
                Location = requestBody.RootElement.GetProperty("location").GetString(),
                PropertiesJson = requestBody.RootElement.GetProperty("properties").GetRawText(),
            };

            var result = await session.DataConnections.CreateOrUpdateAsync(PowerShellTarget, input, observer, CancellationToken.None);

            Assert.Empty(handler.Unexpected);
            Assert.Equal(0, handler.Remaining);
            // Sent verbatim as raw properties; read back as the typed Event Hub model.
            var created = Assert.IsType<EventHubDataConnection>(result);
            Assert.Equal("EventHub", created.Kind);
            Assert.Equal("event-hub-dc", created.Name);
            Assert.Equal("0c302431-1ad0-4187-87c9-d4cebcf7edc2", created.SubscriptionId);
            Assert.Equal("PWSH-SDK-sloc4i", created.ResourceGroupName);
            Assert.Equal("pssdksloc4i", created.ClusterName);
            Assert.Equal("TestDb", created.DatabaseName);
            Assert.Equal("East US", created.Location);
            Assert.Equal("Succeeded", created.ProvisioningState);
            Assert.Equal("Microsoft.Kusto/Clusters/Databases/DataConnections", created.Type);
            Assert.Equal("$Default", created.ConsumerGroup);

            var sentPut = handler.Sent[0];
            Assert.Equal("PUT", sentPut.Method);
            Assert.Equal(
                "/subscriptions/0c302431-1ad0-4187-87c9-d4cebcf7edc2/resourceGroups/PWSH-SDK-sloc4i/providers/Microsoft.Kusto/clusters/pssdksloc4i/databases/TestDb/dataConnections/event-hub-dc",
                sentPut.Uri.AbsolutePath);
            Assert.Equal("api-version=2024-04-13", sentPut.Uri.Query.TrimStart('?'));
            Assert.True(sentPut.Headers.ContainsKey("x-ms-client-request-id"));
            Assert.Equal("Bearer " + Sessions.Token, sentPut.Headers["Authorization"]);
            using (var sentBody = JsonDocument.Parse(sentPut.Body!))
            {
                Assert.Equal(new[] { "kind", "location", "properties" }, sentBody.RootElement.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
                Assert.Equal("EventHub", sentBody.RootElement.GetProperty("kind").GetString());
                Assert.Equal(
                    requestBody.RootElement.GetProperty("properties").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\r\n", string.Empty, StringComparison.Ordinal),
                    sentBody.RootElement.GetProperty("properties").GetRawText());
            }

            Assert.Equal(new[] { "PUT", "GET", "GET", "GET", "GET" }, handler.Sent.Select(r => r.Method));
            Assert.Contains(observer.Verbose, line => line.StartsWith("PUT https://management.azure.com/subscriptions/0c302431-1ad0-4187-87c9-d4cebcf7edc2/resourceGroups/PWSH-SDK-sloc4i/", StringComparison.Ordinal)
                && line.EndsWith("dataConnections/event-hub-dc?api-version=2024-04-13 -> 201 (correlation id 931f2df5-50c1-4b12-b9de-71567f4eb3eb)", StringComparison.Ordinal));
            Assert.Contains(observer.Verbose, line => line.Contains("-> 503", StringComparison.Ordinal));
            Assert.Contains(observer.Verbose, line => line.Contains("-> 429", StringComparison.Ordinal));
            Assert.DoesNotContain(observer.Verbose, line => line.Contains(Sessions.Token, StringComparison.Ordinal));
            var last = observer.Progress[^1];
            Assert.Equal("Creating data connection 'event-hub-dc'", last.Activity);
            Assert.Equal("Succeeded", last.Status);
            Assert.Equal(100, last.PercentComplete);
            Assert.Equal(put.Headers["Azure-AsyncOperation"], last.OperationUrl);
        }

        [Fact]
        public async Task Delete_follows_the_recorded_202_with_Location_and_a_raw_space_AsyncOperation_url_until_Succeeded()
        {
            var recording = ReferenceData.Load(DotNetRecording);
            var delete = recording.Single(e => e.Method == "DELETE");
            var polls = recording.Where(e => e.Method == "GET" && e.Uri.Contains("47bbe19d", StringComparison.Ordinal)).ToList();
            Assert.Contains(" ", delete.Headers["Azure-AsyncOperation"], StringComparison.Ordinal);
            var handler = new ScriptedHandler().On(delete, "Azure-AsyncOperation", "Location", "x-ms-correlation-request-id");
            foreach (var poll in polls)
            {
                handler.On(poll, "x-ms-correlation-request-id");
            }

            using var session = Sessions.Replay(handler);
            var observer = new RecordingObserver();

            await session.DataConnections.DeleteAsync(DotNetTarget, observer, CancellationToken.None);

            Assert.Empty(handler.Unexpected);
            Assert.Equal(0, handler.Remaining);
            Assert.Equal(1 + polls.Count, handler.Sent.Count);
            Assert.All(handler.Sent.Skip(1), r => Assert.Equal("/subscriptions/e8257c73-24c5-4791-94dc-8b7901c90dbf/providers/Microsoft.Kusto/locations/East US 2/operationResults/47bbe19d-7de3-4e74-b742-a3a81fc30033", Uri.UnescapeDataString(r.Uri.AbsolutePath)));
            var running = observer.Progress.Where(p => p.Status == "Running").ToList();
            Assert.NotEmpty(running);
            Assert.All(running, p => Assert.Equal(50, p.PercentComplete));
            Assert.All(observer.Progress, p => Assert.Equal("Removing data connection 'sdkEventHubDataConnection5841'", p.Activity));
            Assert.Equal("Succeeded", observer.Progress[^1].Status);
            Assert.Equal(100, observer.Progress[^1].PercentComplete);
        }

        [Fact]
        public async Task List_parses_every_recorded_kind_and_follows_nextLink()
        {
            var recording = ReferenceData.Load(DotNetRecording);
            var list = recording.Single(e => e.Method == "GET" && new Uri(e.Uri).AbsolutePath.EndsWith("/dataConnections", StringComparison.Ordinal));
            var listUri = new Uri(list.Uri);
            var nextLink = listUri.GetLeftPart(UriPartial.Path) + "?api-version=2024-04-13&$skiptoken=page2";
            using var page = JsonDocument.Parse(list.Body!);
            var items = page.RootElement.GetProperty("value").EnumerateArray().Select(e => e.GetRawText()).ToList();

            // The recorded page, split in two around a nextLink, to exercise paging with real items.
            var first = "{\"value\":[" + string.Join(",", items.Take(1)) + "],\"nextLink\":\"" + nextLink + "\"}";
            var second = "{\"value\":[" + string.Join(",", items.Skip(1)) + "],\"nextLink\":null}";
            var handler = new ScriptedHandler().On("GET", list.Uri, 200, first).On("GET", nextLink, 200, second);
            using var session = Sessions.Replay(handler);

            var connections = await session.DataConnections.ListAsync(DotNetTarget.Database, CancellationToken.None);

            Assert.Empty(handler.Unexpected);
            Assert.Equal(items.Count, connections.Count);
            Assert.Equal(new[] { "CosmosDb", "EventHub" }, connections.Select(c => c.Kind).Distinct().OrderBy(k => k, StringComparer.Ordinal));
            Assert.All(connections, c =>
            {
                Assert.IsNotType<OtherDataConnection>(c);
                Assert.Equal(c.Kind == "EventHub" ? typeof(EventHubDataConnection) : typeof(CosmosDbDataConnection), c.GetType());
                Assert.DoesNotContain("/", c.Name, StringComparison.Ordinal);
                Assert.Equal("sdkCluster584", c.ClusterName);
                Assert.Equal("sdkDatabase584", c.DatabaseName);
                Assert.Equal("East US 2", c.Location);
            });
            Assert.Equal("page2", System.Web.HttpUtility.ParseQueryString(handler.Sent[1].Uri.Query)["$skiptoken"]);
        }

        [Fact]
        public async Task A_missing_data_connection_becomes_a_KustoArmException_with_the_recorded_code_and_ids()
        {
            var recording = ReferenceData.Load(DotNetRecording);
            var notFound = recording.First(e => e.Status == 404);
            var handler = new ScriptedHandler().On(notFound, "x-ms-correlation-request-id", "x-ms-request-id");
            using var session = Sessions.Replay(handler);
            var target = DataConnectionRef.Create(DotNetTarget.Database, "nonExistent");

            var error = await Assert.ThrowsAsync<KustoArmException>(() => session.DataConnections.GetAsync(target, CancellationToken.None));

            Assert.Equal(404, error.StatusCode);
            Assert.Equal("ResourceNotFound", error.Code);
            Assert.Equal("ArmResourceNotFound", error.ErrorId);
            Assert.Equal(notFound.Headers["x-ms-correlation-request-id"], error.CorrelationId);
            Assert.Equal(notFound.Headers["x-ms-request-id"], error.RequestId);
            Assert.StartsWith("The resource with identifier '", error.Message, StringComparison.Ordinal);
            Assert.EndsWith("(Code: ResourceNotFound, Status: 404, CorrelationId: " + notFound.Headers["x-ms-correlation-request-id"] + ")", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task An_operation_that_ends_Failed_throws_KustoOperationFailedException_with_its_code()
        {
            var recording = ReferenceData.Load(PowerShellRecording);
            var put = recording[0];
            var pollUri = put.Headers["Azure-AsyncOperation"];
            var failed = "{\"id\":\"x\",\"name\":\"x\",\"status\":\"Failed\",\"startTime\":\"2026-05-07T02:36:29Z\",\"endTime\":\"2026-05-07T02:36:32Z\",\"percentComplete\":1.0,"
                + "\"error\":{\"code\":\"TableNotFound\",\"message\":\"Table 'Missing' was not found in database 'TestDb'.\"}}";
            var handler = new ScriptedHandler()
                .On(put, "Azure-AsyncOperation")
                .On("GET", pollUri, 200, failed, ("x-ms-correlation-request-id", "11111111-2222-3333-4444-555555555555"));
            using var session = Sessions.Replay(handler);
            var input = new OtherDataConnection { KindName = "EventHub", Location = "East US", PropertiesJson = "{\"consumerGroup\":\"$Default\"}" };

            var error = await Assert.ThrowsAsync<KustoOperationFailedException>(
                () => session.DataConnections.CreateOrUpdateAsync(PowerShellTarget, input, null, CancellationToken.None));

            Assert.Empty(handler.Unexpected);
            Assert.Equal("TableNotFound", error.Code);
            Assert.Equal("OperationFailed", error.ErrorId);
            Assert.Equal(pollUri, error.OperationUrl);
            Assert.Equal("11111111-2222-3333-4444-555555555555", error.CorrelationId);
            Assert.Equal("Table 'Missing' was not found in database 'TestDb'. (Code: TableNotFound, CorrelationId: 11111111-2222-3333-4444-555555555555)", error.Message);
        }

        [Fact(Timeout = 60000)]
        public async Task Cancelling_while_waiting_between_polls_ends_the_wait_at_once()
        {
            var recording = ReferenceData.Load(DotNetRecording);
            var delete = recording.Single(e => e.Method == "DELETE");
            var running = recording.First(e => e.Method == "GET" && e.Uri.Contains("47bbe19d", StringComparison.Ordinal));
            var handler = new ScriptedHandler().On(delete, "Azure-AsyncOperation", "Location").On(running);
            using var cancellation = new CancellationTokenSource();
            var observer = new RecordingObserver { OnEachProgress = _ => cancellation.Cancel() };

            // A poll interval far longer than the test's timeout: only an immediate cancellation lets the test finish.
            using var session = Sessions.Replay(handler, pollInterval: TimeSpan.FromHours(1));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.DataConnections.DeleteAsync(DotNetTarget, observer, cancellation.Token));
            Assert.Equal("Running", Assert.Single(observer.Progress).Status);
        }

        [Fact]
        public async Task An_IotHub_connection_is_sent_with_only_its_set_properties_and_read_back_as_ARM_spells_it()
        {
            var target = DataConnectionRef.Create(DatabaseRef.Create("0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10", "testrg", "mykustocluster", "mykustodatabase"), "iot dc.1");
            var id = "/subscriptions/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/resourceGroups/testrg/providers/Microsoft.Kusto/Clusters/mykustocluster/Databases/mykustodatabase/DataConnections/iot dc.1";
            var hub = "/subscriptions/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/resourceGroups/testrg/providers/Microsoft.Devices/IotHubs/mykustoiothub";

            // Shaped like the recorded Event Hub bodies: capitalised id and type, 3-part name, "" and null for unset strings.
            var stored = "{\"id\":\"" + id + "\",\"name\":\"mykustocluster/mykustodatabase/iot dc.1\",\"type\":\"Microsoft.Kusto/Clusters/Databases/DataConnections\","
                + "\"location\":\"Central US\",\"kind\":\"IotHub\",\"properties\":{\"iotHubResourceId\":\"" + hub + "\",\"consumerGroup\":\"$Default\","
                + "\"tableName\":\"StormEvents\",\"mappingRuleName\":\"\",\"dataFormat\":\"CSV\",\"eventSystemProperties\":[],\"sharedAccessPolicyName\":\"iothubforread\","
                + "\"databaseRouting\":\"Single\",\"retrievalStartDate\":null,\"managedIdentityResourceId\":null,\"futureProperty\":{\"x\":1},\"provisioningState\":\"Succeeded\"}}";
            var handler = new ScriptedHandler().On("PUT", "https://management.azure.com" + id.Replace("DataConnections", "dataConnections", StringComparison.Ordinal), 200, stored);
            using var session = Sessions.Replay(handler);
            var input = new IotHubDataConnection
            {
                Location = "Central US",
                IotHubResourceId = hub,
                ConsumerGroup = "$Default",
                TableName = "StormEvents",
                DataFormat = "csv",
                SharedAccessPolicyName = "iothubforread",
                EventSystemProperties = new List<string> { "message-id", "iothub-enqueuedtime" },
                RetrievalStartDate = new DateTimeOffset(2024, 5, 1, 8, 30, 0, TimeSpan.Zero),
            };

            var result = await session.DataConnections.CreateOrUpdateAsync(target, input, null, CancellationToken.None);

            Assert.Empty(handler.Unexpected);
            Assert.Equal("/subscriptions/0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10/resourceGroups/testrg/providers/Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase/dataConnections/iot%20dc.1", handler.Sent[0].Uri.AbsolutePath);
            using (var body = JsonDocument.Parse(handler.Sent[0].Body!))
            {
                Assert.Equal("IotHub", body.RootElement.GetProperty("kind").GetString());
                Assert.Equal("centralus", body.RootElement.GetProperty("location").GetString());
                Assert.Equal(
                    "{\"iotHubResourceId\":\"" + hub + "\",\"consumerGroup\":\"$Default\",\"tableName\":\"StormEvents\",\"dataFormat\":\"CSV\","
                    + "\"eventSystemProperties\":[\"message-id\",\"iothub-enqueuedtime\"],\"sharedAccessPolicyName\":\"iothubforread\","
                    + "\"retrievalStartDate\":\"2024-05-01T08:30:00Z\"}",
                    body.RootElement.GetProperty("properties").GetRawText());
            }

            var iot = Assert.IsType<IotHubDataConnection>(result);
            Assert.Equal("iot dc.1", iot.Name);
            Assert.Equal("mykustocluster", iot.ClusterName);
            Assert.Equal("Central US", iot.Location);
            Assert.Equal(hub, iot.IotHubResourceId);
            Assert.Equal("$Default", iot.ConsumerGroup);
            Assert.Equal("StormEvents", iot.TableName);
            Assert.Null(iot.MappingRuleName);
            Assert.Equal("CSV", iot.DataFormat);
            Assert.Empty(iot.EventSystemProperties!);
            Assert.Equal("iothubforread", iot.SharedAccessPolicyName);
            Assert.Equal("Single", iot.DatabaseRouting);
            Assert.Null(iot.RetrievalStartDate);
            Assert.Equal("Succeeded", iot.ProvisioningState);
        }
    }
}
