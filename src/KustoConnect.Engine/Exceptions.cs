using System;

namespace KustoConnect.Engine
{
    /// <summary>
    /// Base class of every error the engine raises on purpose. <see cref="ErrorId"/> is a stable PascalCase id that the
    /// cmdlets use as the ErrorRecord id. Messages never contain secrets.
    /// </summary>
    public class KustoException : Exception
    {
        /// <summary>An engine error without an inner exception.</summary>
        /// <param name="errorId">The stable PascalCase error id; required.</param>
        /// <param name="message">What went wrong and, where there is advice, what to do; never a secret.</param>
        public KustoException(string errorId, string message)
            : this(errorId, message, null)
        {
        }

        /// <summary>An engine error caused by <paramref name="innerException"/>.</summary>
        /// <param name="errorId">The stable PascalCase error id; required.</param>
        /// <param name="message">What went wrong and, where there is advice, what to do; never a secret.</param>
        /// <param name="innerException">The failure that caused it, or null.</param>
        public KustoException(string errorId, string message, Exception? innerException)
            : base(message, innerException)
        {
            if (string.IsNullOrEmpty(errorId))
            {
                throw new ArgumentException("An error id is required.", nameof(errorId));
            }

            ErrorId = errorId;
        }

        /// <summary>Stable PascalCase identifier of the error, e.g. "InvalidClusterName" or "ArmResourceNotFound".</summary>
        public string ErrorId { get; }
    }

    /// <summary>A client-side rule was broken; nothing was sent.</summary>
    public sealed class KustoValidationException : KustoException
    {
        /// <summary>A refused input.</summary>
        /// <param name="errorId">The rule's error id, e.g. "InvalidDataConnectionName".</param>
        /// <param name="message">What is wrong with the value and what is allowed.</param>
        /// <param name="parameterName">The offending parameter or option, or null.</param>
        public KustoValidationException(string errorId, string message, string? parameterName)
            : base(errorId, message)
        {
            ParameterName = parameterName;
        }

        /// <summary>The offending parameter or option, when there is one.</summary>
        public string? ParameterName { get; }
    }

    /// <summary>Azure Resource Manager answered with an error response (or could not be reached: <see cref="StatusCode"/> 0).</summary>
    public sealed class KustoArmException : KustoException
    {
        /// <summary>
        /// An ARM error response. Its <see cref="KustoException.ErrorId"/> is "Arm" + ARM's code in PascalCase
        /// (ArmResourceNotFound), else "ArmHttp" + the status (ArmHttp503), else ArmConnectionFailed; its message is ARM's
        /// followed by the code, status and correlation id.
        /// </summary>
        /// <param name="armMessage">ARM's message (error.message).</param>
        /// <param name="statusCode">The HTTP status; 0 when no response was received.</param>
        /// <param name="code">ARM's error code (error.code), or null.</param>
        /// <param name="correlationId">The response's x-ms-correlation-request-id, or null.</param>
        /// <param name="requestId">The response's x-ms-request-id, or null.</param>
        /// <param name="innerException">The Azure SDK's exception, or null.</param>
        public KustoArmException(string armMessage, int statusCode, string? code, string? correlationId, string? requestId, Exception? innerException = null)
            : base(BuildErrorId(statusCode, code), BuildMessage(armMessage, statusCode, code, correlationId), innerException)
        {
            StatusCode = statusCode;
            Code = code;
            CorrelationId = correlationId;
            RequestId = requestId;
            ArmMessage = armMessage;
        }

        /// <summary>The HTTP status of the failing response; 0 when no response was received.</summary>
        public int StatusCode { get; }

        /// <summary>ARM's error code (error.code), e.g. "ResourceNotFound".</summary>
        public string? Code { get; }

        /// <summary>The x-ms-correlation-request-id of the failing response.</summary>
        public string? CorrelationId { get; }

        /// <summary>The x-ms-request-id of the failing response.</summary>
        public string? RequestId { get; }

        /// <summary>ARM's own message (error.message), without the suffix that <see cref="Exception.Message"/> adds.</summary>
        public string ArmMessage { get; }

        private static string BuildErrorId(int statusCode, string? code)
        {
            if (!string.IsNullOrEmpty(code))
            {
                return "Arm" + ErrorIds.ToPascalCase(code!);
            }

            return statusCode == 0 ? "ArmConnectionFailed" : "ArmHttp" + statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        private static string BuildMessage(string armMessage, int statusCode, string? code, string? correlationId)
        {
            var text = string.IsNullOrWhiteSpace(armMessage) ? "Azure Resource Manager returned an error." : armMessage.Trim();
            return string.Format(
                System.Globalization.CultureInfo.InvariantCulture,
                "{0} (Code: {1}, Status: {2}, CorrelationId: {3})",
                text,
                string.IsNullOrEmpty(code) ? "none" : code,
                statusCode,
                string.IsNullOrEmpty(correlationId) ? "none" : correlationId);
        }
    }

