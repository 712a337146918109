using System.Management.Automation;

namespace KustoConnect.Loading
{
    /// <summary>
    /// Runs when PowerShell imports the module, before any cmdlet is bound: from then on the engine, the Azure SDK and
    /// MSAL load from the module's own files, apart from whatever another module loaded into the session.
    /// On PowerShell 7 they load in EngineLoadContext from the dependencies/ folder; on Windows PowerShell
    /// 5.1 DesktopAssemblyResolver serves them from the module's desktop/ folder.
    /// Nothing else happens at import (no Azure type is touched, no file besides the folder listing is read).
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
