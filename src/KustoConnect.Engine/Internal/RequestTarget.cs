using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// The resource an engine call means to reach: requests sent while a scope is open must go to exactly its path (or one of
    /// its allowed sub-paths), or be a GET of an operation status. Flows with the async call (AsyncLocal), so concurrent
    /// calls of one session each keep their own.
    /// </summary>
    internal sealed class RequestTarget
    {
        private static readonly AsyncLocal<RequestTarget?> CurrentTarget = new AsyncLocal<RequestTarget?>();

        private RequestTarget(string path, string[] suffixes)
        {
            Path = path;
            Suffixes = suffixes;
        }

        /// <summary>The target of the innermost open scope of this async flow.</summary>
        internal static RequestTarget? Current => CurrentTarget.Value;

        /// <summary>The resource path, e.g. /subscriptions/.../dataConnections/name (decoded, as built from checked names).</summary>
        internal string Path { get; }

        /// <summary>Paths below <see cref="Path"/> that the call may also send to ("" is the path itself), e.g. "/dataConnections".</summary>
        internal IReadOnlyList<string> Suffixes { get; }

        /// <summary>Opens a scope: until it is disposed, requests of this flow must go to <paramref name="path"/> (+ a suffix).</summary>
        internal static IDisposable Expect(string path, params string[] suffixes)
        {
            var previous = CurrentTarget.Value;
            CurrentTarget.Value = new RequestTarget(path, suffixes.Length == 0 ? new[] { string.Empty } : suffixes);
            return new Scope(previous);
        }

        /// <summary>True when <paramref name="decodedPath"/> is the path or one of its allowed sub-paths (ARM paths are case-insensitive).</summary>
        internal bool Allows(string decodedPath) =>
            Suffixes.Any(suffix => string.Equals(decodedPath, Path + suffix, StringComparison.OrdinalIgnoreCase));

        private sealed class Scope : IDisposable
        {
            private readonly RequestTarget? _previous;

            public Scope(RequestTarget? previous)
            {
                _previous = previous;
            }

            public void Dispose() => CurrentTarget.Value = _previous;
        }
    }
}
