#if !NETCOREAPP
using System;
using System.IO;
using System.Reflection;

namespace KustoConnect.Loading
{
    /// <summary>
    /// Windows PowerShell 5.1: an AppDomain.AssemblyResolve handler that serves the engine, the Azure SDK and MSAL from
    /// the folder of the cmdlet assembly (the module's desktop/ folder), applying the binding redirects the build
    /// generated (see <see cref="BindingRedirectPolicy"/>). .NET Framework loads strong-named assemblies of different
    /// versions side by side, so another module's Azure.Core stays its own.
    /// </summary>
    internal static class DesktopAssemblyResolver
    {
        private static readonly object Gate = new object();
        private static BindingRedirectPolicy? _policy;
        private static bool _registered;

        /// <summary>Reads the folder and the generated .config once and hooks AssemblyResolve.</summary>
        internal static void Register()
        {
            var assembly = typeof(DesktopAssemblyResolver).Assembly;
            var here = Path.GetDirectoryName(assembly.Location);
            if (string.IsNullOrEmpty(here))
            {
                return;
            }

            lock (Gate)
            {
                _policy ??= BindingRedirectPolicy.Load(here, assembly.Location + ".config");
                if (!_registered)
                {
                    AppDomain.CurrentDomain.AssemblyResolve += Resolve;
                    _registered = true;
                }
            }
        }

        /// <summary>Unhooks AssemblyResolve.</summary>
        internal static void Unregister()
        {
            lock (Gate)
            {
                if (_registered)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
                    _registered = false;
                }
            }
        }

        private static Assembly? Resolve(object? sender, ResolveEventArgs args)
        {
            BindingRedirectPolicy? policy;
            lock (Gate)
            {
                policy = _policy;
            }

            if (policy == null)
            {
                return null;
            }

            var requesting = args.RequestingAssembly?.Location;
            var fromKustoConnect = !string.IsNullOrEmpty(requesting)
                && string.Equals(Path.GetDirectoryName(requesting), policy.Directory, StringComparison.OrdinalIgnoreCase);
            var path = policy.Resolve(new AssemblyName(args.Name), fromKustoConnect);
            return path == null ? null : Assembly.LoadFrom(path);
        }
    }
}
#endif
