using System;

namespace KustoConnect.Engine
{
    /// <summary>Receives what an operation does, so that the caller can show it (Write-Progress, Write-Verbose).</summary>
    public interface IOperationObserver
    {
        /// <summary>The state of a long-running operation after each poll (cmdlets write it as a progress record).</summary>
        /// <param name="progress">The poll's state.</param>
        void OnProgress(OperationProgress progress);

        /// <summary>One line per HTTP exchange, e.g. "PUT https://.../dataConnections/x?api-version=2024-04-13 -> 201 (correlation id ...)".</summary>
        void OnVerbose(string message);

        /// <summary>
        /// One record per HTTP attempt, ARM requests and the credential's token requests alike: method, URL (sensitive query
        /// values redacted), status, duration in ms and the request ids (x-ms-request-id, x-ms-correlation-request-id,
        /// x-ms-client-request-id), then the request's and the response's headers and bodies with every credential redacted
        /// (Authorization, cookies, keys, secrets, tokens, assertions, passwords).
        /// </summary>
        void OnDebug(string message);

        /// <summary>
        /// A message the person at the keyboard must read now, such as the device-code prompt ("To sign in, use a web browser
        /// to open the page ... and enter the code ..."). Called on a background thread; implementations that have no person
        /// to show it to may ignore it.
        /// </summary>
        void OnUserMessage(string message);

        /// <summary>
        /// A warning about the call's item (e.g. a create that re-sends the definition to a connection left Failed);
        /// cmdlets write it to the warning stream just before the item's result or error.
        /// </summary>
        void OnWarning(string message);
    }

    /// <summary>
    /// An observer that also gives the budget of the call's waits for long-running operations (-Timeout). Without it a
    /// wait has the default budget of 60 minutes.
    /// </summary>
    public interface IWaitingObserver : IOperationObserver
    {
        /// <summary>How long a wait may last before it ends with a resumable error; zero or less for the default.</summary>
        TimeSpan WaitTimeout { get; }
    }
}
