using System;
using System.Net;
using System.Net.Http;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// A fresh process pays for JIT-compiling the sign-in's code (MSAL, Azure.Identity, Azure.Core, System.Text.Json) and
    /// the first ARM call's, about 2,500 methods and most of the first result's time; a runbook job pays it every time.
    /// When the module is imported this starts, once per process and only where there is a second processor, two
    /// background threads that run the same engine code a real session runs, each through a throw-away session: one
    /// signs in as a made-up service principal (Azure.Identity and MSAL), the other lists the data connections of a
    /// made-up database with a made-up token (the ARM pipeline, the list's JSON, the data-connection model). Their
    /// transport answers every request in memory: no request leaves the process, no real credential, session or token
    /// cache is touched (MSAL keeps its cache per credential; the made-up host, ".invalid" being reserved by RFC 2606, keys
    /// anything it keeps per authority), and nothing is written. What fails is recorded for the tests and otherwise
    /// ignored: the real call then compiles what it needs itself, as it did before. The gain is that the pipeline thread,
    /// binding Connect-KustoAccount and running its sign-in, finds most methods already compiled or being compiled on the
    /// other core. Measured in bench/ColdStart (docs/loading.md).
    /// </summary>
    internal static class ColdStartWarmUp
    {
        internal static readonly Uri Host = new Uri("https://kustoconnect-warm-up.invalid/");
        private const string Tenant = "00000000-0000-0000-0000-00000000c01d";
        private const string Client = "00000000-0000-0000-0000-00000000c01e";
        private const string Subscription = "00000000-0000-0000-0000-00000000c01f";

        // A made-up JWT ({"alg":"none"}; exp 2100, the tenant and client above): the list's session needs a token, not MSAL.
        private const string AccessToken = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJleHAiOjQxMDI0NDQ4MDAsInRpZCI6IjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwYzAxZCIsImFwcGlkIjoiMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDBjMDFlIn0.warm-up";

        private static int _started;
        private static Task _task = Task.CompletedTask;

        /// <summary>The warm-up started by <see cref="Start"/> (completed when none was started or it is done).</summary>
        internal static Task Completion => Volatile.Read(ref _task);

        /// <summary>What the two threads returned, added up: 2 (one token request, one data connection listed) once both
        /// ran the whole path; tests read it.</summary>
        internal static int Completed => Volatile.Read(ref _completed);

        private static int _completed;
        private static Exception? _failure;

        /// <summary>The first exception the warm-up swallowed, if any (tests: it ran the whole path without one).</summary>
        internal static Exception? Failure => Volatile.Read(ref _failure);

        /// <summary>
        /// Whether it runs here: only with a second processor, where it can run beside the pipeline thread; on one it would
        /// only take turns with it.
        /// </summary>
        internal static bool Applies => Environment.ProcessorCount > 1;

        /// <summary>Starts the warm-up once per process; later calls do nothing.</summary>
        /// <returns>Whether this call started it.</returns>
        internal static bool Start()
        {
            if (!Applies || Interlocked.Exchange(ref _started, 1) == 1)
            {
                return false;
            }

            // Two threads of their own (not the thread pool, whose few threads the real calls' continuations need), and
            // without the caller's execution context: no AsyncLocal of the importing thread (an operation's observer, say)
            // is seen by the warm-up.
            var signIn = new TaskCompletionSource<bool>();
            var list = new TaskCompletionSource<bool>();
            using (ExecutionContext.SuppressFlow())
            {
                StartThread(SignInAsync, signIn, "KustoConnect warm-up: sign-in");
                StartThread(ListAsync, list, "KustoConnect warm-up: first call");
            }

            Volatile.Write(ref _task, Task.WhenAll(signIn.Task, list.Task));
            return true;
        }

        private static void StartThread(Func<Task<int>> work, TaskCompletionSource<bool> done, string name)
        {
            var thread = new Thread(() =>
            {
                try
                {
                    // The in-memory transport answers synchronously, so this runs on this thread to the end.
                    Interlocked.Add(ref _completed, work().GetAwaiter().GetResult());
                }
#pragma warning disable CA1031 // Nothing may escape a thread of its own (it would end the process), and a failed warm-up changes nothing.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Interlocked.CompareExchange(ref _failure, e, null);
                }

                done.TrySetResult(true);
            })
            {
                IsBackground = true,
                Name = name,
            };
            thread.Start();
        }

        /// <summary>A service principal's sign-in (Azure.Identity, MSAL, the token response), in memory.</summary>
        /// <returns>How many requests the in-memory transport answered (one token request).</returns>
        internal static async Task<int> SignInAsync()
        {
            var handler = new InMemoryHandler();
            using var secret = SecureStrings.FromPlainText("warm-up");
            using var session = CreateSession(CredentialKind.ServicePrincipalSecret, secret, handler, out var transport);
            using (transport)
            {
                await session.SignInAsync(null, CancellationToken.None).ConfigureAwait(false);
            }

            return handler.Answered;
        }

        /// <summary>The first ARM call (the pipeline, a GET, the list's JSON, the data-connection model), in memory.</summary>
        /// <returns>How many data connections the list read (the one the in-memory transport serves).</returns>
        internal static async Task<int> ListAsync()
        {
            var handler = new InMemoryHandler();
            using var token = SecureStrings.FromPlainText(AccessToken);
            using var session = CreateSession(CredentialKind.AccessToken, token, handler, out var transport);
            using (transport)
            {
                var connections = await session.DataConnections.ListAsync(new DatabaseRef(Subscription, "warm-up", "warmup", "warm-up"), CancellationToken.None).ConfigureAwait(false);
                return connections.Count;
            }
        }

        private static KustoSession CreateSession(CredentialKind kind, SecureString secret, InMemoryHandler handler, out IDisposable transport)
        {
            var options = new ConnectionOptions
            {
                CredentialKind = kind,
                TenantId = Tenant,
                ClientId = Client,
                SubscriptionId = Subscription,
                ArmEndpoint = Host,
                AuthorityHost = Host,
            };
            if (kind == CredentialKind.AccessToken)
            {
                options.AccessToken = secret;
            }
            else
            {
                options.ClientSecret = secret;
            }

            // The transport owns the handler (HttpClient disposes it); the session does not own a transport it is given.
            var inMemory = new Azure.Core.Pipeline.HttpClientTransport(new HttpClient(handler));
            transport = inMemory;
            return KustoSession.Create(options, new EngineSettings { Transport = inMemory, RetryDelay = TimeSpan.Zero });
        }

        /// <summary>Answers every request in memory: a token for POSTs, one IoT Hub data connection for GETs.</summary>
        private sealed class InMemoryHandler : HttpMessageHandler
        {
            private int _answered;

            internal int Answered => Volatile.Read(ref _answered);

            private const string Token = "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"warm-up\"}";

            private const string List = "{\"value\":[{\"id\":\"/subscriptions/" + Subscription + "/resourceGroups/warm-up/providers/Microsoft.Kusto/clusters/warmup/databases/warm-up/dataConnections/warm-up\","
                + "\"name\":\"warmup/warm-up/warm-up\",\"type\":\"Microsoft.Kusto/clusters/databases/dataConnections\",\"location\":\"Central US\",\"kind\":\"IotHub\","
                + "\"properties\":{\"iotHubResourceId\":\"/subscriptions/" + Subscription + "/resourceGroups/warm-up/providers/Microsoft.Devices/IotHubs/warm-up\","
                + "\"consumerGroup\":\"$Default\",\"tableName\":\"T\",\"mappingRuleName\":\"M\",\"dataFormat\":\"CSV\",\"eventSystemProperties\":[],"
                + "\"sharedAccessPolicyName\":\"iothubforread\",\"databaseRouting\":\"Single\",\"retrievalStartDate\":\"2024-01-01T00:00:00Z\",\"provisioningState\":\"Succeeded\"}}]}";

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref _answered);
                var body = request.Method == HttpMethod.Post ? Token : List;
                var response = new HttpResponseMessage(HttpStatusCode.OK)
                {
                    RequestMessage = request,
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                return Task.FromResult(response);
            }
        }
    }
}
