using System;
using System.Collections.Generic;
using System.Linq;

namespace KustoConnect.Engine
{
    /// <summary>
    /// Everything KustoConnect knows about one data connection kind, in one place: its ARM kind, how people call it, its
    /// model, and each of its properties (<see cref="DataConnectionProperty"/>: JSON name, type, required, updatable,
    /// read-only, client-side rule, completion values). <c>DataConnectionJson</c> reads and writes the kind from it,
    /// <see cref="KustoRules.ValidateDefinition"/> checks it, partial updates, the definition file and Sync diff it, and
    /// the cmdlets bind, build, update and complete from it. Each kind's description sits beside its model
    /// (<c>IotHubDataConnection.Description</c>, ...); <see cref="DataConnectionKinds"/> lists them.
    /// </summary>
    public sealed class DataConnectionKindDescription
    {
        private readonly Func<DataConnection> _create;

        internal DataConnectionKindDescription(string armKind, string displayName, Func<DataConnection> create, params DataConnectionProperty[] properties)
        {
            ArmKind = armKind;
            DisplayName = displayName;
            _create = create;
            Properties = Array.AsReadOnly(properties);
            Settable = Array.AsReadOnly(properties.Where(p => !p.ReadOnly).ToArray());
        }

        /// <summary>The kind as KustoConnect names it (-Kind, the definition file, the output's Kind): its ARM kind.</summary>
        public string Kind => ArmKind;

        /// <summary>The discriminator ARM sends and expects in "kind", e.g. "IotHub".</summary>
        public string ArmKind { get; }

        /// <summary>How messages name the kind, e.g. "IoT Hub".</summary>
        public string DisplayName { get; }

        /// <summary>Every property of the kind in "properties" (read-only ones included; never provisioningState), in the order they are written.</summary>
        public IReadOnlyList<DataConnectionProperty> Properties { get; }

        /// <summary>The properties a user sets (every one of <see cref="Properties"/> that is not read-only).</summary>
        public IReadOnlyList<DataConnectionProperty> Settable { get; }

        /// <summary>The property named <paramref name="name"/> (its model name or its parameter name, case-insensitive), or null.</summary>
        public DataConnectionProperty? Find(string? name) =>
            Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? Properties.FirstOrDefault(p => string.Equals(p.ParameterName, name, StringComparison.OrdinalIgnoreCase));

        /// <summary>A new, empty model of the kind: every property null, lists included.</summary>
        public DataConnection NewModel()
        {
            var model = _create();
            foreach (var property in Properties)
            {
                property.SetValue(model, null);
            }

            return model;
        }

        /// <inheritdoc />
        public override string ToString() => Kind;
    }

    /// <summary>The data connection kinds the engine models (api-version 2024-04-13), each described once.</summary>
    public static class DataConnectionKinds
    {
        /// <summary>Every modelled kind.</summary>
        public static IReadOnlyList<DataConnectionKindDescription> All { get; } = Array.AsReadOnly(new[]
        {
            IotHubDataConnection.Description,
            EventHubDataConnection.Description,
            EventGridDataConnection.Description,
            CosmosDbDataConnection.Description,
        });

