using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;
using KustoConnect.Engine.Internal;

namespace KustoConnect.Engine
{
    /// <summary>Reads of resources around data connections: resource groups, and the shared access policies of IoT hubs.</summary>
    public interface IAzureResourceOperations
    {
        /// <summary>The names of every resource group of the subscription (GET .../resourcegroups, follows nextLink).</summary>
        Task<IReadOnlyList<string>> ListResourceGroupNamesAsync(string subscriptionId, CancellationToken cancellationToken);

        /// <summary>The subscriptions the signed-in account can see (GET /subscriptions, follows nextLink): id and display name.</summary>
        Task<IReadOnlyList<KeyValuePair<string, string?>>> ListSubscriptionsAsync(CancellationToken cancellationToken);

        /// <summary>
        /// The shared access policies of an IoT hub (POST .../IotHubs/{hub}/listkeys): names and rights only. The keys that
        /// the service sends with them are never returned, kept or logged.
        /// </summary>
        Task<IReadOnlyList<IotHubAccessPolicy>> ListIotHubAccessPoliciesAsync(string iotHubResourceId, IOperationObserver? observer, CancellationToken cancellationToken);

        /// <summary>The same for an IoT hub already parsed (<see cref="ResourceIds.Parse"/> with <see cref="ResourceIds.IotHub"/>): it is not parsed again.</summary>
        Task<IReadOnlyList<IotHubAccessPolicy>> ListIotHubAccessPoliciesAsync(ResourceIdentity hub, IOperationObserver? observer, CancellationToken cancellationToken);
    }

    /// <summary>A shared access policy of an IoT hub, without its keys.</summary>
    public sealed class IotHubAccessPolicy
    {
        private static readonly char[] RightSeparators = { ',', ' ' };

        /// <summary>A policy as ARM lists it.</summary>
        /// <param name="keyName">The policy's name.</param>
        /// <param name="rights">Its rights as ARM spells them, e.g. "RegistryRead, ServiceConnect"; null for none.</param>
        public IotHubAccessPolicy(string keyName, string rights)
        {
            KeyName = keyName ?? throw new ArgumentNullException(nameof(keyName));
            Rights = rights ?? string.Empty;
        }

        /// <summary>The policy's name, e.g. "service" or "iothubowner".</summary>
        public string KeyName { get; }

        /// <summary>The rights as the service spells them, e.g. "RegistryWrite, ServiceConnect, DeviceConnect".</summary>
        public string Rights { get; }

        /// <summary>Each right of <see cref="Rights"/>.</summary>
        public IReadOnlyList<string> RightList => Rights.Split(RightSeparators, StringSplitOptions.RemoveEmptyEntries);

        /// <summary>True when the policy grants ServiceConnect (what a data connection needs to read the hub's events).</summary>
        public bool GrantsServiceConnect => RightList.Any(IsServiceConnect);

        /// <summary>
        /// The policy a data connection should use when none is named: one that grants exactly ServiceConnect (least
        /// privilege; the first in the service's order), else the one with the fewest other rights that grants it (e.g.
        /// iothubowner). Null when no policy grants ServiceConnect.
        /// </summary>
        public static IotHubAccessPolicy? ChooseForDataConnection(IEnumerable<IotHubAccessPolicy> policies)
        {
            if (policies == null)
            {
                throw new ArgumentNullException(nameof(policies));
            }

            return policies
                .Where(p => p.GrantsServiceConnect)
                .Select((p, index) => (Policy: p, Index: index))
                .OrderBy(x => x.Policy.RightList.Count)
                .ThenBy(x => x.Index)
                .Select(x => x.Policy)
                .FirstOrDefault();
        }

        /// <inheritdoc />
        public override string ToString() => KeyName + " (" + Rights + ")";

