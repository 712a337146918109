using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace KustoConnect.Engine
{
    /// <summary>
    /// An ARM resource id parsed as exactly one expected type: subscription, resource group, provider namespace and the
    /// chain of type/name pairs, every name checked by its own rule. Built only by <see cref="ResourceIds"/>.
    /// </summary>
    public sealed class ResourceIdentity
    {
        internal ResourceIdentity(string subscriptionId, string resourceGroupName, string providerNamespace, IReadOnlyList<string> types, IReadOnlyList<string> names, ResourceIdentity? scope)
        {
            SubscriptionId = subscriptionId;
            ResourceGroupName = resourceGroupName;
            ProviderNamespace = providerNamespace;
            Types = types;
            Names = names;
            Scope = scope;
            var builder = new StringBuilder();
            if (scope != null)
            {
                builder.Append(scope.ResourceId);
            }
            else
            {
                builder.Append("/subscriptions/").Append(subscriptionId).Append("/resourceGroups/").Append(resourceGroupName);
            }

            builder.Append("/providers/").Append(providerNamespace);
            for (var i = 0; i < types.Count; i++)
            {
                builder.Append('/').Append(types[i]).Append('/').Append(names[i]);
            }

            ResourceId = builder.ToString();
        }

        /// <summary>The subscription (a GUID).</summary>
        public string SubscriptionId { get; }

        /// <summary>The resource group.</summary>
        public string ResourceGroupName { get; }

        /// <summary>The provider namespace in its canonical spelling, e.g. "Microsoft.Devices".</summary>
        public string ProviderNamespace { get; }

        /// <summary>The type segments in canonical spelling, e.g. ["namespaces", "eventhubs"].</summary>
        public IReadOnlyList<string> Types { get; }

        /// <summary>The name of each type segment, as given.</summary>
        public IReadOnlyList<string> Names { get; }

        /// <summary>The resource's own name (the last name).</summary>
        public string Name => Names[Names.Count - 1];

        /// <summary>For an extension resource (an Event Grid subscription), the resource it extends; else null.</summary>
        public ResourceIdentity? Scope { get; }

        /// <summary>The id in canonical casing of its literal segments.</summary>
        public string ResourceId { get; }

        /// <inheritdoc />
        public override string ToString() => ResourceId;
    }

    /// <summary>What a resource id must be: provider, type chain, a rule for each name, and the error to raise.</summary>
    public sealed class ResourceIdKind
    {
        internal ResourceIdKind(string description, string errorId, string defaultParameterName, string providerNamespace, string[] types, NameRule[] nameRules, bool isExtension = false)
        {
            Description = description;
            ErrorId = errorId;
            DefaultParameterName = defaultParameterName;
            ProviderNamespace = providerNamespace;
            Types = types;
            NameRules = nameRules;
            IsExtension = isExtension;
        }

        /// <summary>e.g. "an IoT hub".</summary>
        public string Description { get; }

        /// <summary>The FullyQualifiedErrorId of a refusal, e.g. "InvalidIotHubResourceId".</summary>
        public string ErrorId { get; }

        /// <summary>The parameter the id usually comes from.</summary>
        public string DefaultParameterName { get; }

        /// <summary>The provider namespace, canonical spelling.</summary>
        public string ProviderNamespace { get; }

        internal string[] Types { get; }

        internal NameRule[] NameRules { get; }

        /// <summary>True for an extension resource ({scope}/providers/...), whose scope is any resource id.</summary>
        internal bool IsExtension { get; }

        /// <summary>The expected shape, for error messages.</summary>
        public string Template =>
            (IsExtension ? "{scope}" : "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}")
            + "/providers/" + ProviderNamespace + string.Concat(Types.Select(t => "/" + t + "/{name}"));
    }

    /// <summary>
    /// The strict resource-id parser. An id is split on '/' and must be exactly
    /// /subscriptions/{guid}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}[/{type}/{name}...] for the expected
    /// provider and types (any casing of the literal segments): no empty segment, no dot segment, no extra or missing
    /// segment, and every name valid by its own rule (which also refuses '%', so percent-encoded dots or slashes cannot
    /// hide in a name). Surrounding white space (a pasted id's newline) is trimmed; nothing else is repaired.
    /// </summary>
    public static class ResourceIds
    {
        /// <summary>Microsoft.Devices/IotHubs.</summary>
        public static ResourceIdKind IotHub { get; } = new ResourceIdKind(
            "an IoT hub", "InvalidIotHubResourceId", "IotHubResourceId", "Microsoft.Devices", new[] { "IotHubs" }, new[] { NameRules.IotHub });

        /// <summary>Microsoft.EventHub/namespaces/eventhubs.</summary>
        public static ResourceIdKind EventHub { get; } = new ResourceIdKind(
            "an event hub", "InvalidEventHubResourceId", "EventHubResourceId", "Microsoft.EventHub", new[] { "namespaces", "eventhubs" },
            new[] { NameRules.EventHubNamespace, NameRules.EventHub });

        /// <summary>Microsoft.Storage/storageAccounts.</summary>
        public static ResourceIdKind StorageAccount { get; } = new ResourceIdKind(
            "a storage account", "InvalidStorageAccountResourceId", "StorageAccountResourceId", "Microsoft.Storage", new[] { "storageAccounts" },
            new[] { NameRules.StorageAccount });

        /// <summary>Microsoft.DocumentDB/databaseAccounts.</summary>
        public static ResourceIdKind CosmosDbAccount { get; } = new ResourceIdKind(
            "a Cosmos DB account", "InvalidCosmosDbAccountResourceId", "CosmosDbAccountResourceId", "Microsoft.DocumentDB", new[] { "databaseAccounts" },
            new[] { NameRules.CosmosDbAccount });

        /// <summary>Microsoft.ManagedIdentity/userAssignedIdentities.</summary>
        public static ResourceIdKind UserAssignedIdentity { get; } = new ResourceIdKind(
            "a user-assigned managed identity", "InvalidManagedIdentityResourceId", "ManagedIdentityResourceId", "Microsoft.ManagedIdentity",
            new[] { "userAssignedIdentities" }, new[] { NameRules.UserAssignedIdentity });

        /// <summary>{scope}/providers/Microsoft.EventGrid/eventSubscriptions.</summary>
        public static ResourceIdKind EventGridSubscription { get; } = new ResourceIdKind(
            "an Event Grid subscription", "InvalidEventGridResourceId", "EventGridResourceId", "Microsoft.EventGrid", new[] { "eventSubscriptions" },
            new[] { NameRules.EventGridSubscription }, isExtension: true);

        /// <summary>Microsoft.Kusto/clusters.</summary>
        public static ResourceIdKind Cluster { get; } = new ResourceIdKind(
            "a Kusto cluster", "InvalidClusterResourceId", "ResourceId", "Microsoft.Kusto", new[] { "clusters" }, new[] { NameRules.Cluster });

        /// <summary>Microsoft.Kusto/clusters/databases.</summary>
        public static ResourceIdKind Database { get; } = new ResourceIdKind(
            "a Kusto database", "InvalidDatabaseResourceId", "ResourceId", "Microsoft.Kusto", new[] { "clusters", "databases" },
            new[] { NameRules.Cluster, NameRules.Database });

        /// <summary>Microsoft.Kusto/clusters/databases/dataConnections.</summary>
        public static ResourceIdKind DataConnection { get; } = new ResourceIdKind(
            "a data connection", "InvalidDataConnectionResourceId", "ResourceId", "Microsoft.Kusto", new[] { "clusters", "databases", "dataConnections" },
            new[] { NameRules.Cluster, NameRules.Database, NameRules.DataConnection });

        /// <summary>Parses <paramref name="value"/> as exactly <paramref name="kind"/>; throws <see cref="KustoValidationException"/> otherwise.</summary>
        public static ResourceIdentity Parse(string? value, ResourceIdKind kind, string? parameterName = null)
        {
            if (kind == null)
            {
                throw new ArgumentNullException(nameof(kind));
            }

            if (!TryParse(value, kind, out var identity, out var problem))
            {
                throw new KustoValidationException(
                    kind.ErrorId,
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "{0} is not {1} resource id: {2}. Expected {3}.",
                        KustoRules.Show(value),
                        kind.Description,
                        problem,
                        kind.Template),
                    parameterName ?? kind.DefaultParameterName);
            }

            return identity!;
        }

        /// <summary>
        /// Parses <paramref name="value"/> as exactly <paramref name="kind"/> without throwing: true with the
        /// <paramref name="identity"/>, or false with the <paramref name="problem"/> (e.g. "segment 3 is empty").
        /// </summary>
        /// <param name="value">The resource id; surrounding white space is trimmed.</param>
        /// <param name="kind">What the id must be.</param>
        /// <param name="identity">The parsed id when the result is true; else null.</param>
        /// <param name="problem">What is wrong with <paramref name="value"/> when the result is false; else null.</param>
        /// <returns>True when <paramref name="value"/> is exactly <paramref name="kind"/>.</returns>
        public static bool TryParse(string? value, ResourceIdKind kind, out ResourceIdentity? identity, out string? problem)
        {
            if (kind == null)
            {
                throw new ArgumentNullException(nameof(kind));
            }

            problem = Read(value, kind, out identity);
            return problem == null;
        }

        /// <summary>Null when <paramref name="value"/> is exactly <paramref name="kind"/> (with its identity); else what is wrong with it.</summary>
        private static string? Read(string? value, ResourceIdKind kind, out ResourceIdentity? identity)
        {
            identity = null;

            if (value == null || value.Trim().Length == 0)
            {
                return "it is empty";
            }

            var text = value.Trim();
            if (text[0] != '/')
            {
                return "it must start with '/'";
            }

            var segments = text.Substring(1).Split('/');
            for (var i = 0; i < segments.Length; i++)
            {
                if (segments[i].Length == 0)
                {
                    return "segment " + (i + 1).ToString(CultureInfo.InvariantCulture) + " is empty";
                }

                if (NameRules.IsDotSegment(segments[i]))
                {
                    return "segment " + (i + 1).ToString(CultureInfo.InvariantCulture) + " is a dot segment";
                }
            }

            var position = 0;
            ResourceIdentity? scope = null;
            string subscription;
            string group;
            if (kind.IsExtension)
            {
                // {scope}: a resource of any provider (in practice the storage account or system topic the subscription is on).
                var providerIndex = LastProvidersIndex(segments);
                if (providerIndex < 0)
                {
                    return "it has no /providers/" + kind.ProviderNamespace + " part";
                }

                var scopeProblem = ReadGenericResource(segments, providerIndex, out scope);
                if (scopeProblem != null)
                {
                    return "its scope " + scopeProblem;
                }

                subscription = scope!.SubscriptionId;
                group = scope.ResourceGroupName;
                position = providerIndex;
            }
            else
            {
                var prefixProblem = ReadPrefix(segments, out subscription, out group);
                if (prefixProblem != null)
                {
                    return prefixProblem;
                }

                position = 4;
            }

            var expectedLength = position + 2 + (kind.Types.Length * 2);
            if (segments.Length < position + 2 || !Same(segments[position], "providers"))
            {
                return "it has no /providers/" + kind.ProviderNamespace + " part";
            }

            if (!Same(segments[position + 1], kind.ProviderNamespace))
            {
                return "its provider is '" + KustoRules.Clip(segments[position + 1]) + "', not " + kind.ProviderNamespace;
            }

            if (segments.Length != expectedLength)
            {
                return segments.Length < expectedLength ? "segments are missing" : "it has extra segments";
            }

            var names = new string[kind.Types.Length];
            for (var i = 0; i < kind.Types.Length; i++)
            {
                var typeSegment = segments[position + 2 + (2 * i)];
                if (!Same(typeSegment, kind.Types[i]))
                {
                    return "found '" + KustoRules.Clip(typeSegment) + "' where '" + kind.Types[i] + "' belongs";
                }

                var name = segments[position + 3 + (2 * i)];
                var nameProblem = kind.NameRules[i].Check(name);
                if (nameProblem != null)
                {
                    return "the " + kind.NameRules[i].What + " name " + nameProblem;
                }

                names[i] = kind.NameRules[i].Canonical(name);
            }

            identity = new ResourceIdentity(subscription, group, kind.ProviderNamespace, kind.Types, names, scope);
            return null;
        }

        /// <summary>The /subscriptions/{guid}/resourceGroups/{rg} prefix of segments: null with its parts, else what is wrong with it.</summary>
        private static string? ReadPrefix(string[] segments, out string subscription, out string group)
        {
            subscription = string.Empty;
            group = string.Empty;
            if (segments.Length < 4 || !Same(segments[0], "subscriptions") || !Same(segments[2], "resourceGroups"))
            {
                return "it must begin /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}";
            }

            var subscriptionProblem = NameRules.SubscriptionId.Check(segments[1]);
            if (subscriptionProblem != null)
            {
                return "the subscription id " + subscriptionProblem;
            }

            var groupProblem = NameRules.ResourceGroup.Check(segments[3]);
            if (groupProblem != null)
            {
                return "the resource group name " + groupProblem;
            }

            subscription = segments[1];
            group = segments[3];
            return null;
        }

        /// <summary>
        /// A resource of any provider in segments [0, end): the prefix, then providers/{ns}/{type}/{name}[/{type}/{name}...].
        /// Null with its identity, else what is wrong with it.
        /// </summary>
        private static string? ReadGenericResource(string[] segments, int end, out ResourceIdentity? identity)
        {
            identity = null;
            var prefixProblem = ReadPrefix(segments, out var subscription, out var group);
            if (prefixProblem != null)
            {
                return prefixProblem;
            }

            var count = end - 4;
            if (count < 4 || (count % 2) != 0 || !Same(segments[4], "providers"))
            {
                return "must be a resource id (/subscriptions/.../resourceGroups/.../providers/{namespace}/{type}/{name})";
            }

            var providerNamespace = segments[5];
            var namespaceProblem = NameRules.ProviderNamespace.Check(providerNamespace);
            if (namespaceProblem != null)
            {
                return "has a provider namespace that " + namespaceProblem;
            }

            var types = new List<string>();
            var names = new List<string>();
            for (var i = 6; i < end; i += 2)
            {
                var typeProblem = NameRules.ResourceType.Check(segments[i]);
                var nameProblem = NameRules.GenericName.Check(segments[i + 1]);
                if (typeProblem != null || nameProblem != null)
                {
                    return "has a segment that " + (typeProblem ?? nameProblem);
                }

                types.Add(segments[i]);
                names.Add(segments[i + 1]);
            }

            identity = new ResourceIdentity(subscription, group, providerNamespace, types, names, null);
            return null;
        }

        private static int LastProvidersIndex(string[] segments)
        {
            for (var i = segments.Length - 2; i > 4; i--)
            {
                if (Same(segments[i], "providers"))
                {
                    return i;
                }
            }

            return -1;
        }

        private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }
}
