using System.Management.Automation;
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

        /// <summary>
        /// The session of this runspace for a command that needs one: the Connect-KustoAccount session, else one signed in
        /// from the environment (Az.Accounts context, AZURE_* variables, managed identity), kept for the next commands.
        /// Runs on the cmdlet's pipeline thread; refreshes an Az.Accounts token that is about to expire. Null when the
        /// environment does not say how to sign in.
        /// </summary>
        public static KustoSession? Resolve(PSCmdlet cmdlet)
        {
            var runspace = Runspace.DefaultRunspace;
            if (runspace == null)
            {
                return null;
            }

            var holder = Sessions.GetValue(runspace, _ => new Holder());
            if (holder.Session != null)
            {
                holder.Provider?.Refresh(cmdlet);
                return holder.Session;
            }

            var session = AmbientSignIn.TryCreate(cmdlet, out var provider);
            if (session != null)
            {
                Set(session);
                lock (Gate)
                {
                    holder.Provider = provider;
                }
            }

            return session;
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
                holder.Provider = null;
            }

            if (previous != null && !ReferenceEquals(previous, session))
            {
                previous.Dispose();
            }
        }

        private sealed class Holder
        {
            public KustoSession? Session { get; set; }

            /// <summary>The Az.Accounts token source of an ambient session, refreshed before each command.</summary>
            public AzAccountsTokenProvider? Provider { get; set; }
        }
    }
}