        private static bool IsServiceConnect(string right) => string.Equals(right, "ServiceConnect", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Requests through the ArmClient's own pipeline (credential, retries, verbose policy) to other providers.</summary>
    internal sealed class AzureResourceOperations : IAzureResourceOperations
    {
        internal const string ResourcesApiVersion = "2021-04-01";
        internal const string DevicesApiVersion = "2023-06-30";
        private readonly ArmRequests _requests;
        private readonly string? _secret;

        internal AzureResourceOperations(ArmRequests requests, string? secret)
        {
            _requests = requests;
            _secret = secret;
        }

        public async Task<IReadOnlyList<string>> ListResourceGroupNamesAsync(string subscriptionId, CancellationToken cancellationToken)
        {
            KustoRules.ValidateSubscriptionId(subscriptionId);
            var names = new List<string>();
            await ReadPagesAsync(
                RequestMethod.Get,
                Url("/subscriptions/" + subscriptionId + "/resourcegroups", ResourcesApiVersion),
                "resource groups",
                item =>
                {
                    var name = DataConnectionJson.GetString(item, "name");
                    if (!string.IsNullOrEmpty(name))
                    {
                        names.Add(name!);
                    }
                },
                cancellationToken).ConfigureAwait(false);
            return names;
        }

        public async Task<IReadOnlyList<KeyValuePair<string, string?>>> ListSubscriptionsAsync(CancellationToken cancellationToken)
        {
            var subscriptions = new List<KeyValuePair<string, string?>>();
            await ReadPagesAsync(
                RequestMethod.Get,
                Url("/subscriptions", ResourcesApiVersion),
                "subscriptions",
                item =>
                {
                    var id = DataConnectionJson.GetString(item, "subscriptionId");
                    if (!string.IsNullOrEmpty(id))
                    {
                        subscriptions.Add(new KeyValuePair<string, string?>(id!, DataConnectionJson.GetString(item, "displayName")));
                    }
                },
                cancellationToken).ConfigureAwait(false);
            return subscriptions;
        }

        public Task<IReadOnlyList<IotHubAccessPolicy>> ListIotHubAccessPoliciesAsync(string iotHubResourceId, IOperationObserver? observer, CancellationToken cancellationToken) =>
            ListIotHubAccessPoliciesAsync(ResourceIds.Parse(iotHubResourceId, ResourceIds.IotHub), observer, cancellationToken);

        public async Task<IReadOnlyList<IotHubAccessPolicy>> ListIotHubAccessPoliciesAsync(ResourceIdentity hub, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            if (hub == null)
            {
                throw new ArgumentNullException(nameof(hub));
            }

            var policies = new List<IotHubAccessPolicy>();
            var context = new OperationContext(observer, "Reading the shared access policies of IoT hub '" + hub.Name + "'");
            using (context.Enter())
            {
                // Only keyName and rights are read from each item; primaryKey and secondaryKey are never copied out.
                await ReadPagesAsync(
                    RequestMethod.Post,
                    Url(hub.ResourceId + "/listkeys", DevicesApiVersion),
                    "shared access policies",
                    item =>
                    {
                        var name = DataConnectionJson.GetString(item, "keyName");
                        if (!string.IsNullOrEmpty(name))
                        {
                            policies.Add(new IotHubAccessPolicy(name!, DataConnectionJson.GetString(item, "rights") ?? string.Empty));
                        }
                    },
                    cancellationToken).ConfigureAwait(false);
            }

            return policies;
        }

        /// <summary>Reads a list through the session's one request path; errors other than KustoException are translated.</summary>
        private async Task ReadPagesAsync(RequestMethod firstMethod, Uri first, string what, Action<JsonElement> read, CancellationToken cancellationToken)
        {
            try
            {
                await _requests.ReadItemsAsync(firstMethod, first, what, read, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is KustoException) && !(ex is OperationCanceledException))
            {
                throw ErrorTranslator.Translate(ex, _requests.ArmEndpoint, _secret);
            }
        }

        private Uri Url(string path, string apiVersion) => _requests.Url(path, apiVersion);
    }
}
