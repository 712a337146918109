using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core.Pipeline;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>
    /// The one wait (ArmOperationPoller) on scripted ARM answers: endings that are not the operation's result carry the
    /// command that resumes the wait; transient failures never end it; Retry-After is capped; validation uses it too.
    /// </summary>
    public sealed class LongRunningWaitTests
    {
        private const string Arm = "https://management.azure.com";
        private const string Sub = "0b1f6471-1bf0-4dda-aec3-5f2e9c7d4a10";
        private static readonly DataConnectionRef Target = DataConnectionRef.Create(DatabaseRef.Create(Sub, "testrg", "mykustocluster", "mykustodatabase"), "waited");
        private static readonly string ResourceUrl = Arm + Target.ResourceId;
        private static readonly string StatusUrl = Arm + "/subscriptions/" + Sub + "/providers/Microsoft.Kusto/locations/Central US/operationResults/op-1?api-version=2024-04-13";
        private static readonly string Stored = "{\"id\":\"" + Target.ResourceId + "\",\"name\":\"mykustocluster/mykustodatabase/waited\",\"type\":\"Microsoft.Kusto/clusters/databases/dataConnections\","
            + "\"location\":\"Central US\",\"kind\":\"EventHub\",\"properties\":{\"consumerGroup\":\"$Default\",\"provisioningState\":\"Succeeded\"}}";

        private static KustoSession Session(ScriptedHandler handler, TimeSpan? maxRetryAfter = null) =>
            KustoSession.Create(
                new ConnectionOptions { CredentialKind = CredentialKind.AccessToken, AccessToken = Sessions.Secure(Sessions.Token), EnvironmentName = "Replay" },
                new EngineSettings
                {
                    Transport = new HttpClientTransport(new HttpClient(handler)),
                    PollInterval = TimeSpan.FromMilliseconds(10),
                    RetryDelay = TimeSpan.FromMilliseconds(10),
                    MaxRetryAfter = maxRetryAfter ?? TimeSpan.FromSeconds(60),
                });

        private static OtherDataConnection Input() =>
            new OtherDataConnection { KindName = "EventHub", Location = "Central US", PropertiesJson = "{\"consumerGroup\":\"$Default\"}" };

        private static ScriptedHandler Accepted() =>
            new ScriptedHandler().On("PUT", ResourceUrl, 201, Stored.Replace("Succeeded", "Creating", StringComparison.Ordinal), ("Azure-AsyncOperation", StatusUrl));

        [Fact]
        public async Task A_token_that_ARM_no_longer_accepts_ends_the_wait_with_the_resume_command()
        {
            var handler = Accepted()
                .On("GET", StatusUrl, 200, "{\"status\":\"Running\"}")
                .On("GET", StatusUrl, 401, "{\"error\":{\"code\":\"ExpiredAuthenticationToken\",\"message\":\"The access token expiry UTC time is earlier than current UTC time.\"}}");
            using var session = Session(handler);

            var error = await Assert.ThrowsAsync<KustoWaitInterruptedException>(
                () => session.DataConnections.CreateOrUpdateAsync(Target, Input(), new RecordingObserver(), CancellationToken.None));

            Assert.Equal(WaitInterruption.SignInExpired, error.Reason);
            Assert.Equal("OperationWaitSignInExpired", error.ErrorId);
            Assert.Equal(StatusUrl, error.OperationUrl);
            Assert.Equal("Wait-KustoOperation -OperationUrl '" + StatusUrl + "' -ResourceId '" + Target.ResourceId + "'", error.ResumeCommand);
            Assert.Contains("ExpiredAuthenticationToken", error.Message, StringComparison.Ordinal);
            Assert.EndsWith("To wait for it again, run: " + error.ResumeCommand, error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task A_poll_refused_with_a_non_transient_error_is_an_interruption_not_an_operation_failure()
        {
            var handler = Accepted()
                .On("GET", StatusUrl, 404, "{\"error\":{\"code\":\"OperationNotFound\",\"message\":\"no such operation\"}}");
            using var session = Session(handler);

            var error = await Assert.ThrowsAsync<KustoWaitInterruptedException>(
                () => session.DataConnections.CreateOrUpdateAsync(Target, Input(), null, CancellationToken.None));

            Assert.Equal(WaitInterruption.PollRefused, error.Reason);
            Assert.Contains(StatusUrl, error.ResumeCommand, StringComparison.Ordinal);
            Assert.Empty(handler.Unexpected);
        }

        [Fact]
        public async Task Transient_poll_failures_of_every_kind_are_retried_and_the_result_is_the_operations()
        {
            var handler = Accepted()
                .On("GET", StatusUrl, 500, "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"oops\"}}")
                .On("GET", StatusUrl, () => throw new HttpRequestException("Connection refused"))
                .On("GET", StatusUrl, 503, null)
                .On("GET", StatusUrl, 408, null)
                .On("GET", StatusUrl, 200, "{\"status\":\"Running\"}")
                .On("GET", StatusUrl, 502, null)
                .On("GET", StatusUrl, 200, "{\"status\":\"Succeeded\"}")
                .On("GET", ResourceUrl, 504, null)
                .On("GET", ResourceUrl, 200, Stored);
            using var session = Session(handler);
            var observer = new RecordingObserver();

            var created = await session.DataConnections.CreateOrUpdateAsync(Target, Input(), observer, CancellationToken.None);

            Assert.Equal("Succeeded", created.ProvisioningState);
            Assert.Equal(0, handler.Remaining);
            Assert.Empty(handler.Unexpected);
            Assert.Contains(observer.Progress, p => p.Note != null && p.Note.Contains("HTTP 500", StringComparison.Ordinal));
            Assert.Contains(observer.Progress, p => p.Note != null && p.Note.Contains("connection failed", StringComparison.Ordinal));
        }

        [Fact]
        public async Task A_Retry_After_longer_than_the_cap_is_cut_to_the_cap_and_the_progress_says_so()
        {
            var handler = Accepted()
                .On("GET", StatusUrl, 429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"slow down\"}}", ("Retry-After", "3600"))
                .On("GET", StatusUrl, 200, "{\"status\":\"Succeeded\"}")
                .On("GET", ResourceUrl, 200, Stored);
            using var session = Session(handler, maxRetryAfter: TimeSpan.FromSeconds(1));
            var observer = new RecordingObserver();

            await session.DataConnections.CreateOrUpdateAsync(Target, Input(), observer, CancellationToken.None);

            Assert.Equal(0, handler.Remaining);
            var noted = Assert.Single(observer.Progress, p => p.Note != null && p.Note.Contains("Retry-After", StringComparison.Ordinal));
            Assert.Equal("Poll failed: HTTP 429; Retry-After 3600 s, capped at 1 s", noted.Note);
            Assert.Equal(TimeSpan.FromSeconds(1), noted.RetryAfter);
        }

        [Fact(Timeout = 60000)]
        public async Task Cancelling_a_wait_is_an_OperationCanceledException_that_carries_the_resume_command()
        {
            var handler = Accepted().On("GET", StatusUrl, 200, "{\"status\":\"Running\"}");
            using var cancellation = new CancellationTokenSource();
            var observer = new RecordingObserver { OnEachProgress = _ => cancellation.Cancel() };
            using var session = KustoSession.Create(
                new ConnectionOptions { CredentialKind = CredentialKind.AccessToken, AccessToken = Sessions.Secure(Sessions.Token), EnvironmentName = "Replay" },
                new EngineSettings { Transport = new HttpClientTransport(new HttpClient(handler)), PollInterval = TimeSpan.FromHours(1) });

            var error = await Assert.ThrowsAsync<KustoWaitCanceledException>(
                () => session.DataConnections.CreateOrUpdateAsync(Target, Input(), observer, cancellation.Token));

            Assert.IsAssignableFrom<OperationCanceledException>(error);
            Assert.Equal(WaitInterruption.Cancelled, error.Interruption.Reason);
            Assert.Equal("OperationWaitCancelled", error.Interruption.ErrorId);
            Assert.Contains(StatusUrl, error.Interruption.ResumeCommand, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Waiting_later_for_a_delete_polls_the_same_way_and_its_resume_command_names_no_resource()
        {
            var handler = new ScriptedHandler()
                .On("GET", StatusUrl, 503, null, ("Retry-After", "1"))
                .On("GET", StatusUrl, 200, "{\"status\":\"Succeeded\"}");
            using var session = Session(handler);

            var result = await session.DataConnections.WaitForOperationAsync(KustoOperationKind.Delete, Target, StatusUrl, null, CancellationToken.None);

            Assert.Null(result);
            Assert.Equal(0, handler.Remaining);
            Assert.Equal("Wait-KustoOperation -OperationUrl 'https://x/a''b'", KustoWaitInterruptedException.BuildResumeCommand("https://x/a'b", null));
        }

        [Fact]
        public async Task The_validation_POST_is_followed_by_the_same_wait_through_transient_failures()
        {
            var location = Arm + "/subscriptions/" + Sub + "/providers/Microsoft.Kusto/locations/Central%20US/operationResults/op-2?api-version=2024-04-13&operationResultResponseType=Location";
            var status = Arm + "/subscriptions/" + Sub + "/providers/Microsoft.Kusto/locations/Central US/operationResults/op-2?api-version=2024-04-13";
            var handler = new ScriptedHandler()
                .On("POST", Arm + Target.Database.ResourceId + "/dataConnectionValidation", 202, null, ("Azure-AsyncOperation", status), ("Location", location))
                .On("GET", status, 200, "{\"status\":\"Running\"}")
                .On("GET", status, 500, null)
                .On("GET", status, 200, "{\"status\":\"Succeeded\"}")
                .On("GET", location, 503, null)
                .On("GET", location, 200, "{\"value\":[{\"errorMessage\":\"The table 'Nope' does not exist.\"}]}");
            using var session = Session(handler);

            var messages = await session.DataConnections.ValidateAsync(Target, Input(), null, CancellationToken.None);

            Assert.Equal(new[] { "The table 'Nope' does not exist." }, messages.ToArray());
            Assert.Equal(0, handler.Remaining);
        }
    }
}
