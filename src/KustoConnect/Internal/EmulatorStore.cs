using System;
using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using KustoConnect.Emulator.Client;

namespace KustoConnect.Internal
{
    /// <summary>
    /// The emulator started by Start-KustoEmulator in each runspace (at most one). An emulator still running when its
    /// runspace closes, or when the process exits, is stopped so that no orphan process or temporary folder is left.
    /// </summary>
    internal static class EmulatorStore
    {
        private static readonly ConditionalWeakTable<Runspace, Holder> Emulators = new ConditionalWeakTable<Runspace, Holder>();
        private static readonly HashSet<EmulatorProcess> Running = new HashSet<EmulatorProcess>();
        private static readonly object Gate = new object();

        static EmulatorStore()
        {
            AppDomain.CurrentDomain.ProcessExit += (_, __) => StopAll();
        }

        /// <summary>The emulator of the current runspace, or null.</summary>
        public static EmulatorProcess? Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                lock (Gate)
                {
                    return runspace != null && Emulators.TryGetValue(runspace, out var holder) ? holder.Emulator : null;
                }
            }
        }

        /// <summary>Remembers the emulator of the current runspace.</summary>
        public static void Set(EmulatorProcess emulator)
        {
            var runspace = Runspace.DefaultRunspace ?? throw new InvalidOperationException("There is no runspace on this thread.");
            lock (Gate)
            {
                var holder = Emulators.GetValue(runspace, r =>
                {
                    r.StateChanged += OnRunspaceStateChanged;
                    return new Holder();
                });
                holder.Emulator = emulator;
                Running.Add(emulator);
            }
        }

        /// <summary>Forgets the emulator of the current runspace if it is <paramref name="emulator"/>.</summary>
        public static void Remove(EmulatorProcess emulator)
        {
            var runspace = Runspace.DefaultRunspace;
            lock (Gate)
            {
                if (runspace != null && Emulators.TryGetValue(runspace, out var holder) && ReferenceEquals(holder.Emulator, emulator))
                {
                    holder.Emulator = null;
                }

                Running.Remove(emulator);
            }
        }

        private static void OnRunspaceStateChanged(object? sender, RunspaceStateEventArgs e)
        {
            if (!(sender is Runspace runspace) || (e.RunspaceStateInfo.State != RunspaceState.Closed && e.RunspaceStateInfo.State != RunspaceState.Broken))
            {
                return;
            }

            EmulatorProcess? emulator;
            lock (Gate)
            {
                if (!Emulators.TryGetValue(runspace, out var holder) || holder.Emulator == null)
                {
                    return;
                }

                emulator = holder.Emulator;
                holder.Emulator = null;
                Running.Remove(emulator);
            }

            emulator.Stop();
            emulator.Dispose();
        }

        private static void StopAll()
        {
            EmulatorProcess[] all;
            lock (Gate)
            {
                all = new EmulatorProcess[Running.Count];
                Running.CopyTo(all);
                Running.Clear();
            }

            foreach (var emulator in all)
            {
                emulator.Stop();
            }
        }

        private sealed class Holder
        {
            public EmulatorProcess? Emulator { get; set; }
        }
    }
}
