using System;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// The one implementation of ARM's long-running-operation protocol in KustoConnect, used by create, update, delete,
    /// validation and Wait-KustoOperation: poll the Azure-AsyncOperation URL until its status is terminal (else the Location
    /// URL until it stops answering 202, else the resource until its provisioningState is terminal), then read the result
    /// where the method says. Every request goes through the ArmClient's own pipeline (token, Azure.Core's per-request
    /// retries, the debug and verbose policies).
    /// <para>
    /// The wait has a budget (the deadline). Until it runs out, poll failures that say nothing about the operation (HTTP 408,
    /// 429 and 5xx, refused or dropped connections, request timeouts, a token endpoint that cannot be reached) are retried
    /// with exponential backoff, honouring Retry-After up to <see cref="MaxRetryAfter"/>; they never end the wait as a
    /// failure. Every other ending that is not the operation's own result throws <see cref="KustoWaitInterruptedException"/>
    /// with the command that resumes the wait.
    /// </para>
    /// </summary>
    internal sealed class ArmOperationPoller
    {
        /// <summary>The default budget of a wait (Terraform's default for create and delete).</summary>
        internal static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(60);

        private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
        private static readonly string[] TerminalFailures = { "Failed", "Canceled", "Cancelled" };

        private readonly HttpPipeline _pipeline;
        private readonly Uri _armEndpoint;
        private readonly TimeSpan _pollInterval;
        private readonly TimeSpan _firstBackoff;

        internal ArmOperationPoller(HttpPipeline pipeline, Uri armEndpoint, TimeSpan pollInterval, TimeSpan firstBackoff, TimeSpan maxRetryAfter)
        {
            _pipeline = pipeline;
            _armEndpoint = armEndpoint;
            _pollInterval = pollInterval;
            _firstBackoff = firstBackoff <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : firstBackoff;
            MaxRetryAfter = maxRetryAfter;
        }

        /// <summary>The longest Retry-After that is honoured; a longer one is cut to this (and the progress record says so).</summary>
        internal TimeSpan MaxRetryAfter { get; }

        /// <summary>
        /// Follows <paramref name="operation"/> to its end. Returns the final response: the resource after a PUT, the result
        /// after a POST (null when there is none), null after a DELETE. Throws <see cref="KustoOperationFailedException"/>
        /// when the operation ended Failed or Canceled, <see cref="KustoWaitInterruptedException"/> for every other ending.
        /// </summary>
        internal async Task<Response?> WaitAsync(LongRunningOperation operation, Response? initial, OperationContext context, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var deadline = DateTimeOffset.UtcNow + (timeout <= TimeSpan.Zero ? DefaultTimeout : timeout);
            var state = new WaitState(operation, context, deadline, cancellationToken);
            context.OperationUrl ??= operation.StatusUrl ?? operation.LocationUrl;
            Response? last = initial;

            if (operation.StatusUrl != null)
            {
                var statusUri = CheckUrl(operation.StatusUrl);
                var first = true;
                while (true)
                {
                    // As Azure.Core's poller: the first poll at once, then the interval or Retry-After of the last answer.
                    var response = await PollAsync(state, statusUri, last, first).ConfigureAwait(false);
                    first = false;
                    last = response;
                    var (status, _) = OperationContext.ReadStatus(response);
                    if (IsTerminalFailure(status))
                    {
                        throw OperationFailed(response, context, operation);
                    }

                    if (string.Equals(status, "Succeeded", StringComparison.OrdinalIgnoreCase))
                    {
                        break;
                    }

                    context.ReportProgress(response, completed: false);
                }

                switch (operation.Method)
                {
                    case LongRunningMethod.Delete:
                        return null;
                    case LongRunningMethod.Post:
                        return operation.LocationUrl == null ? null : await ReadLocationResultAsync(state, CheckUrl(operation.LocationUrl), null).ConfigureAwait(false);
                    default:
                        return await ReadResourceAsync(state, null).ConfigureAwait(false);
                }
            }

            if (operation.LocationUrl != null)
            {
                var result = await ReadLocationResultAsync(state, CheckUrl(operation.LocationUrl), last).ConfigureAwait(false);
                return operation.Method == LongRunningMethod.Put ? await ReadResourceAsync(state, null).ConfigureAwait(false) : result;
            }

            // No operation URL: a DELETE or POST is done; a PUT whose answer is already terminal too; any other PUT is
            // followed on the resource itself (provisioningState).
            if (operation.Method != LongRunningMethod.Put)
            {
                return initial;
            }

            var (initialStatus, _) = OperationContext.ReadStatus(initial);
            if (IsTerminalFailure(initialStatus))
            {
                throw OperationFailed(initial!, context, operation);
            }

            if (initial != null && initial.Status < 300 && string.Equals(initialStatus, "Succeeded", StringComparison.OrdinalIgnoreCase))
            {
                return initial;
            }

            return await ReadResourceAsync(state, last).ConfigureAwait(false);
        }

        /// <summary>The bearer token goes with every poll: only URLs on this session's ARM endpoint are followed.</summary>
        internal Uri CheckUrl(string url)
        {
            // The Kusto RP leaves raw spaces (the location's display name) in its Azure-AsyncOperation URL.
            if (!Uri.TryCreate(url.Trim().Replace(" ", "%20"), UriKind.Absolute, out var uri)
                || !Servers.Same(uri, _armEndpoint))
            {
                throw new KustoArmException("ARM returned an operation URL that does not point at " + _armEndpoint.GetLeftPart(UriPartial.Authority) + ".", 0, "InvalidOperationUrl", null, null);
            }

            return uri;
        }

        private static bool IsTerminalFailure(string? status) =>
            status != null && Array.Exists(TerminalFailures, s => string.Equals(s, status, StringComparison.OrdinalIgnoreCase));

        /// <summary>The Location URL until it stops answering 202; then its response (200 with the result, or 204).</summary>
        private async Task<Response?> ReadLocationResultAsync(WaitState state, Uri location, Response? previous)
        {
            var last = previous;
            var first = true;
            while (true)
            {
                var response = await PollAsync(state, location, last, first).ConfigureAwait(false);
                first = false;
                if (response.Status != 202)
                {
                    return response.Status == 204 ? null : response;
                }

                state.Context.ReportProgress(response, completed: false);
                last = response;
            }
        }

        /// <summary>GETs the resource (after a PUT's operation, or until its provisioningState is terminal when ARM gave no URL).</summary>
        private async Task<Response> ReadResourceAsync(WaitState state, Response? previous)
        {
            var url = state.Operation.ResourceUrl ?? throw new InvalidOperationException("A PUT operation needs the resource URL.");
            var last = previous;
            var first = true;
            while (true)
            {
                var response = await PollAsync(state, url, last, first).ConfigureAwait(false);
                first = false;
                var (status, _) = OperationContext.ReadStatus(response);
                if (IsTerminalFailure(status))
                {
                    throw OperationFailed(response, state.Context, state.Operation);
                }

                if (status == null || string.Equals(status, "Succeeded", StringComparison.OrdinalIgnoreCase))
                {
                    return response;
                }

                state.Context.ReportProgress(response, completed: false);
                last = response;
            }
        }

        /// <summary>
        /// One successful GET of <paramref name="uri"/> (HTTP status below 400), after the delay that <paramref name="previous"/>
        /// asks for (none when <paramref name="first"/>); transient failures are retried until the deadline.
        /// </summary>
        private async Task<Response> PollAsync(WaitState state, Uri uri, Response? previous, bool first)
        {
            var delay = first ? TimeSpan.Zero : DelayAfter(previous, state.Context, out _);
            var failures = 0;
            while (true)
            {
                await state.DelayAsync(delay).ConfigureAwait(false);
                Exception? transient;
                try
                {
                    var response = await SendGetAsync(uri, state.CancellationToken).ConfigureAwait(false);
                    if (response.Status < 400)
                    {
                        state.Context.RetryNote = null;
                        state.LastTransient = null;
                        return response;
                    }

                    if (!IsTransientStatus(response.Status))
                    {
                        throw state.Refused(response);
                    }

                    transient = null;
                    failures++;
                    delay = Backoff(failures, response, state.Context, "HTTP " + response.Status.ToString(CultureInfo.InvariantCulture));
                    state.LastTransient = ErrorTranslator.FromResponse(response);
                    continue;
                }
                catch (OperationCanceledException) when (state.CancellationToken.IsCancellationRequested)
                {
                    throw state.Cancelled();
                }
                catch (Exception e) when (IsTransient(e))
                {
                    transient = e;
                }
                catch (AuthenticationFailedException e)
                {
                    throw state.Interrupted(WaitInterruption.SignInExpired, "The session's token could not be renewed: " + ErrorTranslator.Authentication(e, null, null).Message, e);
                }
                catch (KustoAuthenticationException e)
                {
                    throw state.Interrupted(WaitInterruption.SignInExpired, "The session's token could not be renewed: " + e.Message, e);
                }

                failures++;
                state.LastTransient = transient;
                delay = Backoff(failures, null, state.Context, Describe(transient));
            }
        }

        private static string Describe(Exception e)
        {
            var inner = e;
            while (inner.InnerException != null)
            {
                inner = inner.InnerException;
            }

            return e is OperationCanceledException ? "request timed out" : "connection failed (" + inner.Message.Trim() + ")";
        }

        private async Task<Response> SendGetAsync(Uri uri, CancellationToken cancellationToken)
        {
            // Not disposed: the response (its body buffered by the pipeline) outlives the message; nothing else is held.
            var message = _pipeline.CreateMessage();
            message.ResponseClassifier = SingleAttempt.Instance;
            message.Request.Method = RequestMethod.Get;
            message.Request.Uri.Reset(uri);
            message.Request.Headers.Add("Accept", "application/json");
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return message.Response;
        }

        /// <summary>HTTP 408, 429 and 5xx say nothing about the operation: ARM or the network had trouble.</summary>
        internal static bool IsTransientStatus(int status) => status == 408 || status == 429 || status >= 500;

        /// <summary>No response, or no token because the token endpoint could not be reached.</summary>
        internal static bool IsTransient(Exception exception)
        {
            switch (exception)
            {
                case RequestFailedException failed:
                    return failed.Status == 0 || IsTransientStatus(failed.Status);
                case OperationCanceledException _: // a request timeout (the caller's cancellation is handled before)
                case HttpRequestException _:
                case IOException _:
                    return true;
                case AuthenticationFailedException _:
                case KustoAuthenticationException _:
                    for (var inner = exception.InnerException; inner != null; inner = inner.InnerException)
                    {
                        if (inner is HttpRequestException || inner is IOException || (inner is RequestFailedException r && (r.Status == 0 || IsTransientStatus(r.Status))))
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }

        /// <summary>The configured interval, or the service's Retry-After (capped) when that is longer.</summary>
        private TimeSpan DelayAfter(Response? response, OperationContext context, out TimeSpan? retryAfter)
        {
            retryAfter = RetryAfterOf(response);
            var delay = _pollInterval;
            if (retryAfter is TimeSpan asked && asked > delay)
            {
                delay = asked > MaxRetryAfter ? MaxRetryAfter : asked;
                context.RetryNote = asked > MaxRetryAfter
                    ? string.Format(CultureInfo.InvariantCulture, "Retry-After {0:0} s, capped at {1:0} s", asked.TotalSeconds, MaxRetryAfter.TotalSeconds)
                    : string.Format(CultureInfo.InvariantCulture, "Retry-After {0:0} s", asked.TotalSeconds);
                context.RetryAfter = delay;
            }
            else
            {
                context.RetryAfter = null;
            }

            return delay;
        }

        private TimeSpan Backoff(int failures, Response? response, OperationContext context, string what)
        {
            var exponent = Math.Min(failures - 1, 16);
            var backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, _firstBackoff.Ticks * (1L << exponent)));
            var retryAfter = RetryAfterOf(response);
            string note;
            if (retryAfter is TimeSpan asked)
            {
                backoff = asked > MaxRetryAfter ? MaxRetryAfter : asked;
                note = asked > MaxRetryAfter
                    ? string.Format(CultureInfo.InvariantCulture, "{0}; Retry-After {1:0} s, capped at {2:0} s", what, asked.TotalSeconds, MaxRetryAfter.TotalSeconds)
                    : string.Format(CultureInfo.InvariantCulture, "{0}; Retry-After {1:0} s", what, asked.TotalSeconds);
                context.RetryAfter = backoff;
            }
            else
            {
                note = string.Format(CultureInfo.InvariantCulture, "{0}; retry {1} in {2:0.#} s", what, failures, backoff.TotalSeconds);
                context.RetryAfter = null;
            }

            context.RetryNote = "Poll failed: " + note;
            context.Verbose("Polling the operation failed (" + what + "); it is retried until the wait's budget runs out.");
            context.ReportProgress(null, completed: false);
            return backoff;
        }

        /// <summary>Retry-After in seconds or as an HTTP date; null when absent.</summary>
        internal static TimeSpan? RetryAfterOf(Response? response)
        {
            if (response == null || !response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            {
                return seconds > 0 ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                var wait = when - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : (TimeSpan?)null;
            }

            return null;
        }

        private static KustoOperationFailedException OperationFailed(Response response, OperationContext context, LongRunningOperation operation)
        {
            var (status, _) = OperationContext.ReadStatus(response);
            var (code, message) = ErrorTranslator.ReadError(response);
            var hint = operation.IsCreate && operation.Method == LongRunningMethod.Put
                ? "The data connection was left in state Failed; fix the cause and run the same New- command again: it re-sends the definition to the Failed data connection."
                : null;
            return new KustoOperationFailedException(
                message ?? context.Activity + " ended " + status + ".",
                code ?? status,
                context.OperationUrl ?? operation.ResumeUrl,
                ErrorTranslator.Header(response, "x-ms-correlation-request-id"),
                hint);
        }

        /// <summary>
        /// Polls are sent once each (Azure.Core's retry policy does not repeat them): the poller retries them itself, so that
        /// each retry, its Retry-After and its backoff show in the progress record and count against the wait's budget.
        /// </summary>
        private sealed class SingleAttempt : ResponseClassifier
        {
            internal static readonly SingleAttempt Instance = new SingleAttempt();

            public override bool IsRetriableResponse(HttpMessage message) => false;

            public override bool IsRetriableException(Exception exception) => false;

            public override bool IsRetriable(HttpMessage message, Exception exception) => false;

            public override bool IsErrorResponse(HttpMessage message) => message.Response.Status >= 400;
        }

        /// <summary>The deadline, the cancellation and the last transient failure of one wait.</summary>
        private sealed class WaitState
        {
            internal WaitState(LongRunningOperation operation, OperationContext context, DateTimeOffset deadline, CancellationToken cancellationToken)
            {
                Operation = operation;
                Context = context;
                Deadline = deadline;
                CancellationToken = cancellationToken;
            }

            internal LongRunningOperation Operation { get; }

            internal OperationContext Context { get; }

            internal DateTimeOffset Deadline { get; }

            internal CancellationToken CancellationToken { get; }

            internal Exception? LastTransient { get; set; }

            /// <summary>Waits <paramref name="delay"/>, or throws when the budget would run out first.</summary>
            internal async Task DelayAsync(TimeSpan delay)
            {
                var left = Deadline - DateTimeOffset.UtcNow;
                if (left <= TimeSpan.Zero || (delay > left && LastTransient != null))
                {
                    throw TimedOut();
                }

                if (delay > left)
                {
                    // One last poll when the budget ends.
                    delay = left;
                }

                if (delay <= TimeSpan.Zero)
                {
                    if (CancellationToken.IsCancellationRequested)
                    {
                        throw Cancelled();
                    }

                    return;
                }

                try
                {
                    await Task.Delay(delay, CancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
                {
                    throw Cancelled();
                }
            }

            internal KustoWaitInterruptedException TimedOut()
            {
                var why = LastTransient == null
                    ? "The operation did not finish within the wait's budget (-Timeout)."
                    : "Azure Resource Manager could not be polled successfully before the wait's budget (-Timeout) ran out; last failure: "
                      + (LastTransient is KustoArmException arm ? "HTTP " + arm.StatusCode.ToString(CultureInfo.InvariantCulture) + ", " + arm.Message : Describe(LastTransient)) + ".";
                return Interrupted(WaitInterruption.TimedOut, why, LastTransient);
            }

            internal KustoWaitInterruptedException Refused(Response response)
            {
                var error = ErrorTranslator.FromResponse(response);
                var expired = response.Status == 401;
                return Interrupted(
                    expired ? WaitInterruption.SignInExpired : WaitInterruption.PollRefused,
                    (expired ? "Azure Resource Manager no longer accepts the session's token: " : "Azure Resource Manager refused a poll of the operation: ") + error.Message,
                    error);
            }

            /// <summary>An OperationCanceledException (the caller's cancellation stays one) that knows how to resume.</summary>
            internal KustoWaitCanceledException Cancelled() =>
                new KustoWaitCanceledException(Interrupted(WaitInterruption.Cancelled, "The wait was cancelled.", null), CancellationToken);

            internal KustoWaitInterruptedException Interrupted(WaitInterruption reason, string message, Exception? inner) =>
                new KustoWaitInterruptedException(reason, Context.Activity + ": " + message, Context.OperationUrl ?? Operation.ResumeUrl, Operation.ResourceId, inner);
        }
    }
}
