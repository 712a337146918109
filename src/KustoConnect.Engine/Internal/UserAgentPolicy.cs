using System;
using System.Linq;
using System.Reflection;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// Names KustoConnect, its version and the host (e.g. "PowerShell/7.6.9 (Core)") at the front of every ARM request's
    /// User-Agent, before the Azure SDK's own product tokens. Runs per retry, after Azure.Core's telemetry policy set the
    /// header, and adds the prefix once.
    /// </summary>
    internal sealed class UserAgentPolicy : HttpPipelineSynchronousPolicy
    {
        private readonly string _prefix;

        internal UserAgentPolicy(string prefix) => _prefix = prefix;

        /// <summary>"KustoConnect/{version}" and, when known, the host's product and version.</summary>
        internal static string Prefix(string? host)
        {
            var informational = typeof(UserAgentPolicy).Assembly.GetCustomAttributes<AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
            var version = informational?.Split('+')[0] ?? typeof(UserAgentPolicy).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
            return "KustoConnect/" + version + (string.IsNullOrWhiteSpace(host) ? string.Empty : " " + host!.Trim());
        }

        /// <inheritdoc />
        public override void OnSendingRequest(HttpMessage message)
        {
            var current = message.Request.Headers.TryGetValue("User-Agent", out var value) ? value : null;
            if (current != null && current.StartsWith(_prefix, StringComparison.Ordinal))
            {
                return;
            }

            message.Request.Headers.SetValue("User-Agent", string.IsNullOrEmpty(current) ? _prefix : _prefix + " " + current);
        }
    }
}
