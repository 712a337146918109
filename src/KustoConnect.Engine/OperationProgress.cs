using System;

namespace KustoConnect.Engine
{
    /// <summary>The state of a long-running operation after one poll.</summary>
    public sealed class OperationProgress
    {
        /// <summary>One poll's state.</summary>
        /// <param name="activity">What is being done, e.g. "Creating data connection 'x'".</param>
        /// <param name="status">The status the poll read.</param>
        /// <param name="elapsed">The time since the engine call that is waiting started (for Wait-KustoOperation, since the wait started).</param>
        /// <param name="percentComplete">0-100 when the service reports it; else null.</param>
        /// <param name="operationUrl">The operation-status URL being polled, when ARM gave one.</param>
        public OperationProgress(string activity, string status, TimeSpan elapsed, int? percentComplete, string? operationUrl)
        {
            Activity = activity ?? throw new ArgumentNullException(nameof(activity));
            Status = status ?? throw new ArgumentNullException(nameof(status));
            Elapsed = elapsed;
            PercentComplete = percentComplete;
            OperationUrl = operationUrl;
        }

        /// <summary>e.g. "Creating data connection 'x'".</summary>
        public string Activity { get; }

        /// <summary>The status from the poll body (Running, Succeeded, ...) or the resource's provisioningState.</summary>
        public string Status { get; }

        /// <summary>The time since the engine call that is waiting started (for Wait-KustoOperation, since the wait started).</summary>
        public TimeSpan Elapsed { get; }

        /// <summary>0-100 when the service reports it.</summary>
        public int? PercentComplete { get; }

        /// <summary>The operation-status URL being polled, when ARM gave one.</summary>
        public string? OperationUrl { get; }

        /// <summary>Why the next poll is late, e.g. "Poll failed: HTTP 503; retry 2 in 1.6 s" or "Retry-After 45 s, capped at 30 s".</summary>
        public string? Note { get; set; }

        /// <summary>The delay before the next poll that the service's Retry-After decided (after the cap), when it did.</summary>
        public TimeSpan? RetryAfter { get; set; }

        /// <summary>"Activity: Status".</summary>
        /// <returns>The display text.</returns>
        public override string ToString() => Activity + ": " + Status;
    }
}
