#if NETCOREAPP
using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace KustoConnect.Loading
{
    /// <summary>
    /// The engine's own load context on PowerShell 7 (the pattern of PowerShellEditorServices): KustoConnect.Engine and
    /// everything it references that ships in the module's dependencies/ folder (Azure.Core, Azure.Identity,
    /// Azure.ResourceManager, MSAL, System.ClientModel, ...) load here, so another module's Azure SDK in the default
    /// context, of any version, loaded before or after, is never bound to KustoConnect and KustoConnect's never to it.
    /// The default context learns of two names only: a handler on its Resolving event answers KustoConnect.Engine (which
    /// the cmdlet assembly references) from this context, and KustoConnect.Emulator.Client (BCL only) from beside the
    /// cmdlet assembly in the default context; nothing else. The engine's public surface has
    /// no Azure SDK type, so no SDK type crosses between the contexts. Framework assemblies that are not in
    /// dependencies/ come from the default context as usual.
    /// </summary>
    internal sealed class EngineLoadContext : AssemblyLoadContext
    {
        /// <summary>The folder beside the cmdlet assembly that only this context reads.</summary>
        internal const string DependenciesFolderName = "dependencies";

        /// <summary>The one assembly the default context is given from this context.</summary>
        internal const string EngineAssemblyName = "KustoConnect.Engine";

        /// <summary>The emulator client, which loads beside the cmdlet assembly in the default context.</summary>
        internal const string EmulatorClientAssemblyName = "KustoConnect.Emulator.Client";

        private static readonly object Gate = new object();
        private static EngineLoadContext? _instance;
        private static bool _registered;

        private static readonly char[] PathSeparators = { '/', '\\' };

        private readonly string _dependencyDirectory;

        private EngineLoadContext(string dependencyDirectory)
            : base("KustoConnect", isCollectible: false)
        {
            _dependencyDirectory = dependencyDirectory;
        }

        /// <summary>The folder this context loads from.</summary>
        internal string DependencyDirectory => _dependencyDirectory;

        /// <summary>The context, once <see cref="Register"/> found a dependencies/ folder; otherwise null.</summary>
        internal static EngineLoadContext? Instance
        {
            get
            {
                lock (Gate)
                {
                    return _instance;
                }
            }
        }

        /// <summary>
        /// Hooks the default context's Resolving event when the module has a dependencies/ folder. Without one (the
        /// cmdlet assembly used from a build folder, or inside a test host that already lists the engine) nothing is
        /// changed and .NET resolves the engine as it always would.
        /// </summary>
        internal static void Register()
        {
            var here = Path.GetDirectoryName(typeof(EngineLoadContext).Assembly.Location);
            if (string.IsNullOrEmpty(here))
            {
                return;
            }

            var dependencies = Path.Combine(here, DependenciesFolderName);
            if (!Directory.Exists(dependencies))
            {
                return;
            }

            lock (Gate)
            {
                _instance ??= new EngineLoadContext(dependencies);
                if (!_registered)
                {
                    Default.Resolving += ResolveEngine;
                    _registered = true;
                }
            }
        }

        /// <summary>Unhooks the default context's Resolving event (the context itself stays, with what it loaded).</summary>
        internal static void Unregister()
        {
            lock (Gate)
            {
                if (_registered)
                {
                    Default.Resolving -= ResolveEngine;
                    _registered = false;
                }
            }
        }

        /// <summary>Serves a file of dependencies/ in this context; null lets the default context answer.</summary>
        /// <param name="assemblyName">The assembly asked for.</param>
        /// <returns>The assembly from dependencies/, or null.</returns>
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = PathOf(assemblyName);
            return path == null ? null : LoadFromAssemblyPath(path);
        }

        private string? PathOf(AssemblyName assemblyName)
        {
            var name = assemblyName.Name;
            if (string.IsNullOrEmpty(name) || name.IndexOfAny(PathSeparators) >= 0 || name.Contains("..", StringComparison.Ordinal))
            {
                return null;
            }

            var fileName = name + ".dll";
            var path = Path.Combine(_dependencyDirectory, fileName);
            if (!File.Exists(path) || PlatformHasAtLeast(assemblyName))
            {
                return null;
            }

            // A package's operating-system specific build (runtimes/win/lib/<tfm>/), as the .NET host would pick it.
            foreach (var os in OperatingSystemFolders())
            {
                var specific = Path.Combine(_dependencyDirectory, "runtimes", os, "lib");
                if (Directory.Exists(specific))
                {
                    foreach (var tfm in Directory.EnumerateDirectories(specific))
                    {
                        var candidate = Path.Combine(tfm, fileName);
                        if (File.Exists(candidate))
                        {
                            return candidate;
                        }
                    }
                }
            }

            return path;
        }

        /// <summary>
        /// Whether the running .NET itself ships this assembly (System.Text.Json, System.Diagnostics.DiagnosticSource,
        /// ...) at the version asked for or later: then the platform's copy, precompiled and already shared by
        /// everyone, is used; the package copy in dependencies/ is only for an older runtime.
        /// </summary>
        private static bool PlatformHasAtLeast(AssemblyName assemblyName)
        {
            var platform = PlatformAssemblyPath(assemblyName.Name!);
            if (platform == null)
            {
                return false;
            }

            try
            {
                var version = AssemblyName.GetAssemblyName(platform).Version;
                return version != null && (assemblyName.Version == null || version >= assemblyName.Version);
            }
            catch (IOException)
            {
                return false;
            }
            catch (BadImageFormatException)
            {
                return false;
            }
        }

        private static string? PlatformAssemblyPath(string name)
        {
            if (!(AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list))
            {
                return null;
            }

            var fileName = name + ".dll";
            foreach (var entry in list.Split(Path.PathSeparator))
            {
                if (entry.EndsWith(fileName, StringComparison.OrdinalIgnoreCase)
                    && string.Equals(Path.GetFileName(entry), fileName, StringComparison.OrdinalIgnoreCase))
                {
                    return entry;
                }
            }

            return null;
        }

        private static string[] OperatingSystemFolders()
        {
            if (OperatingSystem.IsWindows())
            {
                return new[] { "win" };
            }

            return OperatingSystem.IsMacOS() ? new[] { "osx", "unix" } : new[] { "linux", "unix" };
        }

        private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName assemblyName)
        {
            if (string.Equals(assemblyName.Name, EmulatorClientAssemblyName, StringComparison.Ordinal))
            {
                // The emulator client (BCL only) lives beside the cmdlet assembly, in the default context.
                var here = Path.GetDirectoryName(typeof(EngineLoadContext).Assembly.Location);
                var path = Path.Combine(here ?? string.Empty, EmulatorClientAssemblyName + ".dll");
                return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
            }

            if (!string.Equals(assemblyName.Name, EngineAssemblyName, StringComparison.Ordinal))
            {
                return null;
            }

            var instance = Instance;
            return instance?.LoadFromAssemblyName(assemblyName);
        }
    }
}
#endif
