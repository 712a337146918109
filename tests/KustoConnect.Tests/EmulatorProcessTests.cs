using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Emulator.Client;
using KustoConnect.Engine;
using KustoConnect.Internal;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>The emulator client behind Start-KustoEmulator (KustoConnect.Emulator.Client): the emulator as a child process, and what connecting to it needs.</summary>
    public sealed class EmulatorProcessTests : IDisposable
    {
        private static readonly string EmulatorDll = Path.Combine(AppContext.BaseDirectory, "KustoConnect.Emulator.dll");
        private readonly string folder = Path.Combine(Path.GetTempPath(), "kc-emulator-process-" + Guid.NewGuid().ToString("N"));
        private readonly List<string> verbose = new List<string>();

        public EmulatorProcessTests() => Directory.CreateDirectory(folder);

        public void Dispose() => Directory.Delete(folder, recursive: true);

        private Task<EmulatorProcess> StartAsync(EmulatorStartInfo info, CancellationToken cancellationToken = default) =>
            EmulatorProcess.StartAsync(EmulatorProcess.FindDotnet(), info, verbose.Add, cancellationToken);

        [Fact]
        public async Task A_started_emulator_is_ready_on_loopback_and_stopping_it_ends_the_process_and_removes_its_temporary_folder()
        {
            var emulator = await StartAsync(new EmulatorStartInfo { AssemblyPath = EmulatorDll, OperationDurationSeconds = 0 });
            try
            {
                var connection = emulator.Connection;
                Assert.True(connection.Url.IsLoopback);
                Assert.Equal(DefaultWorld.TenantId, connection.TenantId);
                Assert.Equal(DefaultWorld.ClientId, connection.ClientId);
                Assert.True(File.Exists(connection.CertificatePath));
                Assert.True(emulator.OwnsDataDirectory);
                Assert.False(emulator.HasExited);
                Assert.Contains(verbose, m => m.Contains("is ready at " + connection.Url, StringComparison.Ordinal));
            }
            finally
            {
                emulator.Stop();
                emulator.Dispose();
            }

            Assert.True(emulator.HasExited);
            Assert.False(Directory.Exists(emulator.Connection.DataDirectory));
            Assert.Throws<ArgumentException>(() => Process.GetProcessById(emulator.ProcessId));
        }

        [Fact]
        public async Task The_connection_options_sign_in_as_the_world_principal_with_its_secret_from_the_emulator_and_the_certificate_pinned()
        {
            var emulator = await StartAsync(new EmulatorStartInfo { AssemblyPath = EmulatorDll, DataDirectory = folder, OperationDurationSeconds = 0 });
            try
            {
                var options = await EmulatorSignIn.CreateConnectionOptionsAsync(EmulatorConnection.ReadFile(folder), null, CancellationToken.None);
                Assert.Equal(CredentialKind.ServicePrincipalSecret, options.CredentialKind);
                Assert.Equal(DefaultWorld.ClientId, options.ClientId);
                Assert.Equal(DefaultWorld.ClientSecret, new NetworkCredentialSecret(options.ClientSecret!).Value);
                Assert.Equal(DefaultWorld.SubscriptionId, options.SubscriptionId);
                Assert.Equal(emulator.Connection.Url, options.ArmEndpoint);
                Assert.Equal(emulator.Connection.Url, options.AuthorityHost);
                Assert.Equal(Path.Combine(folder, "emulator.crt"), options.TrustedCertificatePath);

                using var session = KustoSession.Create(options);
                await session.SignInAsync(CancellationToken.None);
                Assert.Equal(DefaultWorld.TenantId, session.TenantId);
            }
            finally
            {
                emulator.Stop();
                emulator.Dispose();
            }

            Assert.True(Directory.Exists(folder), "a folder the caller chose is kept");
        }

        [Fact]
        public async Task A_process_that_exits_before_it_is_ready_fails_with_its_exit_code_and_stderr()
        {
            var notAnAssembly = Path.Combine(folder, "NotAnEmulator.dll");
            File.WriteAllText(notAnAssembly, "not a .NET assembly");

            var error = await Assert.ThrowsAsync<EmulatorClientException>(() => StartAsync(new EmulatorStartInfo { AssemblyPath = notAnAssembly, DataDirectory = Path.Combine(folder, "data") }));

            Assert.Equal("EmulatorStartFailed", error.ErrorId);
            Assert.Equal(ErrorCategory.OpenError, EmulatorException.From(error).Category);
            Assert.Contains("exited with code", error.Message, StringComparison.Ordinal);
            Assert.Contains("--- emulator stderr ---", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Cancelling_the_wait_stops_the_process_and_removes_the_temporary_folder()
        {
            using var cancellation = new CancellationTokenSource();
            cancellation.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StartAsync(new EmulatorStartInfo { AssemblyPath = EmulatorDll }, cancellation.Token));

            var started = verbose.Find(m => m.StartsWith("Starting the emulator", StringComparison.Ordinal));
            Assert.NotNull(started);
            var dataDirectory = started!.Split("--data-dir ")[1].Split(' ')[0];
            Assert.False(Directory.Exists(dataDirectory));
        }

        [Fact]
        public void A_connection_file_without_a_url_is_refused_as_invalid_data()
        {
            var error = Assert.Throws<EmulatorClientException>(() => EmulatorConnection.Parse("{\"certificatePath\":\"c\",\"dataDirectory\":\"d\",\"tenantId\":\"t\",\"subscriptionId\":\"s\"}", "test.json"));
            Assert.Equal("EmulatorConnectionInfoInvalid", error.ErrorId);
            Assert.Contains("'url'", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task A_world_without_a_sign_in_principal_is_refused_by_name_and_never_echoes_other_secrets()
        {
            var world = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "world.default.json")))!.AsObject();
            var principals = world["servicePrincipals"]!.AsArray();
            principals.RemoveAt(0);
            var worldFile = Path.Combine(folder, "world.json");
            File.WriteAllText(worldFile, world.ToJsonString());
            var emulator = await StartAsync(new EmulatorStartInfo { AssemblyPath = EmulatorDll, DataDirectory = Path.Combine(folder, "data"), WorldFile = worldFile, OperationDurationSeconds = 0 });
            try
            {
                Assert.Null(emulator.Connection.ClientId);

                var error = await Assert.ThrowsAsync<EmulatorException>(() => EmulatorSignIn.CreateConnectionOptionsAsync(emulator.Connection, null, CancellationToken.None));

                Assert.Equal("EmulatorPrincipalNotFound", error.ErrorId);
                Assert.Equal(ErrorCategory.ObjectNotFound, error.Category);
                Assert.Contains("no service principal with a client secret", error.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("kc-emulator-reader-secret", error.Message, StringComparison.Ordinal);
            }
            finally
            {
                emulator.Stop();
                emulator.Dispose();
            }
        }

        [Theory]
        [InlineData("plain")]
        [InlineData("with space")]
        [InlineData("quote\"inside")]
        [InlineData("trailing\\")]
        [InlineData("C:\\path with\\spaces\\")]
        [InlineData("")]
        public void Arguments_are_joined_so_that_the_child_process_reads_them_back_exactly(string argument)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return; // The check below runs `sh`; Windows uses the same CommandLineToArgvW rules.
            }

            var start = new ProcessStartInfo("sh", EmulatorProcess.JoinArguments(new[] { "-c", "printf '%s' \"$1\"", "sh", argument }))
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();

            Assert.Equal(argument, output);
        }

        /// <summary>Reads a SecureString back for an assertion.</summary>
        private sealed class NetworkCredentialSecret
        {
            public NetworkCredentialSecret(System.Security.SecureString secret) => Value = new System.Net.NetworkCredential(string.Empty, secret).Password;

            public string Value { get; }
        }
    }
}
