using System;
using System.Collections.Generic;
using System.Linq;

namespace KustoConnect.Engine
{
    /// <summary>An Azure cloud: where ARM is, who issues its tokens, and for which audience.</summary>
    public sealed class KustoCloud
    {
        public static readonly KustoCloud AzureCloud = new KustoCloud(
            "AzureCloud", new Uri("https://management.azure.com/"), new Uri("https://login.microsoftonline.com/"), "https://management.azure.com/");

        public static readonly KustoCloud AzureChinaCloud = new KustoCloud(
            "AzureChinaCloud", new Uri("https://management.chinacloudapi.cn/"), new Uri("https://login.chinacloudapi.cn/"), "https://management.chinacloudapi.cn/");

        public static readonly KustoCloud AzureUSGovernment = new KustoCloud(
            "AzureUSGovernment", new Uri("https://management.usgovcloudapi.net/"), new Uri("https://login.microsoftonline.us/"), "https://management.usgovcloudapi.net/");

        private KustoCloud(string name, Uri armEndpoint, Uri authorityHost, string audience)
        {
            Name = name;
            ArmEndpoint = armEndpoint;
            AuthorityHost = authorityHost;
            Audience = audience;
        }

        /// <summary>The name Az PowerShell uses too: AzureCloud, AzureChinaCloud, AzureUSGovernment.</summary>
        public string Name { get; }

        public Uri ArmEndpoint { get; }

        public Uri AuthorityHost { get; }

        public string Audience { get; }

        /// <summary>The known clouds.</summary>
        public static IReadOnlyList<KustoCloud> All { get; } = new[] { AzureCloud, AzureChinaCloud, AzureUSGovernment };

        /// <summary>The cloud of that name (case-insensitive); a <see cref="KustoValidationException"/> otherwise.</summary>
        public static KustoCloud Get(string name) =>
            All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new KustoValidationException(
                "UnknownEnvironment",
                "Unknown environment '" + name + "'. Use one of " + string.Join(", ", All.Select(c => c.Name)) + ", or give -ArmEndpoint, -AuthorityHost and -Audience.",
                "Environment");

        public override string ToString() => Name;
    }
}
