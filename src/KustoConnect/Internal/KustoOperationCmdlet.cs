using System;
using System.Collections.Generic;
using System.Management.Automation;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>
    /// Base of the cmdlets that run long-running operations for piped items (New-Kusto*Connection,
    /// Update-/Remove-KustoDataConnection, Wait-KustoOperation). Each item is validated and confirmed on the pipeline thread
    /// in ProcessRecord and handed to <see cref="Submit"/>; then:
    /// <list type="bullet">
    /// <item>without -AsJob, its operation starts at once in the engine, at most -ThrottleLimit at a time, and every result
    /// or error is written on the pipeline thread in pipeline order, as soon as the earlier items are done (the rest in
    /// EndProcessing, which waits);</item>
    /// <item>with -AsJob, the operations are kept until EndProcessing, which adds ONE <see cref="KustoJob"/> for the whole
    /// invocation to the job repository, writes it, and starts it (no job when nothing was confirmed, e.g. -WhatIf).</item>
    /// </list>
    /// </summary>
    public abstract class KustoOperationCmdlet : KustoCmdlet
    {
        private readonly List<PendingOperation> _deferred = new List<PendingOperation>();
        private OperationBatch? _batch;
        private CmdletSink? _sink;

        /// <summary>
        /// Run in a background job: validation and confirmation happen now, then Get-Job, Receive-Job, Wait-Job and
        /// Stop-Job manage the operations. One job for all the piped items.
        /// </summary>
        [Parameter]
        public SwitchParameter AsJob { get; set; }

        /// <summary>How many piped items' operations run at the same time (1-64, default 5). Results keep the pipeline order.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 5;

        /// <summary>
        /// How long to wait for each long-running operation (a TimeSpan such as 00:30:00 or 90m, or a number of seconds;
        /// default 60 minutes). Until then, failed polls (HTTP 429 and 5xx, dropped or refused connections, timeouts) are
        /// retried with backoff, and Retry-After is honoured up to 60 seconds per poll. When the budget runs out the
        /// operation may still be running in Azure: the error names its operation URL and the exact Wait-KustoOperation
        /// command that waits for it again.
        /// </summary>
        [Parameter]
        [TimeoutTransformation]
        [ValidateTimeout]
        public TimeSpan Timeout { get; set; } = DefaultTimeout;

        /// <summary>The default -Timeout: 60 minutes (Terraform's default for creates and deletes).</summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(60);

        private bool _expiryWarned;

        /// <summary>
        /// Warns once per invocation when the session's token cannot be renewed (Connect-KustoAccount -AccessToken) and
        /// expires before this call's waits could end.
        /// </summary>
        protected void WarnIfTokenExpiresDuringWait(KustoSession session)
        {
            if (_expiryWarned || session?.TokenExpiresOn is not DateTimeOffset expires || expires >= DateTimeOffset.UtcNow + Timeout)
            {
                return;
            }

            _expiryWarned = true;
            WriteWarning(
                "The session's access token expires at " + expires.ToString("u", System.Globalization.CultureInfo.InvariantCulture)
                + ", before -Timeout (" + Timeout.ToString() + ") ends, and cannot be renewed: if the wait lasts beyond then it ends with an error that carries the command to resume it after connecting again.");
        }

        /// <summary>Queues one item's operation (call from ProcessRecord, after validation and ShouldProcess).</summary>
        /// <param name="target">The error record's target when the operation fails (e.g. the resource id).</param>
        /// <param name="work">The engine call; it must not use the cmdlet (it may run in a job after the cmdlet ended).</param>
        internal void Submit(object? target, OperationWork work)
        {
            if (SessionStore.Current is KustoSession current)
            {
                WarnIfTokenExpiresDuringWait(current);
            }

            if (AsJob.IsPresent)
            {
                _deferred.Add(new PendingOperation(target, work));
                return;
            }

            _sink ??= new CmdletSink(this);
            _batch ??= new OperationBatch(ThrottleLimit, ToErrorRecord, CancellationToken) { WaitTimeout = Timeout };
            _batch.Start(target, work);
            _batch.WriteAvailable(_sink);
            ThrowIfStopped();
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (AsJob.IsPresent)
            {
                StartJob();
                return;
            }

            if (_batch != null)
            {
                _batch.WriteAll(_sink!);
                ThrowIfStopped();
            }
        }

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _batch?.Dispose();
                _batch = null;
            }

            base.Dispose(disposing);
        }

        private void StartJob()
        {
            if (_deferred.Count == 0)
            {
                return;
            }

            var command = string.IsNullOrWhiteSpace(MyInvocation.Line) ? MyInvocation.MyCommand.Name : MyInvocation.Line.Trim();
            var job = new KustoJob(command, null);

            // The job's error records carry the same FullyQualifiedErrorId as the synchronous call's ("Id,<cmdlet type>"):
            // Receive-Job writes them as they are. Only the type name is captured, never the cmdlet.
            var commandType = GetType().FullName;
            ErrorRecord JobErrorRecord(Exception exception, object? target)
            {
                var record = ToErrorRecord(exception, target);
                return new ErrorRecord(record.Exception, record.FullyQualifiedErrorId + "," + commandType, record.CategoryInfo.Category, target)
                {
                    ErrorDetails = record.ErrorDetails,
                };
            }

            JobRepository.Add(job);
            WriteObject(job);
            job.Start(_deferred.ToArray(), ThrottleLimit, Timeout, JobErrorRecord);
            _deferred.Clear();
        }

        private void ThrowIfStopped()
        {
            if (_batch!.WasCancelled)
            {
                // The pipeline is stopping: no error record can be written any more, so the way back to each interrupted
                // operation goes to the host (the console, a transcript) before the stop.
                foreach (var interrupted in _batch.TakeInterrupted())
                {
                    try
                    {
                        Host?.UI?.WriteErrorLine(interrupted.Message);
                    }
                    catch (Exception e) when (e is PipelineStoppedException || e is InvalidOperationException || e is NotImplementedException)
                    {
                        // A host without UI: nothing to show it on.
                    }
                }

                throw new PipelineStoppedException();
            }
        }

        /// <summary>Writes through the cmdlet; used only on the pipeline thread.</summary>
        private sealed class CmdletSink : IOutputSink
        {
            private readonly Cmdlet _cmdlet;

            internal CmdletSink(Cmdlet cmdlet) => _cmdlet = cmdlet;

            public void WriteObject(object value) => _cmdlet.WriteObject(value);

            public void WriteError(ErrorRecord record)
            {
                // A request refused as unsafe ends the command (see KustoCmdlet.WriteEngineError).
                if (record.Exception is KustoUnsafeRequestException)
                {
                    _cmdlet.ThrowTerminatingError(record);
                }

                _cmdlet.WriteError(record);
            }

            public void WriteWarning(string message) => _cmdlet.WriteWarning(message);

            public void WriteVerbose(string message) => _cmdlet.WriteVerbose(message);

            public void WriteDebug(string message) => _cmdlet.WriteDebug(message);

            public void WriteHostMessage(string message) =>
                _cmdlet.WriteInformation(new HostInformationMessage { Message = message }, HostMessages.Tags);

            public void WriteProgress(ProgressRecord record) => _cmdlet.WriteProgress(record);
        }
    }
}