    /// <summary>A long-running operation was accepted by ARM but ended Failed or Canceled.</summary>
    public sealed class KustoOperationFailedException : KustoException
    {
        /// <summary>A failed operation without advice (<see cref="Hint"/> null).</summary>
        /// <param name="operationMessage">The operation's own message (error.message).</param>
        /// <param name="code">The operation's error code, or its terminal status.</param>
        /// <param name="operationUrl">The URL that was polled.</param>
        /// <param name="correlationId">The correlation id of the response that reported the failure.</param>
        public KustoOperationFailedException(string operationMessage, string? code, string? operationUrl, string? correlationId)
            : this(operationMessage, code, operationUrl, correlationId, null)
        {
        }

        /// <summary>A failed operation (error id OperationFailed), with advice when there is some.</summary>
        /// <param name="operationMessage">The operation's own message (error.message).</param>
        /// <param name="code">The operation's error code, or its terminal status.</param>
        /// <param name="operationUrl">The URL that was polled.</param>
        /// <param name="correlationId">The correlation id of the response that reported the failure.</param>
        /// <param name="hint">What the user can do next (e.g. how to retry a failed create); the cmdlets add it to the error's details.</param>
        public KustoOperationFailedException(string operationMessage, string? code, string? operationUrl, string? correlationId, string? hint)
            : base("OperationFailed", BuildMessage(operationMessage, code, correlationId))
        {
            Hint = hint;
            Code = code;
            OperationUrl = operationUrl;
            CorrelationId = correlationId;
            OperationMessage = operationMessage;
        }

        /// <summary>The error code reported by the operation (error.code), or the terminal status when there is none.</summary>
        public string? Code { get; }

        /// <summary>The URL that was polled for the operation's status.</summary>
        public string? OperationUrl { get; }

        /// <summary>The x-ms-correlation-request-id of the response that reported the failure.</summary>
        public string? CorrelationId { get; }

        /// <summary>The operation's own message (error.message).</summary>
        public string OperationMessage { get; }

        /// <summary>What the user can do next, when there is advice (e.g. re-running a failed create); null otherwise.</summary>
        public string? Hint { get; }

        private static string BuildMessage(string operationMessage, string? code, string? correlationId)
        {
            var text = string.IsNullOrWhiteSpace(operationMessage) ? "The operation failed." : operationMessage.Trim();
            return string.Format(
                System.Globalization.CultureInfo.InvariantCulture,
                "{0} (Code: {1}, CorrelationId: {2})",
                text,
                string.IsNullOrEmpty(code) ? "none" : code,
                string.IsNullOrEmpty(correlationId) ? "none" : correlationId);
        }
    }

    /// <summary>Why a wait ended without the operation's own result.</summary>
    public enum WaitInterruption
    {
        /// <summary>The wait's budget (-Timeout) ran out while the operation was still running or ARM could not be reached.</summary>
        TimedOut,

        /// <summary>The wait was cancelled (Ctrl+C, Stop-Job).</summary>
        Cancelled,

        /// <summary>The session's token expired and cannot be refreshed (e.g. Connect-KustoAccount -AccessToken).</summary>
        SignInExpired,

        /// <summary>ARM refused a poll with an error that is not transient; the operation's outcome is unknown.</summary>
        PollRefused,
    }

    /// <summary>
    /// A wait for a long-running operation ended without the operation's result: the operation may still be running, or may
    /// have ended, on the server. <see cref="ResumeCommand"/> is the exact command that waits for it again.
    /// </summary>
    public sealed class KustoWaitInterruptedException : KustoException
    {
        /// <summary>
        /// An interrupted wait. Its error id follows <paramref name="reason"/> (OperationWaitTimedOut,
        /// OperationWaitCancelled, OperationWaitSignInExpired, OperationWaitPollRefused); its message ends with the resume command.
        /// </summary>
        /// <param name="reason">Why the wait ended.</param>
        /// <param name="message">What happened, e.g. "The wait timed out after 60 minutes.".</param>
        /// <param name="operationUrl">The operation-status URL; required.</param>
        /// <param name="resourceId">The data connection the operation acts on, or null.</param>
        /// <param name="innerException">The failure that ended the wait, or null.</param>
        public KustoWaitInterruptedException(WaitInterruption reason, string message, string operationUrl, string? resourceId, Exception? innerException)
            : base(ErrorIdOf(reason), BuildMessage(message, operationUrl, resourceId), innerException)
        {
            Reason = reason;
            OperationUrl = operationUrl ?? throw new ArgumentNullException(nameof(operationUrl));
            ResourceId = resourceId;
            ResumeCommand = BuildResumeCommand(operationUrl, resourceId);
        }

