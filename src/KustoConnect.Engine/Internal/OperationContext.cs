using System;
using System.Diagnostics;
using System.Text.Json;
using System.Threading;
using Azure;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// The observer and progress state of one engine call. It flows with the call through an AsyncLocal, so that the
    /// shared pipeline's <see cref="VerbosePolicy"/> reports to the right caller when many calls run at once.
    /// </summary>
    internal sealed class OperationContext
    {
        private static readonly AsyncLocal<OperationContext?> CurrentContext = new AsyncLocal<OperationContext?>();
        private readonly Stopwatch _stopwatch = Stopwatch.StartNew();

        internal OperationContext(IOperationObserver? observer, string activity)
        {
            Observer = observer;
            Activity = activity;
        }

        internal static OperationContext? Current => CurrentContext.Value;

        internal IOperationObserver? Observer { get; }

        internal string Activity { get; set; }

        internal string? OperationUrl { get; set; }

        /// <summary>Why the next poll waits longer than usual (a failed poll, a Retry-After); shown in the progress record.</summary>
        internal string? RetryNote { get; set; }

        /// <summary>The delay that the service's Retry-After asked for (capped), when it decides the next poll.</summary>
        internal TimeSpan? RetryAfter { get; set; }

        /// <summary>The wait's budget: the observer's (-Timeout), else <see cref="ArmOperationPoller.DefaultTimeout"/>.</summary>
        internal TimeSpan WaitTimeout => Observer is IWaitingObserver waiting && waiting.WaitTimeout > TimeSpan.Zero ? waiting.WaitTimeout : ArmOperationPoller.DefaultTimeout;

        internal IDisposable Enter()
        {
            var previous = CurrentContext.Value;
            CurrentContext.Value = this;
            return new Scope(previous);
        }

        internal void Verbose(string message) => Observer?.OnVerbose(message);

        /// <summary>
        /// Reports a debug record, built only when the observer shows it (an HTTP record formats and redacts headers and
        /// bodies): an <see cref="IDebugFilteringObserver"/> decides, any other observer gets every record.
        /// </summary>
        internal void Debug(Func<string> build)
        {
            if (Observer != null && (!(Observer is IDebugFilteringObserver filtering) || filtering.IsDebugEnabled))
            {
                Observer.OnDebug(build());
            }
        }

        /// <summary>Reports the state carried by a poll (or final) response.</summary>
        internal void ReportProgress(Response? response, bool completed)
        {
            if (Observer == null)
            {
                return;
            }

            var (status, percent) = ReadStatus(response);
            if (completed)
            {
                status ??= "Succeeded";
                percent = 100;
            }

            Observer.OnProgress(new OperationProgress(Activity, status ?? (RetryNote != null ? "Retrying" : "InProgress"), _stopwatch.Elapsed, percent, OperationUrl)
            {
                Note = completed ? null : RetryNote,
                RetryAfter = completed ? null : RetryAfter,
            });
        }

        /// <summary>
        /// The status of an operation-status body ("status", "percentComplete"), or of a resource body
        /// ("properties.provisioningState").
        /// </summary>
        internal static (string? Status, int? Percent) ReadStatus(Response? response)
        {
            if (response == null)
            {
                return (null, null);
            }

            try
            {
                var content = response.Content;
                if (content == null || content.ToMemory().IsEmpty)
                {
                    return (null, null);
                }

                using var document = JsonDocument.Parse(content.ToMemory());
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return (null, null);
                }

                var status = DataConnectionJson.GetString(root, "status");
                if (status == null && root.TryGetProperty("properties", out var properties))
                {
                    status = DataConnectionJson.GetString(properties, "provisioningState");
                }

                int? percent = null;
                if (root.TryGetProperty("percentComplete", out var percentElement) && percentElement.ValueKind == JsonValueKind.Number
                    && percentElement.TryGetDouble(out var value))
                {
                    // Microsoft.Kusto reports a fraction (0.5, 1.0); the ARM contract allows 0-100. Accept both.
                    var scaled = value <= 1.0 ? value * 100.0 : value;
                    percent = (int)Math.Round(Math.Max(0.0, Math.Min(100.0, scaled)), MidpointRounding.AwayFromZero);
                }

                return (status, percent);
            }
            catch (JsonException)
            {
                return (null, null);
            }
            catch (InvalidOperationException)
            {
                return (null, null);
            }
        }

        private sealed class Scope : IDisposable
        {
            private readonly OperationContext? _previous;

            internal Scope(OperationContext? previous) => _previous = previous;

            public void Dispose() => CurrentContext.Value = _previous;
        }
    }
}
