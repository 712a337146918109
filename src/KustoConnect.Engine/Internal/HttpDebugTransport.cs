using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// The same debug line as <see cref="HttpDebugPolicy"/>, from the transport: for the credentials that build their own
    /// pipeline from the options' transport but drop the options' added policies (the managed identity's).
    /// </summary>
    internal sealed class HttpDebugTransport : HttpPipelineTransport
    {
        private readonly HttpPipelineTransport _inner;

        internal HttpDebugTransport(HttpPipelineTransport inner) => _inner = inner;

        public override Request CreateRequest() => _inner.CreateRequest();

        public override void Process(HttpMessage message)
        {
            var context = OperationContext.Current;
            var stopwatch = Stopwatch.StartNew();
            Exception? failure = null;
            try
            {
                _inner.Process(message);
            }
            catch (Exception e)
            {
                failure = e;
                throw;
            }
            finally
            {
                context?.Debug(() => HttpDebugPolicy.Describe(message, stopwatch.Elapsed, failure));
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message)
        {
            var context = OperationContext.Current;
            var stopwatch = Stopwatch.StartNew();
            Exception? failure = null;
            try
            {
                await _inner.ProcessAsync(message).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure = e;
                throw;
            }
            finally
            {
                context?.Debug(() => HttpDebugPolicy.Describe(message, stopwatch.Elapsed, failure));
            }
        }
    }
}
