using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Internal
{
    /// <summary>An operation of -AsJob, validated and confirmed on the pipeline thread before the job starts.</summary>
    internal sealed class PendingOperation
    {
        internal PendingOperation(object? target, OperationWork work)
        {
            Target = target;
            Work = work;
        }

        internal object? Target { get; }

        internal OperationWork Work { get; }
    }

    /// <summary>
    /// The job of a KustoConnect cmdlet run with -AsJob: one job for the whole invocation, its results in pipeline order
    /// (no child jobs). It runs the engine calls on its own worker with its own cancellation: Stop-Job cancels them at
    /// once and the job ends Stopped; an item that fails makes it end Failed (its error records are in the Error
    /// stream, with the ids the synchronous call writes); otherwise Completed. It never touches the cmdlet that made it.
    /// </summary>
    public sealed class KustoJob : Job
    {
        /// <summary>The PSJobTypeName of every KustoConnect job.</summary>
        public const string JobTypeName = "KustoConnectJob";

        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private readonly ManualResetEventSlim _ended = new ManualResetEventSlim(false);
        private readonly object _stateLock = new object();
        private bool _stopRequested;
        private bool _finished;

        internal KustoJob(string command, string? name)
            : base(command, name)
        {
            PSJobTypeName = JobTypeName;
        }

        /// <inheritdoc />
        public override bool HasMoreData =>
            Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Progress.Count > 0 || Debug.Count > 0 || Information.Count > 0;

        /// <inheritdoc />
        public override string Location => "localhost";

        /// <inheritdoc />
        public override string StatusMessage => string.Empty;

        /// <summary>Starts the operations (at most <paramref name="throttleLimit"/> at once) on the job's worker.</summary>
        internal void Start(IReadOnlyList<PendingOperation> operations, int throttleLimit, Func<Exception, object?, ErrorRecord> toErrorRecord)
        {
            SetJobState(JobState.Running);
            _ = Task.Run(() => Run(operations, throttleLimit, toErrorRecord));
        }

        /// <summary>Cancels the running operations and returns once the job is Stopped (nothing after a finished job).</summary>
        public override void StopJob()
        {
            lock (_stateLock)
            {
                if (_finished || _stopRequested)
                {
                    return;
                }

                _stopRequested = true;
                SetJobState(JobState.Stopping);
            }

            _cancellation.Cancel();
            _ended.Wait();
        }

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                bool finished;
                lock (_stateLock)
                {
                    finished = _finished;
                }

                if (finished)
                {
                    _cancellation.Dispose();
                    _ended.Dispose();
                }
                else
                {
                    // Removed while running (Remove-Job -Force stops it first; this is the fallback): stop the engine calls.
                    _cancellation.Cancel();
                }
            }

            base.Dispose(disposing);
        }

        private void Run(IReadOnlyList<PendingOperation> operations, int throttleLimit, Func<Exception, object?, ErrorRecord> toErrorRecord)
        {
            var sink = new JobSink(this);
            try
            {
                using var batch = new OperationBatch(throttleLimit, toErrorRecord, _cancellation.Token);
                foreach (var operation in operations)
                {
                    batch.Start(operation.Target, operation.Work);
                }

                batch.WriteAll(sink);
            }
            catch (Exception e)
            {
                sink.WriteError(new ErrorRecord(e, "KustoJobFailed", ErrorCategory.InvalidOperation, null));
            }
            finally
            {
                Finish(sink.HadErrors);
            }
        }

        private void Finish(bool hadErrors)
        {
            lock (_stateLock)
            {
                _finished = true;
                SetJobState(_stopRequested ? JobState.Stopped : hadErrors ? JobState.Failed : JobState.Completed);
            }

            _ended.Set();
        }

        /// <summary>Writes into the job's own streams (thread-safe collections).</summary>
        private sealed class JobSink : IOutputSink
        {
            private readonly KustoJob _job;
            private int _errors;

            internal JobSink(KustoJob job) => _job = job;

            internal bool HadErrors => Volatile.Read(ref _errors) > 0;

            public void WriteObject(object value) => _job.Output.Add(PSObject.AsPSObject(value));

            public void WriteError(ErrorRecord record)
            {
                Interlocked.Increment(ref _errors);
                _job.Error.Add(record);
            }

            public void WriteWarning(string message) => _job.Warning.Add(new WarningRecord(message));

            public void WriteVerbose(string message) => _job.Verbose.Add(new VerboseRecord(message));

            /// <summary>Always kept: Receive-Job writes it, and the receiver's debug preference decides whether it is shown.</summary>
            public void WriteDebug(string message) => _job.Debug.Add(new DebugRecord(message));

            public void WriteHostMessage(string message) =>
                _job.Information.Add(new InformationRecord(new HostInformationMessage { Message = message }, "KustoConnect") { Tags = { "PSHOST" } });

            public void WriteProgress(ProgressRecord record) => _job.Progress.Add(record);
        }
    }
}
