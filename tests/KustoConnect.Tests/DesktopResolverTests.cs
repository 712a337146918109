using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using KustoConnect.Loading;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>
    /// The Windows PowerShell 5.1 resolver's decisions (BindingRedirectPolicy), on the real net472 build of the cmdlet
    /// assembly: its folder and the KustoConnect.dll.config that AutoGenerateBindingRedirects wrote (copied beside the
    /// tests into desktop-flavour/ by this project). Windows PowerShell itself cannot run here, so this is what is
    /// verified of that flavour besides that it builds.
    /// </summary>
    public sealed class DesktopResolverTests
    {
        private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "desktop-flavour");
        private static readonly BindingRedirectPolicy Policy = BindingRedirectPolicy.Load(Folder, Path.Combine(Folder, "KustoConnect.dll.config"));

        [Fact]
        public void The_build_generated_binding_redirects_for_the_net472_flavour()
        {
            Assert.True(File.Exists(Path.Combine(Folder, "KustoConnect.dll.config")));
            Assert.True(Policy.RedirectCount > 0);
        }

        [Fact]
        public void Every_reference_between_the_shipped_assemblies_is_served_from_the_folder()
        {
            // Each reference of each shipped assembly to another shipped one, at the version it was compiled against:
            // the folder's file must be served, exactly or through a generated redirect.
            var shipped = Directory.EnumerateFiles(Folder, "*.dll").ToDictionary(f => Path.GetFileNameWithoutExtension(f), StringComparer.OrdinalIgnoreCase);
            var checkedReferences = 0;
            foreach (var file in shipped.Values)
            {
                foreach (var reference in References(file).Where(r => shipped.ContainsKey(r.Name!)))
                {
                    var served = Policy.Resolve(reference, fromKustoConnect: true);
                    Assert.True(served != null, $"{Path.GetFileName(file)} references {reference.FullName}, which the resolver would not serve.");
                    Assert.Equal(shipped[reference.Name!], served);
                    checkedReferences++;
                }
            }

            Assert.True(checkedReferences > 20, $"only {checkedReferences} references were checked");
        }

        [Fact]
        public void An_older_Azure_Core_asked_for_by_KustoConnect_is_redirected_to_the_shipped_one()
        {
            var shipped = ShippedName("Azure.Core");
            var older = WithVersion(shipped, new Version(1, 41, 0, 0));
            Assert.Equal(Path.Combine(Folder, "Azure.Core.dll"), Policy.Resolve(older, fromKustoConnect: true));
        }

        [Fact]
        public void Another_modules_request_for_its_own_Azure_Core_version_is_left_alone()
        {
            var older = WithVersion(ShippedName("Azure.Core"), new Version(1, 41, 0, 0));
            Assert.Null(Policy.Resolve(older, fromKustoConnect: false));
        }

        [Fact]
        public void The_exact_shipped_version_is_served_to_anyone()
        {
            Assert.Equal(Path.Combine(Folder, "Azure.Core.dll"), Policy.Resolve(ShippedName("Azure.Core"), fromKustoConnect: false));
        }

        [Fact]
        public void A_newer_version_than_shipped_is_never_served_the_older_file()
        {
            var newer = WithVersion(ShippedName("Azure.Core"), new Version(1, 64, 0, 0));
            Assert.Null(Policy.Resolve(newer, fromKustoConnect: true));
        }

        [Fact]
        public void A_different_public_key_token_is_not_served()
        {
            var impostor = new AssemblyName("Azure.Core, Version=1.41.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef");
            Assert.Null(Policy.Resolve(impostor, fromKustoConnect: true));
        }

        [Fact]
        public void An_assembly_the_module_does_not_ship_is_not_answered()
        {
            Assert.Null(Policy.Resolve(new AssemblyName("Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed"), fromKustoConnect: true));
        }

        private static AssemblyName ShippedName(string name) => AssemblyName.GetAssemblyName(Path.Combine(Folder, name + ".dll"));

        private static AssemblyName WithVersion(AssemblyName name, Version version)
        {
            var copy = (AssemblyName)name.Clone();
            copy.Version = version;
            return copy;
        }

        private static List<AssemblyName> References(string path)
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return new List<AssemblyName>();
            }

            var reader = pe.GetMetadataReader();
            return reader.AssemblyReferences.Select(handle => reader.GetAssemblyReference(handle).GetAssemblyName()).ToList();
        }
    }
}
