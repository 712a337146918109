namespace KustoConnect.Engine
{
    /// <summary>
    /// An observer that says whether it shows debug records at all (a cmdlet without -Debug and with $DebugPreference
    /// SilentlyContinue does not). The engine then builds its HTTP debug records (headers and bodies, redacted) only when
    /// they are shown; an observer that does not implement this gets every record.
    /// </summary>
    public interface IDebugFilteringObserver : IOperationObserver
    {
        /// <summary>Whether <see cref="IOperationObserver.OnDebug"/> records are shown or kept.</summary>
        bool IsDebugEnabled { get; }
    }
}
