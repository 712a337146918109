using System.Management.Automation;

namespace KustoConnect.Loading
{
    /// <summary>
    /// Runs when PowerShell imports the module, before any cmdlet is bound: from then on the engine, the Azure SDK and
    /// MSAL load from the module's own files, apart from whatever another module loaded into the session.
    /// On PowerShell 7 they load in EngineLoadContext from the dependencies/ folder; on Windows PowerShell
    /// 5.1 DesktopAssemblyResolver serves them from the module's desktop/ folder.
    /// Then <see cref="Internal.ModuleInitializer.Initialize"/> runs, the first code of the import that uses the engine
    /// (one initializer, so that the order is this one whatever order PowerShell would run two in).
    /// </summary>
    public sealed class ModuleLoader : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <summary>Installs the resolver of this PowerShell edition.</summary>
        public void OnImport()
        {
#if NETCOREAPP
            EngineLoadContext.Register();
#else
            DesktopAssemblyResolver.Register();
#endif
            Internal.ModuleInitializer.Initialize();
        }

        /// <summary>
        /// Removes the resolver when the module is removed. Assemblies already loaded stay loaded (.NET never unloads
        /// them from a non-collectible context); importing the module again installs the resolver again.
        /// </summary>
        /// <param name="psModuleInfo">The module being removed.</param>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
#if NETCOREAPP
            EngineLoadContext.Unregister();
#else
            DesktopAssemblyResolver.Unregister();
#endif
        }
    }
}
