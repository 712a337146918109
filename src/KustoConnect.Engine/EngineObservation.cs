using System;

namespace KustoConnect.Engine
{
    /// <summary>
    /// Gives every engine call made inside a scope (also the reads, lists and checks that take no observer) an observer
    /// for its HTTP exchanges: the -Debug and -Verbose records of each request. A call that has its own observer uses that
    /// one. The scope flows with async calls started inside it.
    /// </summary>
    public static class EngineObservation
    {
        /// <summary>Starts the scope; dispose it on the thread that started it, once the calls have been started.</summary>
        public static IDisposable Observe(IOperationObserver observer) =>
            new Internal.OperationContext(observer ?? throw new ArgumentNullException(nameof(observer)), "KustoConnect").Enter();
    }
}