        /// <summary>The description of <paramref name="kind"/> (case-insensitive, trimmed), or null for a kind the engine does not model.</summary>
        public static DataConnectionKindDescription? Find(string? kind)
        {
            var text = kind?.Trim();
            return All.FirstOrDefault(k => string.Equals(k.Kind, text, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>The description of a modelled kind (an <see cref="OtherDataConnection"/> has none).</summary>
        public static DataConnectionKindDescription? Of(DataConnection connection) =>
            connection is OtherDataConnection ? null : Find(connection?.Kind);

        /// <summary>A string property.</summary>
        internal static DataConnectionProperty Text<T>(string name, string json, string help, Func<T, string?> get, Action<T, string?> set, DataConnectionProperty.PropertyOptions? options = null)
            where T : DataConnection =>
            new DataConnectionProperty(name, json, help, DataConnectionPropertyType.String, c => get((T)c), (c, v) => set((T)c, (string?)v), options ?? new DataConnectionProperty.PropertyOptions());

        /// <summary>A list of strings (clearable, never required).</summary>
        internal static DataConnectionProperty List<T>(string name, string json, string help, Func<T, IList<string>?> get, Action<T, IList<string>?> set, DataConnectionProperty.PropertyOptions options)
            where T : DataConnection
        {
            options.Clearable = true;
            return new DataConnectionProperty(name, json, help, DataConnectionPropertyType.StringList, c => get((T)c), (c, v) => set((T)c, (IList<string>?)v), options);
        }

        /// <summary>A boolean.</summary>
        internal static DataConnectionProperty Flag<T>(string name, string json, string help, Func<T, bool?> get, Action<T, bool?> set)
            where T : DataConnection =>
            new DataConnectionProperty(name, json, help, DataConnectionPropertyType.Boolean, c => get((T)c), (c, v) => set((T)c, (bool?)v), new DataConnectionProperty.PropertyOptions());

        /// <summary>A date and time.</summary>
        internal static DataConnectionProperty Date<T>(string name, string json, string help, Func<T, DateTimeOffset?> get, Action<T, DateTimeOffset?> set)
            where T : DataConnection =>
            new DataConnectionProperty(name, json, help, DataConnectionPropertyType.DateTime, c => get((T)c), (c, v) => set((T)c, (DateTimeOffset?)v), new DataConnectionProperty.PropertyOptions());

        /// <summary>The options of a property checked by <paramref name="rule"/>.</summary>
        internal static DataConnectionProperty.PropertyOptions Rule(Func<string, string, string> rule, bool required = false, bool clearable = false, IEnumerable<string>? completion = null) =>
            new DataConnectionProperty.PropertyOptions { Rule = rule, Required = required, Clearable = clearable, CompletionValues = completion };

        /// <summary>The options of a resource id of <paramref name="kind"/>: parsed once into its typed identity, sent in its canonical spelling.</summary>
        internal static DataConnectionProperty.PropertyOptions Identity(ResourceIdKind kind, bool required = false) =>
            Identity((v, p) => ResourceIds.Parse(v, kind, p), required);

        /// <summary>The options of a resource id parsed by <paramref name="parse"/>.</summary>
        internal static DataConnectionProperty.PropertyOptions Identity(Func<string, string, ResourceIdentity> parse, bool required = false) =>
            new DataConnectionProperty.PropertyOptions { Identity = parse, Rule = (v, p) => parse(v, p).ResourceId, Required = required };

        /// <summary>The options of a property whose only values are <paramref name="values"/>, normalized by <paramref name="rule"/>.</summary>
        internal static DataConnectionProperty.PropertyOptions OneOf(IEnumerable<string> values, Func<string, string> rule) =>
            new DataConnectionProperty.PropertyOptions { Rule = (v, p) => rule(v), CompletionValues = values, Enumeration = true };

        /// <summary>The options of a name checked by <paramref name="check"/> and kept as given.</summary>
        internal static DataConnectionProperty.PropertyOptions Name(Action<string, string> check, bool required = false, bool clearable = false) =>
            Rule((value, parameter) => { check(value, parameter); return value; }, required, clearable);

        /// <summary>The options of a read-only property.</summary>
        internal static DataConnectionProperty.PropertyOptions ReadOnly() => new DataConnectionProperty.PropertyOptions { ReadOnly = true };

        /// <summary>The table, mapping, data format, database routing and managed identity options many kinds share.</summary>
        internal static class Common
        {
            internal static DataConnectionProperty.PropertyOptions Table(bool required = false) => Name((v, p) => KustoRules.ValidateTableName(v, p), required, clearable: !required);

            internal static DataConnectionProperty.PropertyOptions Mapping()
            {
                var options = Name((v, p) => KustoRules.ValidateMappingRuleName(v, p), clearable: true);
                options.Aliases = new[] { "MappingName" };
                return options;
            }

            internal static DataConnectionProperty.PropertyOptions ConsumerGroup()
            {
                var options = Name((v, p) => KustoRules.ValidateConsumerGroup(v, p), required: true);
                options.DefaultValue = "$Default";
                return options;
            }

            internal static DataConnectionProperty.PropertyOptions DataFormat(DataConnectionKind kind) =>
                Rule((v, p) => KustoRules.NormalizeDataFormat(v, kind), clearable: true, completion: KustoRules.DataFormatsOf(kind));

            internal static DataConnectionProperty.PropertyOptions DatabaseRouting() => OneOf(KustoRules.DatabaseRoutings, KustoRules.NormalizeDatabaseRouting);

            internal static DataConnectionProperty.PropertyOptions ManagedIdentity(bool required = false) =>
                Identity(KustoRules.ParseManagedIdentity, required);

            internal static DataConnectionProperty.PropertyOptions EventSystemProperties(IEnumerable<string> documented) =>
                new DataConnectionProperty.PropertyOptions
                {
                    ParameterName = "EventSystemProperty",
                    Aliases = new[] { "EventSystemProperties" },
                    Rule = (v, p) => { KustoRules.ValidateEventSystemProperty(v, p); return v; },
                    CompletionValues = documented,
                };
        }
    }
}
