using System;
using System.Management.Automation;
using System.Reflection;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>
    /// Runs when the module is imported, after the load context is set up: tells the engine which PowerShell it runs in, so that the User-Agent of every
    /// request reads "KustoConnect/{version} PowerShell/{version} ({edition})", and starts the engine's cold-start warm-up
    /// (background threads compiling the first sign-in's and the first call's code over an in-memory transport; see
    /// KustoSession.StartWarmUp).
    /// </summary>
    internal static class ModuleInitializer
    {
        /// <summary>
        /// Called by <see cref="Loading.ModuleLoader.OnImport"/> once the engine's resolver is in place: the first code of the
        /// import that touches an engine type. A method of its own, so that it is compiled (and the engine bound) only then.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        internal static void Initialize()
        {
            KustoSession.UserAgentHost = PowerShellProduct();
            KustoSession.StartWarmUp();
        }

        /// <summary>"PowerShell/7.6.9 (Core)" or "PowerShell/5.1.22621.4391 (Desktop)"; null when it cannot be told.</summary>
        internal static string? PowerShellProduct()
        {
            // PSVersionInfo is public in PowerShell 7 and internal in Windows PowerShell 5.1: read it by reflection in both.
            var info = typeof(PSObject).Assembly.GetType("System.Management.Automation.PSVersionInfo");
            const BindingFlags Flags = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
            var version = info?.GetProperty("PSVersion", Flags)?.GetValue(null)?.ToString();
            if (string.IsNullOrEmpty(version))
            {
                return null;
            }

            var edition = info!.GetProperty("PSEdition", Flags)?.GetValue(null) as string;
            return "PowerShell/" + version + (string.IsNullOrEmpty(edition) ? string.Empty : " (" + edition + ")");
        }
    }
}
