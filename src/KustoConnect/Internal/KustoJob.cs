using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Engine;

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
        internal void Start(IReadOnlyList<PendingOperation> operations, int throttleLimit, TimeSpan waitTimeout, Func<Exception, object?, ErrorRecord> toErrorRecord)
        {
            SetJobState(JobState.Running);
            _ = Task.Run(() => Run(operations, throttleLimit, waitTimeout, toErrorRecord));
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

        private void Run(IReadOnlyList<PendingOperation> operations, int throttleLimit, TimeSpan waitTimeout, Func<Exception, object?, ErrorRecord> toErrorRecord)
        {
            var sink = new JobSink(this);
            try
            {
                using var batch = new OperationBatch(throttleLimit, toErrorRecord, _cancellation.Token) { WaitTimeout = waitTimeout };
                foreach (var operation in operations)
                {
                    batch.Start(operation.Target, operation.Work);
                }

                batch.WriteAll(sink);

                // Stop-Job interrupted these waits: the first one's resume command becomes the Stopped job's reason (a stopped
                // job writes no error, as before).
                foreach (var interrupted in batch.TakeInterrupted())
                {
                    sink.NoteInterruption(interrupted);
                }
            }
            catch (Exception e)
            {
                sink.WriteError(new ErrorRecord(e, "KustoJobFailed", ErrorCategory.InvalidOperation, null));
            }
            finally
            {
                Finish(sink.Interruption, sink.HasErrors);
            }
        }

        /// <summary>
        /// Ends the job: Stopped after Stop-Job, Failed when an item wrote an error, else Completed. When a wait was
        /// interrupted (budget, sign-in, Stop-Job), JobStateInfo.Reason is that interruption: it carries the operation URL
        /// and the Wait-KustoOperation command that resumes it. (An operation's own failure leaves Reason empty: its error
        /// record is in the Error stream, and Receive-Job would write a Reason a second time.)
        /// </summary>
        private void Finish(KustoWaitInterruptedException? interruption, bool hadErrors)
        {
            lock (_stateLock)
            {
                _finished = true;
                if (_stopRequested)
                {
                    SetJobStateWithReason(JobState.Stopped, interruption);
                }
                else if (hadErrors)
                {
                    SetJobStateWithReason(JobState.Failed, interruption);
                }
                else
                {
                    SetJobState(JobState.Completed);
                }
            }

            _ended.Set();
        }

        /// <summary>
        /// Job.SetJobState(JobState, Exception) is internal to PowerShell (the reference assemblies show only the one-argument
        /// overload); it is the only way to fill JobStateInfo.Reason, so it is called by reflection, falling back to the
        /// public overload when a PowerShell version lacks it.
        /// </summary>
        private void SetJobStateWithReason(JobState state, Exception? reason)
        {
            var method = reason == null
                ? null
                : typeof(Job).GetMethod(
                    "SetJobState",
                    System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public,
                    null,
                    new[] { typeof(JobState), typeof(Exception) },
                    null);
            if (method == null)
            {
                SetJobState(state);
                return;
            }

            method.Invoke(this, new object?[] { state, reason });
        }

        /// <summary>Writes into the job's own streams (thread-safe collections).</summary>
        private sealed class JobSink : IOutputSink
        {
            private readonly KustoJob _job;

            internal JobSink(KustoJob job) => _job = job;

            private KustoWaitInterruptedException? _interruption;
            private int _errors;

            /// <summary>The first interrupted wait (from an error record, or noted after Stop-Job).</summary>
            internal KustoWaitInterruptedException? Interruption => Volatile.Read(ref _interruption);

            internal bool HasErrors => Volatile.Read(ref _errors) > 0;

            internal void NoteInterruption(KustoWaitInterruptedException interruption) =>
                Interlocked.CompareExchange(ref _interruption, interruption, null);

            public void WriteObject(object value) => _job.Output.Add(PSObject.AsPSObject(value));

            public void WriteError(ErrorRecord record)
            {
                Interlocked.Increment(ref _errors);
                if (record.Exception is KustoWaitInterruptedException interrupted)
                {
                    NoteInterruption(interrupted);
                }

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
