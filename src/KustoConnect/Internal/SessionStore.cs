using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>
    /// The signed-in session of each runspace. Keyed by runspace so that two runspaces in one process (hosted tests,
    /// runbook workers) never share or overwrite each other's sign-in.
    /// </summary>
    internal static class SessionStore
    {
        private static readonly ConditionalWeakTable<Runspace, Holder> Sessions = new ConditionalWeakTable<Runspace, Holder>();
        private static readonly object Gate = new object();

        public static KustoSession? Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                return runspace != null && Sessions.TryGetValue(runspace, out var holder) ? holder.Session : null;
            }
        }

        /// <summary>Replaces the session of the current runspace, disposing the previous one.</summary>
        public static void Set(KustoSession? session)
        {
            var runspace = Runspace.DefaultRunspace;
            if (runspace == null)
            {
                return;
            }

            KustoSession? previous;
            lock (Gate)
            {
                var holder = Sessions.GetValue(runspace, _ => new Holder());
                previous = holder.Session;
                holder.Session = session;
            }

            if (previous != null && !ReferenceEquals(previous, session))
            {
                previous.Dispose();
            }
        }

        private sealed class Holder
        {
            public KustoSession? Session { get; set; }
        }
    }
}
