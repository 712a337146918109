using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>One engine operation of a pipeline item; returns the object to write (or null).</summary>
    internal delegate Task<object?> OperationWork(OperationItem item, CancellationToken cancellationToken);

    /// <summary>Where a batch writes: the cmdlet (on the pipeline thread) or a job's streams (any thread).</summary>
    internal interface IOutputSink
    {
        void WriteObject(object value);

        void WriteError(ErrorRecord record);

        void WriteWarning(string message);

        void WriteVerbose(string message);

        void WriteDebug(string message);

        /// <summary>A message for the person at the keyboard (shown as Write-Host shows it).</summary>
        void WriteHostMessage(string message);

        void WriteProgress(ProgressRecord record);
    }

    /// <summary>
    /// Runs the operations of piped items concurrently in the engine, at most <c>throttleLimit</c> at a time, and writes
    /// their results and errors in pipeline order, each as soon as every earlier item is done. Progress and verbose
    /// messages are queued by the engine threads and written by the owner thread (the pipeline thread of a cmdlet, or the
    /// job's worker), so nothing is ever written from an engine thread.
    /// </summary>
    internal sealed class OperationBatch : IDisposable
    {
        private readonly SemaphoreSlim _gate;
        private readonly CancellationTokenSource _cancellation;
        private readonly Func<Exception, object?, ErrorRecord> _toErrorRecord;
        private readonly BlockingCollection<Action<IOutputSink>> _messages = new BlockingCollection<Action<IOutputSink>>();
        private readonly List<OperationItem> _items = new List<OperationItem>();
        private int _written;
        private int _nextActivityId;

        /// <param name="throttleLimit">How many operations may run at once.</param>
        /// <param name="toErrorRecord">Turns a failed item's exception into the record to write.</param>
        /// <param name="cancellationToken">Stops every operation (Ctrl+C, Stop-Job).</param>
        internal OperationBatch(int throttleLimit, Func<Exception, object?, ErrorRecord> toErrorRecord, CancellationToken cancellationToken)
        {
            if (throttleLimit < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(throttleLimit));
            }

            _gate = new SemaphoreSlim(throttleLimit, throttleLimit);
            _toErrorRecord = toErrorRecord;
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }

        /// <summary>True once an item ended because the batch was cancelled; its result is not written.</summary>
        internal bool WasCancelled { get; private set; }

        /// <summary>The budget of each item's waits for long-running operations (-Timeout).</summary>
        internal TimeSpan WaitTimeout { get; set; } = TimeSpan.FromMinutes(60);

        private readonly ConcurrentQueue<KustoWaitInterruptedException> _interrupted = new ConcurrentQueue<KustoWaitInterruptedException>();

        /// <summary>The waits that the cancellation interrupted (each with its resume command), since the last call.</summary>
        internal IEnumerable<KustoWaitInterruptedException> TakeInterrupted()
        {
            while (_interrupted.TryDequeue(out var e))
            {
                yield return e;
            }
        }

        /// <summary>Starts the item's operation now, or as soon as fewer than the throttle limit run. Owner thread only.</summary>
        internal void Start(object? target, OperationWork work)
        {
            var item = new OperationItem(this, target);
            _items.Add(item);
            _ = RunAsync(item, work);
        }

        /// <summary>Writes what is ready (messages, and the results of the leading finished items) without waiting.</summary>
        internal void WriteAvailable(IOutputSink sink)
        {
            while (_messages.TryTake(out var message))
            {
                message(sink);
            }

            WriteFinishedItems(sink);
        }

        /// <summary>Writes everything, waiting for every item to end (cancellation ends them at once).</summary>
        internal void WriteAll(IOutputSink sink)
        {
            while (true)
            {
                WriteAvailable(sink);
                if (_written == _items.Count)
                {
                    return;
                }

                // Every finishing item posts a message after it is marked done, so this wakes for each one.
                _messages.Take()(sink);
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            // Items still running (the pipeline ended early) are cancelled; their late messages are dropped.
            _cancellation.Cancel();
            _messages.Dispose();
            _gate.Dispose();
            _cancellation.Dispose();
        }

        internal int NextActivityId() => Interlocked.Increment(ref _nextActivityId);

        internal void Post(Action<IOutputSink> message)
        {
            try
            {
                _messages.Add(message);
            }
            catch (InvalidOperationException)
            {
                // Disposed (ObjectDisposedException is one): the batch was abandoned; nobody reads any more.
            }
        }

        private async Task RunAsync(OperationItem item, OperationWork work)
        {
            var token = _cancellation.Token;
            try
            {
                await _gate.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    item.Result = await Task.Run(
                        () =>
                        {
                            // The item's reads and checks (existence, location, policy) report their HTTP exchanges too.
                            using (EngineObservation.Observe(item))
                            {
                                return work(item, token);
                            }
                        },
                        token).ConfigureAwait(false);
                }
                finally
                {
                    _gate.Release();
                }
            }
            catch (Exception e)
            {
                item.Error = e;
            }
            finally
            {
                item.Finish();
            }
        }

        private void WriteFinishedItems(IOutputSink sink)
        {
            while (_written < _items.Count && _items[_written].IsDone)
            {
                var item = _items[_written++];
                foreach (var warning in item.TakeWarnings())
                {
                    sink.WriteWarning(warning);
                }

                if (item.Error is OperationCanceledException && _cancellation.IsCancellationRequested)
                {
                    WasCancelled = true;
                    if (item.Error is KustoWaitCanceledException cancelled)
                    {
                        _interrupted.Enqueue(cancelled.Interruption);
                    }
                }
                else if (item.Error != null)
                {
                    sink.WriteError(_toErrorRecord(item.Error, item.Target));
                }
                else if (item.Result != null)
                {
                    sink.WriteObject(item.Result);
                }
            }
        }
    }

    /// <summary>
    /// One pipeline item of a batch: the engine's observer for its operation (progress and verbose messages go to the
    /// batch's queue, each activity with its own progress id) and the warnings to write before its result.
    /// </summary>
    internal sealed class OperationItem : IWaitingObserver
    {
        private readonly OperationBatch _batch;
        private readonly ConcurrentDictionary<string, int> _activities = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _warnings = new ConcurrentQueue<string>();
        private int _done;

        internal OperationItem(OperationBatch batch, object? target)
        {
            _batch = batch;
            Target = target;
        }

        /// <summary>The error record's target when the operation fails.</summary>
        internal object? Target { get; }

        internal object? Result { get; set; }

        internal Exception? Error { get; set; }

        internal bool IsDone => Volatile.Read(ref _done) == 1;

        /// <summary>The batch's -Timeout: the budget of this item's waits.</summary>
        public TimeSpan WaitTimeout => _batch.WaitTimeout;

        public void OnProgress(OperationProgress progress)
        {
            var id = _activities.GetOrAdd(progress.Activity, _ => _batch.NextActivityId());
            var record = ProgressRecords.From(id, progress);
            _batch.Post(sink => sink.WriteProgress(record));
        }

        public void OnVerbose(string message) => _batch.Post(sink => sink.WriteVerbose(message));

        public void OnDebug(string message) => _batch.Post(sink => sink.WriteDebug(message));

        /// <summary>A message for the person (e.g. a sign-in prompt): shown as Write-Host shows it, or kept in the job's information stream.</summary>
        public void OnUserMessage(string message) => _batch.Post(sink => sink.WriteHostMessage(message));

        /// <summary>A warning about this item, written just before its result or error.</summary>
        public void OnWarning(string message) => _warnings.Enqueue(message);

        internal IEnumerable<string> TakeWarnings()
        {
            while (_warnings.TryDequeue(out var warning))
            {
                yield return warning;
            }
        }

        /// <summary>Closes the item's progress bars, marks it done, then wakes the writer.</summary>
        internal void Finish()
        {
            foreach (var pair in _activities)
            {
                var completed = new ProgressRecord(pair.Value, pair.Key, "Done") { RecordType = ProgressRecordType.Completed };
                _batch.Post(sink => sink.WriteProgress(completed));
            }

            Volatile.Write(ref _done, 1);
            _batch.Post(_ => { });
        }
    }
}
