using System;

namespace KustoConnect.Emulator.Client
{
    /// <summary>A failure to start, find or ask the emulator, with a stable PascalCase error id.</summary>
    public sealed class EmulatorClientException : Exception
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="errorId">The stable id: DotnetNotFound, EmulatorStartFailed, EmulatorStartTimeout, EmulatorConnectionFileNotFound, ...</param>
        /// <param name="message">What went wrong and what to do.</param>
        /// <param name="innerException">The cause, if any.</param>
        public EmulatorClientException(string errorId, string message, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = errorId;
        }

        /// <summary>The stable id of the failure.</summary>
        public string ErrorId { get; }
    }
}
