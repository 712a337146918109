using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Engine.Internal
{
    /// <summary>
    /// Carries a device-code credential's prompt to whoever is signing in: the observer of the running
    /// <see cref="KustoSession.SignInAsync(IOperationObserver, CancellationToken)"/>, if any.
    /// </summary>
    internal sealed class UserPrompt
    {
        private IOperationObserver? _observer;

        internal IOperationObserver? Observer
        {
            get => Volatile.Read(ref _observer);
            set => Volatile.Write(ref _observer, value);
        }

        /// <summary>The DeviceCodeCallback: hands the service's message on and returns at once, so that polling starts.</summary>
        internal Task ShowAsync(Azure.Identity.DeviceCodeInfo info, CancellationToken cancellationToken)
        {
            Observer?.OnUserMessage(info.Message);
            return Task.CompletedTask;
        }
    }
}