        /// <summary>Why the wait ended.</summary>
        public WaitInterruption Reason { get; }

        /// <summary>The operation-status URL (the Azure-AsyncOperation header, else Location).</summary>
        public string OperationUrl { get; }

        /// <summary>The data connection the operation acts on (null after a delete and for a validation).</summary>
        public string? ResourceId { get; }

        /// <summary>The command that waits for the operation again, e.g. <c>Wait-KustoOperation -OperationUrl '...' -ResourceId '...'</c>.</summary>
        public string ResumeCommand { get; }

        /// <summary>The resume command for an operation URL and (for a create or update) the data connection's id.</summary>
        /// <param name="operationUrl">The operation-status URL.</param>
        /// <param name="resourceId">The data connection's id, or null.</param>
        /// <returns>A Wait-KustoOperation command line with each value single-quoted for PowerShell.</returns>
        public static string BuildResumeCommand(string operationUrl, string? resourceId) =>
            "Wait-KustoOperation -OperationUrl " + Quote(operationUrl) + (string.IsNullOrEmpty(resourceId) ? string.Empty : " -ResourceId " + Quote(resourceId!));

        private static string Quote(string value) => "'" + value.Replace("'", "''") + "'";

        private static string ErrorIdOf(WaitInterruption reason)
        {
            switch (reason)
            {
                case WaitInterruption.TimedOut: return "OperationWaitTimedOut";
                case WaitInterruption.Cancelled: return "OperationWaitCancelled";
                case WaitInterruption.SignInExpired: return "OperationWaitSignInExpired";
                default: return "OperationWaitPollRefused";
            }
        }

        private static string BuildMessage(string message, string operationUrl, string? resourceId) =>
            message.TrimEnd() + " The operation may still be running in Azure. To wait for it again, run: " + BuildResumeCommand(operationUrl, resourceId);
    }

    /// <summary>
    /// The caller cancelled a wait (Ctrl+C, Stop-Job): still an <see cref="OperationCanceledException"/>, and it carries the
    /// interruption (operation URL and resume command) for whoever reports the stop.
    /// </summary>
    public sealed class KustoWaitCanceledException : OperationCanceledException
    {
        /// <summary>A cancellation that says how to resume; its message is the interruption's.</summary>
        /// <param name="interruption">The interruption (Reason <see cref="WaitInterruption.Cancelled"/>); required.</param>
        /// <param name="cancellationToken">The token that was cancelled.</param>
        public KustoWaitCanceledException(KustoWaitInterruptedException interruption, System.Threading.CancellationToken cancellationToken)
            : base(interruption?.Message, interruption, cancellationToken)
        {
            Interruption = interruption ?? throw new ArgumentNullException(nameof(interruption));
        }

        /// <summary>The error that says how to resume the wait (Reason Cancelled).</summary>
        public KustoWaitInterruptedException Interruption { get; }
    }

    /// <summary>Signing in failed (wrong secret, unknown tenant or client, expired token...). Never carries the secret.</summary>
    public sealed class KustoAuthenticationException : KustoException
    {
        /// <summary>A failed sign-in.</summary>
        /// <param name="errorId">The failure's error id, e.g. "InvalidClientSecret" or "AuthenticationFailed".</param>
        /// <param name="message">What went wrong and what to do; never the secret.</param>
        /// <param name="aadErrorCode">The Entra ID error code (AADSTS...), or null.</param>
        /// <param name="innerException">The Azure.Identity exception, or null.</param>
        public KustoAuthenticationException(string errorId, string message, string? aadErrorCode, Exception? innerException = null)
            : base(errorId, message, innerException)
        {
            AadErrorCode = aadErrorCode;
        }

        /// <summary>The Entra ID error code (e.g. "AADSTS7000215") when the service returned one.</summary>
        public string? AadErrorCode { get; }
    }

    internal static class ErrorIds
    {
        /// <summary>"ResourceNotFound" stays; "invalid_request" / "bad-thing" become "InvalidRequest" / "BadThing".</summary>
        internal static string ToPascalCase(string code)
        {
            var builder = new System.Text.StringBuilder(code.Length);
            var upperNext = true;
            foreach (var c in code)
            {
                if (!char.IsLetterOrDigit(c))
                {
                    upperNext = true;
                    continue;
                }

                builder.Append(upperNext ? char.ToUpperInvariant(c) : c);
                upperNext = false;
            }

            return builder.Length == 0 ? "Unknown" : builder.ToString();
        }
    }
}
