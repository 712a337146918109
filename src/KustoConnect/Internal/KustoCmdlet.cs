using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>
    /// Base of every KustoConnect cmdlet: one cancellation source per invocation (cancelled by Ctrl+C / StopProcessing),
    /// the bridge that runs an engine call off the pipeline thread while its progress and messages are written on it,
    /// and the mapping of engine exceptions to ErrorRecords with stable ids.
    /// </summary>
    public abstract class KustoCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private bool _disposed;

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
        protected CancellationToken CancellationToken => _cancellation.Token;

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            DebugWithoutPrompting();
            base.BeginProcessing();
        }

        /// <summary>
        /// -Debug on a compiled cmdlet makes PowerShell ask "Continue with this operation?" for every verbose and warning
        /// record (their preferences become Inquire), which fails at once in a non-interactive session (every runbook and
        /// CI job). KustoConnect's messages are traces, not breakpoints: with -Debug they are written as the 'Continue'
        /// preference writes them (debug, verbose and warning records all shown, never a prompt). PowerShell keeps these
        /// preferences in internal properties of the command runtime, so they are set by reflection; when a property is
        /// missing, PowerShell's own behaviour stays.
        /// </summary>
        private void DebugWithoutPrompting()
        {
            if (!MyInvocation.BoundParameters.TryGetValue("Debug", out var value) || !(value is SwitchParameter debug) || !debug.IsPresent)
            {
                return;
            }

            var runtime = CommandRuntime;
            if (runtime == null)
            {
                return;
            }

            const System.Reflection.BindingFlags Flags = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public;
            var type = runtime.GetType();

            // The verbose preference has no setter: it follows the -Verbose flag first, so -Debug sets that flag (as Az's
            // -Debug shows verbose records too), unless -Verbose was given.
            var verbose = type.GetProperty("VerbosePreference", Flags);
            var verboseFlag = type.GetProperty("Verbose", Flags);
            var verboseFlagSet = type.GetProperty("IsVerboseFlagSet", Flags);
            if (verbose != null && verboseFlag != null && verboseFlagSet != null && verboseFlag.CanWrite && verboseFlagSet.CanWrite
                && Equals(verbose.GetValue(runtime), ActionPreference.Inquire) && !Equals(verboseFlagSet.GetValue(runtime), true))
            {
                verboseFlag.SetValue(runtime, true);
                verboseFlagSet.SetValue(runtime, true);
            }

            foreach (var name in new[] { "DebugPreference", "WarningPreference", "InformationPreference" })
            {
                var property = type.GetProperty(name, Flags);
                if (property != null && property.CanWrite && property.PropertyType == typeof(ActionPreference)
                    && Equals(property.GetValue(runtime), ActionPreference.Inquire))
                {
                    property.SetValue(runtime, ActionPreference.Continue);
                }
            }
        }

        /// <inheritdoc />
        protected override void StopProcessing()
        {
            _cancellation.Cancel();
            base.StopProcessing();
        }

        /// <summary>
        /// The session of this runspace (Connect-KustoAccount's, else one from the environment: Az.Accounts, AZURE_* variables,
        /// managed identity); a terminating error when there is none.
        /// </summary>
        protected KustoSession RequireSession()
        {
            KustoSession? session;
            try
            {
                session = SessionStore.Resolve(this);
            }
            catch (KustoException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, null));
                return null!;
            }

            if (session == null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException(
                        "Not signed in. Run Connect-KustoAccount, or Connect-AzAccount (Az.Accounts), or set the AZURE_* sign-in environment variables."),
                    "NotConnected", ErrorCategory.AuthenticationError, null));
            }

            return session!;
        }

        /// <summary>
        /// The subscription to act in: the -SubscriptionId of this call, else the context's. Terminating error when neither
        /// is set.
        /// </summary>
        protected string ResolveSubscriptionId(KustoSession session, string? subscriptionId)
        {
            var value = string.IsNullOrEmpty(subscriptionId) ? session.SubscriptionId : subscriptionId;
            if (string.IsNullOrEmpty(value))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException(
                        "No subscription is selected. Pass -SubscriptionId, or set one with Connect-KustoAccount -SubscriptionId."),
                    "NoSubscriptionSelected", ErrorCategory.InvalidArgument, null));
            }

            return value!;
        }

        /// <summary>
        /// Runs an engine call on the thread pool and, until it ends, writes its progress, verbose and debug messages on the
        /// pipeline thread. Returns its result or rethrows its exception (unwrapped).
        /// </summary>
        protected T RunEngine<T>(Func<IOperationObserver, CancellationToken, Task<T>> call)
        {
            using var queue = new BlockingCollection<Action>();
            var observer = new QueueObserver(queue, this);
            var task = Task.Run(
                () =>
                {
                    using (EngineObservation.Observe(observer))
                    {
                        return call(observer, CancellationToken);
                    }
                },
                CancellationToken);
            task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
            foreach (var action in queue.GetConsumingEnumerable())
            {
                action();
            }

            observer.Complete();
            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Runs an engine call with no result; see <see cref="RunEngine{T}"/>.</summary>
        protected void RunEngine(Func<IOperationObserver, CancellationToken, Task> call)
        {
            RunEngine<bool>(async (observer, token) =>
            {
                await call(observer, token).ConfigureAwait(false);
                return true;
            });
        }

        /// <summary>The ARM error codes that users act on: each is its own FullyQualifiedErrorId, with the category that fits.</summary>
        private static readonly (string Code, ErrorCategory Category)[] KnownCodes =
        {
            ("ConsumerGroupInUse", ErrorCategory.ResourceBusy),
            ("ConsumerGroupNotFound", ErrorCategory.ObjectNotFound),
            ("TableNotFound", ErrorCategory.ObjectNotFound),
            ("MappingNotFound", ErrorCategory.ObjectNotFound),
            ("SharedAccessPolicyNotFound", ErrorCategory.ObjectNotFound),
            ("ResourceNotFound", ErrorCategory.ObjectNotFound),
            ("AuthorizationFailed", ErrorCategory.PermissionDenied),
        };

        /// <summary>
        /// Turns an engine exception into an ErrorRecord with a stable id and a specific category. ARM's code and message go
        /// into ErrorDetails (with the correlation id); advice (how to retry, the command that resumes a wait) into its
        /// RecommendedAction. Any other exception is kept as it is (with its stack trace) under UnexpectedError.
        /// </summary>
        protected internal static ErrorRecord ToErrorRecord(Exception exception, object? target)
        {
            switch (exception)
            {
                case KustoValidationException validation:
                    return new ErrorRecord(validation, validation.ErrorId, ErrorCategory.InvalidArgument, validation.ParameterName ?? target);
                case KustoUnsafeRequestException refused:
                    return new ErrorRecord(refused, refused.ErrorId, ErrorCategory.SecurityError, target);
                case KustoAuthenticationException authentication:
                    return new ErrorRecord(authentication, authentication.ErrorId, ErrorCategory.AuthenticationError, target);
                case KustoArmException arm:
                    return WithDetails(
                        new ErrorRecord(arm, arm.StatusCode == 429 ? "ArmThrottled" : arm.ErrorId, CategoryOf(arm.StatusCode, arm.Code), target),
                        arm.Message,
                        arm.StatusCode == 429 ? "Azure Resource Manager is throttling requests: wait a little and run the command again." : null);
                case DataConnectionExistsException exists:
                    return new ErrorRecord(exists, "DataConnectionAlreadyExists", ErrorCategory.ResourceExists, target);
                case DataConnectionValidationFailedException invalid:
                    return new ErrorRecord(invalid, invalid.ErrorId, ErrorCategory.InvalidData, target);
                case KustoOperationFailedException failed:
                {
                    var (id, category) = OperationFailureId(failed.Code);
                    return WithDetails(
                        new ErrorRecord(failed, id, category, target),
                        string.IsNullOrEmpty(failed.Hint) ? failed.Message : failed.Message + " " + failed.Hint,
                        failed.Hint);
                }

                case KustoWaitInterruptedException interrupted:
                    return WithDetails(
                        new ErrorRecord(interrupted, interrupted.ErrorId, CategoryOf(interrupted.Reason), target ?? interrupted.OperationUrl),
                        interrupted.Message,
                        "Run: " + interrupted.ResumeCommand);
                case KustoException other:
                    return new ErrorRecord(other, other.ErrorId, ErrorCategory.InvalidOperation, target);
                default:
                    return WithDetails(
                        new ErrorRecord(exception, "UnexpectedError", ErrorCategory.InvalidOperation, target),
                        exception.GetType().FullName + ": " + exception.Message,
                        null);
            }
        }

        private static ErrorRecord WithDetails(ErrorRecord record, string message, string? recommendedAction)
        {
            record.ErrorDetails = new ErrorDetails(message);
            if (!string.IsNullOrEmpty(recommendedAction))
            {
                record.ErrorDetails.RecommendedAction = recommendedAction;
            }

            return record;
        }

        /// <summary>A failed operation's id: its ARM code when it is a known one (ConsumerGroupInUse, TableNotFound...), else OperationFailed.</summary>
        private static (string Id, ErrorCategory Category) OperationFailureId(string? code)
        {
            foreach (var (known, category) in KnownCodes)
            {
                if (string.Equals(known, code, StringComparison.OrdinalIgnoreCase))
                {
                    return (known, category);
                }
            }

            if (code != null && (code.IndexOf("Throttl", StringComparison.OrdinalIgnoreCase) >= 0 || string.Equals(code, "TooManyRequests", StringComparison.OrdinalIgnoreCase)))
            {
                return ("OperationThrottled", ErrorCategory.LimitsExceeded);
            }

            return ("OperationFailed", ErrorCategory.InvalidResult);
        }

        private static ErrorCategory CategoryOf(WaitInterruption reason)
        {
            switch (reason)
            {
                case WaitInterruption.TimedOut: return ErrorCategory.OperationTimeout;
                case WaitInterruption.Cancelled: return ErrorCategory.OperationStopped;
                case WaitInterruption.SignInExpired: return ErrorCategory.AuthenticationError;
                default: return ErrorCategory.ConnectionError;
            }
        }

        private static ErrorCategory CategoryOf(int status, string? code)
        {
            foreach (var (known, category) in KnownCodes)
            {
                if (string.Equals(known, code, StringComparison.OrdinalIgnoreCase))
                {
                    return category;
                }
            }

            return CategoryOf(status);
        }

        private static ErrorCategory CategoryOf(int status)
        {
            switch (status)
            {
                case 0: return ErrorCategory.ConnectionError;
                case 400: return ErrorCategory.InvalidArgument;
                case 401: return ErrorCategory.AuthenticationError;
                case 403: return ErrorCategory.PermissionDenied;
                case 404: return ErrorCategory.ObjectNotFound;
                case 409: return ErrorCategory.ResourceExists;
                case 429: return ErrorCategory.LimitsExceeded;
                default: return status >= 500 ? ErrorCategory.ResourceUnavailable : ErrorCategory.InvalidOperation;
            }
        }

        /// <summary>True for the exceptions that are about one item and become a non-terminating error.</summary>
        protected static bool IsItemError(Exception exception) => exception is KustoException || exception is DataConnectionExistsException;

        /// <summary>
        /// Writes a non-terminating error for one failed item; lets pipeline stops through. A request the engine refused as
        /// unsafe (UnsafeRequestPath) ends the whole command: a value slipped past the checks, and nothing more may be sent.
        /// </summary>
        protected void WriteEngineError(Exception exception, object? target)
        {
            if (exception is PipelineStoppedException)
            {
                throw exception;
            }

            var record = ToErrorRecord(exception, target);
            if (exception is KustoUnsafeRequestException)
            {
                ThrowTerminatingError(record);
            }

            WriteError(record);
        }

        /// <summary>
        /// A -Name that may hold wildcards: null when it has none (then <paramref name="validateExact"/> checks it as a
        /// name), else the pattern, checked before anything is sent (a malformed pattern such as 'my[' is an
        /// InvalidWildcardPattern error, and its literal characters must be safe).
        /// </summary>
        protected static WildcardPattern? NamePattern(string? name, Action<string> validateExact, string parameterName = "Name")
        {
            if (name == null)
            {
                return null;
            }

            if (!WildcardPattern.ContainsWildcardCharacters(name))
            {
                validateExact(name);
                return null;
            }

            var literal = name.Replace("*", string.Empty).Replace("?", string.Empty).Replace("[", string.Empty).Replace("]", string.Empty).Replace("`", string.Empty);
            var unsafeReason = literal.Length == 0 ? null : NameRules.UnsafeReason(literal);
            if (unsafeReason != null || name.Length > 1024)
            {
                throw new KustoValidationException(
                    "InvalidWildcardPattern",
                    "The name pattern " + KustoRules.Show(name) + " is not valid: it " + (unsafeReason ?? "is too long") + ".",
                    parameterName);
            }

            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            try
            {
                pattern.IsMatch(string.Empty);
            }
            catch (WildcardPatternException e)
            {
                throw new KustoValidationException(
                    "InvalidWildcardPattern",
                    "The name pattern " + KustoRules.Show(name) + " is not a valid wildcard pattern: " + e.Message,
                    parameterName);
            }

            return pattern;
        }

        /// <inheritdoc />
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>Disposes the cancellation source.</summary>
        protected virtual void Dispose(bool disposing)
        {
            if (!_disposed && disposing)
            {
                _cancellation.Dispose();
            }

            _disposed = true;
        }

        /// <summary>
        /// Whether the command's debug records are shown: -Debug (or -Debug:$false) decides; otherwise $DebugPreference as
        /// the command sees it, where SilentlyContinue and Ignore drop them (anything unexpected counts as shown).
        /// </summary>
        internal static bool DebugRecordsShown(PSCmdlet command)
        {
            if (command.MyInvocation.BoundParameters.TryGetValue("Debug", out var debug) && debug is SwitchParameter given)
            {
                return given.IsPresent;
            }

            return !(command.GetVariableValue("DebugPreference") is ActionPreference preference)
                || (preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore);
        }

        /// <summary>Collects engine callbacks (any thread) as actions for the pipeline thread.</summary>
        private sealed class QueueObserver : IDebugFilteringObserver
        {
            private readonly BlockingCollection<Action> _queue;
            private readonly Cmdlet _cmdlet;
            private readonly ConcurrentDictionary<string, int> _activities = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            private int _nextActivityId;

            public QueueObserver(BlockingCollection<Action> queue, Cmdlet cmdlet)
            {
                _queue = queue;
                _cmdlet = cmdlet;
                IsDebugEnabled = !(cmdlet is PSCmdlet command) || DebugRecordsShown(command);
            }

            /// <summary>Decided once, on the pipeline thread, when the call starts.</summary>
            public bool IsDebugEnabled { get; }

            public void OnProgress(OperationProgress progress)
            {
                var id = _activities.GetOrAdd(progress.Activity, _ => Interlocked.Increment(ref _nextActivityId));
                var record = ProgressRecords.From(id, progress);
                TryAdd(() => _cmdlet.WriteProgress(record));
            }

            public void OnVerbose(string message) => TryAdd(() => _cmdlet.WriteVerbose(message));

            public void OnDebug(string message) => TryAdd(() => _cmdlet.WriteDebug(message));

            public void OnWarning(string message) => TryAdd(() => _cmdlet.WriteWarning(message));

            /// <summary>
            /// Written as Write-Host writes (an information record tagged PSHOST): the host shows it even when warnings are
            /// silenced or redirected, and it stays capturable in the information stream (6) and transcripts.
            /// </summary>
            public void OnUserMessage(string message) =>
                TryAdd(() => _cmdlet.WriteInformation(new HostInformationMessage { Message = message }, HostMessages.Tags));

            /// <summary>Closes every progress bar this call opened.</summary>
            public void Complete()
            {
                foreach (var pair in _activities)
                {
                    _cmdlet.WriteProgress(new ProgressRecord(pair.Value, pair.Key, "Done") { RecordType = ProgressRecordType.Completed });
                }
            }

            private void TryAdd(Action action)
            {
                try
                {
                    _queue.Add(action);
                }
                catch (InvalidOperationException)
                {
                    // The call has ended; a late message has nowhere to go.
                }
            }
        }
    }
}
