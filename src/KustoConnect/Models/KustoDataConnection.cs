using System;
using System.Collections.Generic;
using System.Linq;
using KustoConnect.Engine;
using KustoConnect.Internal;

namespace KustoConnect.Models
{
    /// <summary>
    /// A data connection of any kind, as KustoConnect's cmdlets write it. The ids and parent names are properties, so the
    /// object pipes into Get-, Update- and Remove-KustoDataConnection.
    /// </summary>
    public class KustoDataConnection
    {
        /// <summary>The output type of each modelled kind; its properties carry the names of the kind's properties in the engine.</summary>
        private static readonly Dictionary<string, Func<KustoDataConnection>> OutputTypes = new Dictionary<string, Func<KustoDataConnection>>(StringComparer.OrdinalIgnoreCase)
        {
            [IotHubDataConnection.Description.Kind] = () => new KustoIotHubDataConnection(),
            [EventHubDataConnection.Description.Kind] = () => new KustoEventHubDataConnection(),
            [EventGridDataConnection.Description.Kind] = () => new KustoEventGridDataConnection(),
            [CosmosDbDataConnection.Description.Kind] = () => new KustoCosmosDbDataConnection(),
        };

        /// <summary>The short name of the data connection (not cluster/database/name).</summary>
        public string? Name { get; set; }

        /// <summary>The kind: IotHub, EventHub, EventGrid or CosmosDb.</summary>
        public string? Kind { get; set; }

        /// <summary>The ARM resource id.</summary>
        public string? Id { get; set; }

        /// <summary>The subscription that holds the cluster.</summary>
        public string? SubscriptionId { get; set; }

        /// <summary>The resource group of the cluster.</summary>
        public string? ResourceGroupName { get; set; }

        /// <summary>The cluster.</summary>
        public string? ClusterName { get; set; }

        /// <summary>The database.</summary>
        public string? DatabaseName { get; set; }

        /// <summary>The Azure region.</summary>
        public string? Location { get; set; }

        /// <summary>Creating, Succeeded, Failed, Deleting, ...</summary>
        public string? ProvisioningState { get; set; }

        /// <summary>The ARM resource type.</summary>
        public string? Type { get; set; }

        /// <summary>Copies the fields every kind has.</summary>
        protected void CopyCommon(DataConnection source)
        {
            if (source == null)
            {
                throw new ArgumentNullException(nameof(source));
            }

            Name = source.Name;
            Kind = source.Kind;
            Id = source.Id;
            SubscriptionId = source.SubscriptionId;
            ResourceGroupName = source.ResourceGroupName;
            ClusterName = source.ClusterName;
            DatabaseName = source.DatabaseName;
            Location = source.Location;
            ProvisioningState = source.ProvisioningState;
            Type = source.Type;
        }

        /// <summary>
        /// The output object for an engine model: the output type of its kind (<c>Kusto{Kind}DataConnection</c> for the
        /// engine's <c>{Kind}DataConnection</c>), the fields every kind has, and each property of the kind's description
        /// copied to the output property of the same name (a list as a string[], empty when unset).
        /// </summary>
        internal static KustoDataConnection From(DataConnection source)
        {
            if (source is OtherDataConnection other)
            {
                return new KustoOtherDataConnection(other);
            }

            var description = DataConnectionKinds.Of(source);
            var result = description != null && OutputTypes.TryGetValue(description.Kind, out var create) ? create() : new KustoDataConnection();
            result.CopyCommon(source);
            foreach (var property in description?.Properties ?? Array.Empty<DataConnectionProperty>())
            {
                var target = result.GetType().GetProperty(property.Name)
                    ?? throw new InvalidOperationException(result.GetType().Name + " has no property " + property.Name + ".");
                var value = property.GetValue(source);
                target.SetValue(result, value == null && target.PropertyType == typeof(string[]) ? Array.Empty<string>() : value);
            }

            return result;
        }

        /// <summary>
        /// The engine model of this object as it is now (an edited copy stays edited): its kind's settable properties, its
        /// place and location. Null for a kind this version does not model.
        /// </summary>
        internal DataConnection? ToModel()
        {
            var model = DataConnectionProperties.NewModel(Kind);
            if (model == null)
            {
                return null;
            }

            model.Id = Id;
            model.Name = Name;
            model.SubscriptionId = SubscriptionId;
            model.ResourceGroupName = ResourceGroupName;
            model.ClusterName = ClusterName;
            model.DatabaseName = DatabaseName;
            model.Location = Location;
            model.ProvisioningState = ProvisioningState;
            model.Type = Type;
            foreach (var property in DataConnectionProperties.Of(model.Kind))
            {
                var source = GetType().GetProperty(property.Name);
                var value = source?.GetValue(this);
                property.SetValue(model, value is string text && text.Length == 0 ? null : value);
            }

            foreach (var list in DataConnectionProperties.Of(model.Kind).Where(p => p.Type == DataConnectionPropertyType.StringList && p.GetValue(model) == null))
            {
                list.SetValue(model, Array.Empty<string>());
            }

            return model;
        }

        /// <inheritdoc />
        public override string ToString() => Name ?? string.Empty;
    }

    /// <summary>An IoT Hub data connection.</summary>
    [KindMembers(KindMembers.OutputProperties, "IotHub")]
    public sealed partial class KustoIotHubDataConnection : KustoDataConnection
    {
        /// <summary>Creates an empty one.</summary>
        public KustoIotHubDataConnection()
        {
        }

    }

    /// <summary>An Event Hub data connection.</summary>
    [KindMembers(KindMembers.OutputProperties, "EventHub")]
    public sealed partial class KustoEventHubDataConnection : KustoDataConnection
    {
        /// <summary>Creates an empty one.</summary>
        public KustoEventHubDataConnection()
        {
        }

    }

    /// <summary>An Event Grid (blob storage) data connection.</summary>
    [KindMembers(KindMembers.OutputProperties, "EventGrid")]
    public sealed partial class KustoEventGridDataConnection : KustoDataConnection
    {
        /// <summary>Creates an empty one.</summary>
        public KustoEventGridDataConnection()
        {
        }

    }

    /// <summary>A Cosmos DB data connection.</summary>
    [KindMembers(KindMembers.OutputProperties, "CosmosDb")]
    public sealed partial class KustoCosmosDbDataConnection : KustoDataConnection
    {
        /// <summary>Creates an empty one.</summary>
        public KustoCosmosDbDataConnection()
        {
        }

    }

    /// <summary>A data connection of a kind this version does not model yet; its properties are kept as JSON.</summary>
    public sealed class KustoOtherDataConnection : KustoDataConnection
    {
        internal KustoOtherDataConnection(OtherDataConnection source)
        {
            CopyCommon(source);
            Kind = source.KindName;
            PropertiesJson = source.PropertiesJson;
        }

        /// <summary>The properties as the service sent them.</summary>
        public string? PropertiesJson { get; set; }
    }
}
