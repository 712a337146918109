using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;

namespace KustoConnect.Loading
{
    /// <summary>
    /// What the Windows PowerShell resolver may serve, decided from two things the build produced: the assemblies in
    /// the module's desktop/ folder and the binding redirects MSBuild generated for them (AutoGenerateBindingRedirects
    /// writes them to KustoConnect.dll.config). Windows PowerShell never applies a module's .config itself, so the
    /// resolver applies it: nothing here is a hand-kept list.
    /// <list type="bullet">
    /// <item>A request for exactly the version (and public key token) of a file in the folder gets that file.</item>
    /// <item>A request for another version gets the file only when the request comes from one of KustoConnect's own
    /// assemblies and the generated redirects map that version to the file's version.</item>
    /// <item>Anything else is left alone: another module's request for its own Azure.Core version is never answered
    /// with KustoConnect's, so strong-named assemblies of other versions keep loading side by side.</item>
    /// </list>
    /// </summary>
    internal sealed class BindingRedirectPolicy
    {
        private static readonly XNamespace AssemblyBinding = "urn:schemas-microsoft-com:asm.v1";

        private readonly Dictionary<string, AssemblyName> _files;
        private readonly Dictionary<string, string> _paths;
        private readonly List<Redirect> _redirects;

        private BindingRedirectPolicy(string directory, Dictionary<string, AssemblyName> files, Dictionary<string, string> paths, List<Redirect> redirects)
        {
            Directory = directory;
            _files = files;
            _paths = paths;
            _redirects = redirects;
        }

        /// <summary>The folder the files are served from.</summary>
        internal string Directory { get; }

        /// <summary>The redirects read from the configuration file.</summary>
        internal int RedirectCount => _redirects.Count;

        /// <summary>
        /// Reads the folder's assemblies (their names from metadata, nothing is loaded) and the redirects in
        /// <paramref name="configPath"/> (a missing file means no redirects).
        /// </summary>
        /// <param name="directory">The folder with the module's Windows PowerShell assemblies.</param>
        /// <param name="configPath">The configuration file the build generated (KustoConnect.dll.config).</param>
        /// <returns>The policy.</returns>
        internal static BindingRedirectPolicy Load(string directory, string configPath)
        {
            var files = new Dictionary<string, AssemblyName>(StringComparer.OrdinalIgnoreCase);
            var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.dll"))
            {
                AssemblyName name;
                try
                {
                    name = AssemblyName.GetAssemblyName(file);
                }
                catch (BadImageFormatException)
                {
                    continue; // a native library, not an assembly
                }

                if (name.Name != null)
                {
                    files[name.Name] = name;
                    paths[name.Name] = file;
                }
            }

            var redirects = File.Exists(configPath) ? ReadRedirects(XDocument.Load(configPath)) : new List<Redirect>();
            return new BindingRedirectPolicy(directory, files, paths, redirects);
        }

        /// <summary>
        /// The file to serve for <paramref name="requested"/>, or null to leave the request to others.
        /// </summary>
        /// <param name="requested">The assembly .NET could not find.</param>
        /// <param name="fromKustoConnect">Whether the request comes from an assembly in this folder (or the cmdlet assembly).</param>
        /// <returns>The path of the file to load, or null.</returns>
        internal string? Resolve(AssemblyName requested, bool fromKustoConnect)
        {
            if (requested.Name == null || !_files.TryGetValue(requested.Name, out var available))
            {
                return null;
            }

            if (!SameToken(requested.GetPublicKeyToken(), available.GetPublicKeyToken()))
            {
                return null;
            }

            if (requested.Version == null || requested.Version == available.Version)
            {
                return _paths[requested.Name];
            }

            if (!fromKustoConnect)
            {
                return null;
            }

            var redirected = _redirects.Any(r =>
                string.Equals(r.Name, requested.Name, StringComparison.OrdinalIgnoreCase)
                && SameToken(r.PublicKeyToken, available.GetPublicKeyToken())
                && r.NewVersion == available.Version
                && r.OldLow <= requested.Version && requested.Version <= r.OldHigh);
            return redirected ? _paths[requested.Name] : null;
        }

        private static List<Redirect> ReadRedirects(XDocument config)
        {
            var redirects = new List<Redirect>();
            foreach (var dependent in config.Descendants(AssemblyBinding + "dependentAssembly"))
            {
                var identity = dependent.Element(AssemblyBinding + "assemblyIdentity");
                var name = (string?)identity?.Attribute("name");
                if (name == null)
                {
                    continue;
                }

                var token = ParseToken((string?)identity!.Attribute("publicKeyToken"));
                foreach (var redirect in dependent.Elements(AssemblyBinding + "bindingRedirect"))
                {
                    var old = ((string?)redirect.Attribute("oldVersion") ?? string.Empty).Split('-');
                    if (!Version.TryParse((string?)redirect.Attribute("newVersion"), out var newVersion)
                        || !Version.TryParse(old[0], out var low)
                        || !Version.TryParse(old[old.Length - 1], out var high))
                    {
                        continue;
                    }

                    redirects.Add(new Redirect(name, token, low, high, newVersion));
                }
            }

            return redirects;
        }

        private static byte[] ParseToken(string? hex)
        {
            if (string.IsNullOrEmpty(hex) || string.Equals(hex, "null", StringComparison.OrdinalIgnoreCase) || hex!.Length % 2 != 0)
            {
                return Array.Empty<byte>();
            }

            var bytes = new byte[hex.Length / 2];
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = Convert.ToByte(hex.Substring(i * 2, 2), 16);
            }

            return bytes;
        }

        private static bool SameToken(byte[]? left, byte[]? right) =>
            (left ?? Array.Empty<byte>()).SequenceEqual(right ?? Array.Empty<byte>());

        private sealed class Redirect
        {
            internal Redirect(string name, byte[] publicKeyToken, Version oldLow, Version oldHigh, Version newVersion)
            {
                Name = name;
                PublicKeyToken = publicKeyToken;
                OldLow = oldLow;
                OldHigh = oldHigh;
                NewVersion = newVersion;
            }

            internal string Name { get; }

            internal byte[] PublicKeyToken { get; }

            internal Version OldLow { get; }

            internal Version OldHigh { get; }

            internal Version NewVersion { get; }
        }
    }
}
