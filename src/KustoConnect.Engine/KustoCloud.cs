using System;
using System.Collections.Generic;
using System.Linq;

namespace KustoConnect.Engine
{
    /// <summary>An Azure cloud: where ARM is, who issues its tokens, and for which audience.</summary>
    public sealed class KustoCloud
    {
        /// <summary>The public Azure cloud (management.azure.com, login.microsoftonline.com).</summary>
        public static readonly KustoCloud AzureCloud = new KustoCloud(
            "AzureCloud", new Uri("https://management.azure.com/"), new Uri("https://login.microsoftonline.com/"), "https://management.azure.com/");

        /// <summary>Azure operated by 21Vianet (management.chinacloudapi.cn, login.chinacloudapi.cn).</summary>
        public static readonly KustoCloud AzureChinaCloud = new KustoCloud(
            "AzureChinaCloud", new Uri("https://management.chinacloudapi.cn/"), new Uri("https://login.chinacloudapi.cn/"), "https://management.chinacloudapi.cn/");

        /// <summary>Azure Government (management.usgovcloudapi.net, login.microsoftonline.us).</summary>
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

        /// <summary>The cloud's ARM endpoint, e.g. https://management.azure.com/.</summary>
        public Uri ArmEndpoint { get; }

        /// <summary>The cloud's Entra ID authority host, e.g. https://login.microsoftonline.com/.</summary>
        public Uri AuthorityHost { get; }

        /// <summary>The audience of ARM's tokens; the scope requested is this audience + ".default".</summary>
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

        /// <summary>The cloud's <see cref="Name"/>.</summary>
        /// <returns>The name.</returns>
        public override string ToString() => Name;
    }
}
