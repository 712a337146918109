using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net.Http;
using System.Threading.Tasks;
using KustoConnect.Commands;
using KustoConnect.Emulator;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>An emulator on a free loopback port for one test class, stopped after it.</summary>
    public class EmulatorFixture : IAsyncLifetime
    {
        protected virtual TimeSpan OperationDuration => TimeSpan.FromSeconds(0.2);

        public EmulatorHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Host = await EmulatorHost.StartAsync(new EmulatorOptions { OperationDuration = OperationDuration });
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
        }
    }

    /// <summary>A runspace with the KustoConnect module imported, as a user's session.</summary>
    public sealed class HostedSession : IDisposable
    {
        private readonly Runspace _runspace;

        public HostedSession(EmulatorHost emulator)
        {
            Emulator = emulator;
            var state = InitialSessionState.CreateDefault2();
            state.ImportPSModule(new[] { typeof(ConnectKustoAccountCommand).Assembly.Location });
            _runspace = RunspaceFactory.CreateRunspace(state);
            _runspace.Open();
        }

        public EmulatorHost Emulator { get; }

        /// <summary>A PowerShell instance on this session's runspace; the caller disposes it.</summary>
        public PowerShell Shell()
        {
            var shell = PowerShell.Create();
            shell.Runspace = _runspace;
            return shell;
        }

        /// <summary>Runs a script; returns its output and the shell (for its streams).</summary>
        public (IReadOnlyList<PSObject> Output, PowerShell Shell) Run(string script, IDictionary<string, object?>? variables = null)
        {
            var shell = Shell();
            foreach (var pair in variables ?? new Dictionary<string, object?>())
            {
                _runspace.SessionStateProxy.SetVariable(pair.Key, pair.Value);
            }

            var output = shell.AddScript(script).Invoke();
            return (output.ToList(), shell);
        }

        /// <summary>
        /// Puts the emulator's world back to its seed and empties its request log (its admin API), so that each test
        /// starts from the same state.
        /// </summary>
        public void ResetEmulator()
        {
            var pinned = Emulator.Certificate.GetCertHashString();
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == pinned,
            };
            using var client = new HttpClient(handler) { BaseAddress = Emulator.BaseUri };
            client.PostAsync("_emulator/reset", null).GetAwaiter().GetResult().EnsureSuccessStatusCode();
            Emulator.ClearRequestLog();
        }

        /// <summary>Signs in as the emulator's demo service principal; fails the test on any error.</summary>
        public void Connect()
        {
            Assert.Empty(TryConnect(DefaultWorld.ClientSecret));
        }

        /// <summary>Signs in with the given secret; returns the errors Connect-KustoAccount wrote.</summary>
        public IReadOnlyList<ErrorRecord> TryConnect(string clientSecret)
        {
            var (_, shell) = Run(
                "$cred = [pscredential]::new($clientId, (ConvertTo-SecureString $secret -AsPlainText -Force)); " +
                "Connect-KustoAccount -ServicePrincipal -TenantId $tenant -Credential $cred -SubscriptionId $sub " +
                "-ArmEndpoint $arm -AuthorityHost $arm -TrustedCertificatePath $cert -ErrorAction Stop | Out-Null",
                new Dictionary<string, object?>
                {
                    ["clientId"] = DefaultWorld.ClientId,
                    ["secret"] = clientSecret,
                    ["tenant"] = DefaultWorld.TenantId,
                    ["sub"] = DefaultWorld.SubscriptionId,
                    ["arm"] = Emulator.BaseUri,
                    ["cert"] = Emulator.CertificatePath,
                });
            using (shell)
            {
                return shell.Streams.Error.ToList();
            }
        }

        /// <summary>The walkthrough's New-KustoIotHubConnection splat, with overrides.</summary>
        public static Dictionary<string, object?> Walkthrough(string name = "myeventhubconnect")
        {
            return new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
            {
                ["ResourceGroupName"] = DefaultWorld.ResourceGroup,
                ["ClusterName"] = DefaultWorld.ClusterName,
                ["DatabaseName"] = DefaultWorld.DatabaseName,
                ["Name"] = name,
                ["IotHubResourceId"] = DefaultWorld.IotHubResourceId,
                ["SharedAccessPolicyName"] = "iothubforread",
                ["ConsumerGroup"] = "$Default",
                ["Location"] = "Central US",
                ["TableName"] = "StormEvents",
                ["MappingRuleName"] = "StormEvents_CSV_Mapping",
                ["DataFormat"] = "csv",
            };
        }

        /// <summary>Runs one cmdlet with the given parameters.</summary>
        public (IReadOnlyList<PSObject> Output, PowerShell Shell) Invoke(string command, IDictionary<string, object?> parameters)
        {
            var shell = Shell();
            shell.AddCommand(command);
            foreach (var pair in parameters)
            {
                shell.AddParameter(pair.Key, pair.Value);
            }

            var output = shell.Invoke();
            return (output.ToList(), shell);
        }

        /// <summary>The requests the emulator saw that write to, or read, data connections.</summary>
        public IReadOnlyList<RequestLogEntry> DataConnectionRequests(string? method = null) =>
            Emulator.RequestLog
                .Where(e => e.Path.Contains("/dataConnections", StringComparison.OrdinalIgnoreCase))
                .Where(e => method == null || string.Equals(e.Method, method, StringComparison.OrdinalIgnoreCase))
                .ToList();

        public void Dispose()
        {
            _runspace.Dispose();
        }
    }
}
