using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Threading.Tasks;
using KustoConnect.Engine.Internal;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    /// <summary>
    /// The cold-start warm-up (issue 10, docs/loading.md): it must run the real sign-in and list code to the end (or it
    /// warms nothing, silently), and it must never send anything anywhere.
    /// </summary>
    public sealed class ColdStartWarmUpTests
    {
        [Fact]
        public async Task The_sign_in_flow_runs_Azure_Identity_and_MSAL_to_a_token_answered_in_memory()
        {
            Assert.Equal(1, await ColdStartWarmUp.SignInAsync());
        }

        [Fact]
        public async Task The_list_flow_reads_the_in_memory_data_connection_through_the_ARM_pipeline()
        {
            Assert.Equal(1, await ColdStartWarmUp.ListAsync());
        }

        [Fact]
        public async Task Neither_flow_starts_a_socket_request()
        {
            using var sockets = new SocketRequests();

            await ColdStartWarmUp.SignInAsync();
            await ColdStartWarmUp.ListAsync();

            // The control: a request through .NET's socket handler (to a closed loopback port) is seen.
            using (var client = new HttpClient())
            {
                await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("http://127.0.0.1:1/warm-up-control")));
            }

            Assert.Contains(sockets.Hosts, h => h == "127.0.0.1");
            Assert.DoesNotContain(sockets.Hosts, h => h == ColdStartWarmUp.Host.Host);
        }

        [Fact]
        public async Task Start_runs_both_flows_once_per_process_on_threads_of_their_own_where_there_is_a_second_processor()
        {
            var started = ColdStartWarmUp.Start();

            Assert.Equal(Environment.ProcessorCount > 1, ColdStartWarmUp.Applies);
            Assert.Equal(ColdStartWarmUp.Applies, started);
            Assert.False(ColdStartWarmUp.Start());
            await ColdStartWarmUp.Completion.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Null(ColdStartWarmUp.Failure);
            Assert.Equal(ColdStartWarmUp.Applies ? 2 : 0, ColdStartWarmUp.Completed);
        }

        [Fact]
        public void The_made_up_host_is_in_the_reserved_invalid_domain()
        {
            Assert.EndsWith(".invalid", ColdStartWarmUp.Host.Host, StringComparison.Ordinal);
            Assert.Equal("https", ColdStartWarmUp.Host.Scheme);
        }

        /// <summary>
        /// The hosts of the requests that .NET's socket handler starts in this process while it lives (its
        /// "System.Net.Http.HttpRequestOut" activity events); an in-memory handler raises none.
        /// </summary>
        private sealed class SocketRequests : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
        {
            private readonly ConcurrentQueue<string> _hosts = new ConcurrentQueue<string>();
            private readonly List<IDisposable> _subscriptions = new List<IDisposable>();

            internal SocketRequests()
            {
                _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
            }

            internal IEnumerable<string> Hosts => _hosts;

            public void OnNext(DiagnosticListener value)
            {
                if (value.Name == "HttpHandlerDiagnosticListener")
                {
                    lock (_subscriptions)
                    {
                        _subscriptions.Add(value.Subscribe(this));
                    }
                }
            }

            public void OnNext(KeyValuePair<string, object?> value)
            {
                if (value.Value?.GetType().GetProperty("Request")?.GetValue(value.Value) is HttpRequestMessage request && request.RequestUri != null)
                {
                    _hosts.Enqueue(request.RequestUri.Host);
                }
            }

            public void OnCompleted()
            {
            }

            public void OnError(Exception error)
            {
            }

            public void Dispose()
            {
                lock (_subscriptions)
                {
                    foreach (var subscription in _subscriptions)
                    {
                        subscription.Dispose();
                    }
                }
            }
        }
    }
}
