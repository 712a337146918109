using System;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Engine.Internal;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>The debug line of each HTTP attempt: what it shows, and what it redacts.</summary>
    public sealed class HttpDebugPolicyTests
    {
        [Theory]
        [InlineData(
            "https://host/sub/operations/op1?api-version=2024-04-13&sig=abcSECRET&se=2030-01-01",
            "https://host/sub/operations/op1?api-version=2024-04-13&sig=REDACTED&se=2030-01-01")]
        [InlineData(
            "https://login.example/tenant/oauth2/v2.0/authorize?client_id=abc&code=AUTHCODE&client_secret=S3cr3t&client_assertion=eyJhbGciOi.x.y",
            "https://login.example/tenant/oauth2/v2.0/authorize?client_id=abc&code=REDACTED&client_secret=REDACTED&client_assertion=REDACTED")]
        [InlineData(
            "https://host/x?access_token=at&token=t&password=p&refresh_token=r&Password=P",
            "https://host/x?access_token=REDACTED&token=REDACTED&password=REDACTED&refresh_token=REDACTED&Password=REDACTED")]
        [InlineData("https://host/a/b", "https://host/a/b")]
        [InlineData("https://host/a?api-version=2024-04-13", "https://host/a?api-version=2024-04-13")]
        public void Sensitive_query_values_are_redacted_and_the_rest_is_kept(string uri, string shown)
        {
            Assert.Equal(shown, HttpDebugPolicy.RedactUri(new Uri(uri)));
        }

        [Fact]
        public void Redaction_covers_headers_JSON_members_and_form_fields()
        {
            Assert.Equal("REDACTED", HttpDebugPolicy.RedactHeader("Authorization", "Bearer abc"));
            Assert.Equal("REDACTED", HttpDebugPolicy.RedactHeader("x-ms-client-secret", "s"));
            Assert.Equal("application/json", HttpDebugPolicy.RedactHeader("Content-Type", "application/json"));
            Assert.Equal(
                "{\"access_token\":\"REDACTED\",\"token_type\":\"REDACTED\",\"expires_in\":3599,\"properties\":{\"primaryKey\":\"REDACTED\",\"keyName\":\"iothubowner\",\"connectionString\":\"REDACTED\"}}",
                HttpDebugPolicy.RedactBody("{\"access_token\":\"eyJabc.def.ghi\",\"token_type\":\"Bearer\",\"expires_in\":3599,\"properties\":{\"primaryKey\":\"k1\",\"keyName\":\"iothubowner\",\"connectionString\":\"HostName=x;SharedAccessKey=k\"}}", "application/json"));
            Assert.Equal(
                "client_id=abc&client_secret=REDACTED&scope=https%3A%2F%2Fmanagement.azure.com%2F.default&grant_type=client_credentials&client_assertion=REDACTED",
                HttpDebugPolicy.RedactBody("client_id=abc&client_secret=s3cr3t&scope=https%3A%2F%2Fmanagement.azure.com%2F.default&grant_type=client_credentials&client_assertion=eyJx.y.z", "application/x-www-form-urlencoded"));
            Assert.Equal("(11 characters: not shown)", HttpDebugPolicy.RedactBody("plain text.", "text/plain"));
        }

        [Fact]
        public async Task Every_attempt_retries_included_gets_one_line_with_status_duration_and_ids_and_never_the_token()
        {
            var recording = ReferenceData.Load("Remove-AzKustoDataConnection.Recording.json");
            var put = recording[0];
            var poll = recording[1];
            var get = recording[2];
            var handler = new ScriptedHandler()
                .On(put, "Azure-AsyncOperation", "x-ms-correlation-request-id", "x-ms-request-id")
                .On("GET", poll.Uri, 503, "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"try again\"}}", ("x-ms-request-id", "11111111-2222-3333-4444-555555555555"))
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
            var target = DataConnectionRef.Create(
                DatabaseRef.Create("0c302431-1ad0-4187-87c9-d4cebcf7edc2", "PWSH-SDK-sloc4i", "pssdksloc4i", "TestDb"), "event-hub-dc");

            await session.DataConnections.CreateOrUpdateAsync(target, input, observer, CancellationToken.None);

            Assert.Equal(0, handler.Remaining);
            var lines = observer.Debug;
            Assert.Equal(handler.Sent.Count, lines.Count);
            Assert.Equal(
                new[] { "PUT 201", "GET 503", "GET 200", "GET 429", "GET 200" },
                lines.Select(l => Regex.Match(l, "^HTTP (\\w+) \\S+ -> (\\d{3}) in \\d+ ms").Groups).Select(g => g[1].Value + " " + g[2].Value));
            Assert.StartsWith(
                "HTTP PUT https://management.azure.com/subscriptions/0c302431-1ad0-4187-87c9-d4cebcf7edc2/resourceGroups/PWSH-SDK-sloc4i/providers/Microsoft.Kusto/clusters/pssdksloc4i/databases/TestDb/dataConnections/event-hub-dc?api-version=2024-04-13 -> 201 in ",
                lines[0],
                StringComparison.Ordinal);
            Assert.Contains("; x-ms-correlation-request-id: 931f2df5-50c1-4b12-b9de-71567f4eb3eb", lines[0], StringComparison.Ordinal);
            Assert.Contains("; x-ms-client-request-id: ", lines[0], StringComparison.Ordinal);
            Assert.Contains("; x-ms-request-id: 11111111-2222-3333-4444-555555555555", lines[1], StringComparison.Ordinal);
            Assert.All(lines, l => Assert.DoesNotContain(Sessions.Token, l, StringComparison.Ordinal));
            Assert.All(lines, l => Assert.DoesNotContain("Bearer", l, StringComparison.Ordinal));
        }

        [Theory]
        [InlineData(true, 2)]
        [InlineData(false, 0)]
        public async Task Records_are_built_only_for_an_observer_that_shows_them(bool shown, int expected)
        {
            const string Uri = "https://management.example/subscriptions/s/resourcegroups?api-version=2024-04-13";
            var handler = new ScriptedHandler()
                .On("GET", Uri, 200, "{\"value\":[]}")
                .On("GET", Uri, 200, "{\"value\":[]}");
            using var client = new System.Net.Http.HttpClient(handler);
            var options = new FilteringTestOptions { Transport = new Azure.Core.Pipeline.HttpClientTransport(client) };
            options.Retry.MaxRetries = 0;
            var pipeline = Azure.Core.Pipeline.HttpPipelineBuilder.Build(options, new HttpDebugPolicy());
            var observer = new FilteringObserver(shown);

            using (new OperationContext(observer, "Reading").Enter())
            {
                for (var i = 0; i < 2; i++)
                {
                    using var message = pipeline.CreateMessage();
                    message.Request.Method = Azure.Core.RequestMethod.Get;
                    message.Request.Uri.Reset(new Uri(Uri));
                    await pipeline.SendAsync(message, CancellationToken.None);
                    Assert.Equal(200, message.Response.Status);
                }
            }

            Assert.Equal(2, handler.Sent.Count);
            Assert.Equal(expected, observer.Inner.Debug.Count);
        }

        private sealed class FilteringTestOptions : Azure.Core.ClientOptions
        {
        }

        private sealed class FilteringObserver : IDebugFilteringObserver
        {
            internal FilteringObserver(bool shown) => IsDebugEnabled = shown;

            public bool IsDebugEnabled { get; }

            internal RecordingObserver Inner { get; } = new RecordingObserver();

            public void OnProgress(OperationProgress progress) => Inner.OnProgress(progress);

            public void OnVerbose(string message) => Inner.OnVerbose(message);

            public void OnDebug(string message) => Inner.OnDebug(message);

            public void OnUserMessage(string message) => Inner.OnUserMessage(message);

            public void OnWarning(string message) => Inner.OnWarning(message);
        }
    }
}
