using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace KustoConnect.Engine
{
    /// <summary>How a data connection property's value is shaped.</summary>
    public enum DataConnectionPropertyType
    {
        /// <summary>A string.</summary>
        String,

        /// <summary>A list of strings (event system properties).</summary>
        StringList,

        /// <summary>A boolean.</summary>
        Boolean,

        /// <summary>A date and time (ISO 8601, UTC on the wire).</summary>
        DateTime,
    }

    /// <summary>
    /// One property of a data connection kind, as the kind's <see cref="DataConnectionKindDescription"/> describes it: its
    /// model (and output) name, its ARM name in "properties", its cmdlet parameter, its shape, whether it is required,
    /// can be updated or cleared or is read-only, its client-side rule and the values completion offers. JSON reading and
    /// writing, the checks before sending, partial updates, the definition file, the desired-state diff, the cmdlets'
    /// parameter handling and the completers all take the property from here.
    /// </summary>
    public sealed class DataConnectionProperty
    {
        private readonly Func<DataConnection, object?> _get;
        private readonly Action<DataConnection, object?> _set;
        private readonly Func<string, string, string>? _rule;
        private readonly Func<string, string, ResourceIdentity>? _identity;

        internal DataConnectionProperty(
            string name,
            string jsonName,
            string help,
            DataConnectionPropertyType type,
            Func<DataConnection, object?> get,
            Action<DataConnection, object?> set,
            PropertyOptions options)
        {
            Name = name;
            JsonName = jsonName;
            Help = help;
            Type = type;
            _get = get;
            _set = set;
            ParameterName = options.ParameterName ?? name;
            Required = options.Required;
            if (options.Required && options.Clearable)
            {
                throw new ArgumentException(name + ": a required property cannot be clearable.", nameof(options));
            }

            Clearable = options.Clearable;
            ReadOnly = options.ReadOnly;
            CompletionValues = Array.AsReadOnly((options.CompletionValues ?? Array.Empty<string>()).ToArray());
            IsEnumeration = options.Enumeration;
            Aliases = Array.AsReadOnly((options.Aliases ?? Array.Empty<string>()).ToArray());
            DefaultValue = options.DefaultValue;
            _rule = options.Rule;
            _identity = options.Identity;
        }

        /// <summary>The model's (and the output type's) name, e.g. "TableName".</summary>
        public string Name { get; }

        /// <summary>ARM's name in "properties", e.g. "tableName".</summary>
        public string JsonName { get; }

        /// <summary>The cmdlets' parameter that sets it: its <see cref="Name"/>, except "EventSystemProperty" for the list.</summary>
        public string ParameterName { get; }

        /// <summary>
        /// What the property means, in one or two sentences for a person: the help of the cmdlet parameters that set it,
        /// of the output property that shows it and of the definition file schema's property.
        /// </summary>
        public string Help { get; }

        /// <summary>Other names the cmdlets' parameter answers to (e.g. "MappingName" for MappingRuleName).</summary>
        public IReadOnlyList<string> Aliases { get; }

        /// <summary>The value New-Kusto*Connection and Test-KustoDataConnection use when the parameter is not given (e.g. "$Default"), or null.</summary>
        public string? DefaultValue { get; }

        /// <summary>True when <see cref="CompletionValues"/> are the only values the service takes (the cmdlets refuse others as they bind).</summary>
        public bool IsEnumeration { get; }

        /// <summary>The value's shape.</summary>
        public DataConnectionPropertyType Type { get; }

        /// <summary>True when a data connection of the kind cannot exist without it.</summary>
        public bool Required { get; }

        /// <summary>
        /// True when a partial update can clear it (sent as "" or []): the optional table, mapping, data format and event
        /// system properties. Never true for a <see cref="Required"/> one.
        /// </summary>
        public bool Clearable { get; }

        /// <summary>True for a property only the service sets (e.g. managedIdentityObjectId): read, shown, never sent.</summary>
        public bool ReadOnly { get; }

        /// <summary>True when a partial update (PATCH) may change it: every property that is not <see cref="ReadOnly"/>.</summary>
        public bool Updatable => !ReadOnly;

        /// <summary>The values tab completion offers (data formats, event system properties, enumerations); empty when free-form.</summary>
        public IReadOnlyList<string> CompletionValues { get; }

        /// <summary>The value on <paramref name="connection"/>: a string, a string[] (copy), a bool or a DateTimeOffset; null when unset.</summary>
        public object? GetValue(DataConnection connection)
        {
            var value = _get(connection);
            return value is IList<string> list ? list.ToArray() : value;
        }

        /// <summary>Sets the value (null unsets it; a list is copied).</summary>
        public void SetValue(DataConnection connection, object? value) =>
            _set(connection, value is IEnumerable<string> list && !(value is string) ? new List<string>(list) : value);

        /// <summary>
        /// Sets a value a user gave (a cmdlet parameter): checked and normalized by <see cref="Normalize"/>; a resource id
        /// is parsed once into its typed identity (<see cref="IdentityOf"/>) and set in its canonical spelling. Null leaves
        /// the property as it is. Throws <see cref="KustoValidationException"/>.
        /// </summary>
        public void Assign(DataConnection connection, object? value)
        {
            if (connection == null)
            {
                throw new ArgumentNullException(nameof(connection));
            }

            if (value == null)
            {
                return;
            }

            if (_identity != null && value is string text && !IsUnset(text))
            {
                _set(connection, Identify(connection, text, Name).ResourceId);
                return;
            }

            SetValue(connection, Normalize(value, connection.Kind));
        }

        /// <summary>
        /// True when the two values mean the same: strings without regard to case (ids, formats and names are
        /// case-insensitive in ARM), lists as sets, dates as instants; null and "" and an empty list are all "unset".
        /// </summary>
        public bool AreEqual(object? a, object? b)
        {
            if (IsUnset(a) || IsUnset(b))
            {
                return IsUnset(a) && IsUnset(b);
            }

            switch (Type)
            {
                case DataConnectionPropertyType.StringList:
                    var left = new HashSet<string>((IEnumerable<string>)a!, StringComparer.OrdinalIgnoreCase);
                    return left.SetEquals((IEnumerable<string>)b!);
                case DataConnectionPropertyType.DateTime:
                    return ((DateTimeOffset)a!).UtcTicks == ((DateTimeOffset)b!).UtcTicks;
                case DataConnectionPropertyType.Boolean:
                    return (bool)a! == (bool)b!;
                default:
                    return string.Equals(((string)a!).Trim(), ((string)b!).Trim(), StringComparison.OrdinalIgnoreCase);
            }
        }

        /// <summary>
        /// The client-side rule for one value of this property on a data connection of <paramref name="kind"/>: resource
        /// ids parsed and returned in canonical casing, formats and enumerations in the service's spelling; "" (or an empty
        /// list) only where the property can be cleared. Null passes (unchanged). Throws <see cref="KustoValidationException"/>
        /// naming <see cref="Name"/>.
        /// </summary>
        public object? Normalize(object? value, string kind)
        {
            if (value == null)
            {
                return null;
            }

            if (IsUnset(value))
            {
                if (!Clearable)
                {
                    throw new KustoValidationException(
                        Required ? "Missing" + Name : "PropertyCannotBeCleared",
                        Required
                            ? "A " + kind + " data connection needs " + Name + "; it cannot be cleared."
                            : Name + " cannot be cleared; give a value or leave it out to keep the current one.",
                        Name);
                }

                return value;
            }

            if (value is string text)
            {
                return Apply(text, Name);
            }

            if (value is IEnumerable<string> names && Type == DataConnectionPropertyType.StringList)
            {
                foreach (var name in names)
                {
                    Apply(name, Name);
                }
            }

            return value;
        }

        /// <summary>
        /// Names for a list property with documented values (event system properties) in their documented spelling, blanks
        /// dropped; a name not in <see cref="CompletionValues"/> is kept as given and passed to <paramref name="warn"/> (the
        /// service's list grows, it decides).
        /// </summary>
        /// <param name="names">The names as given.</param>
        /// <param name="kind">The kind whose property this is (named in the warning).</param>
        /// <param name="warn">Receives one warning per unknown name.</param>
        /// <returns>The names to send.</returns>
        public List<string> CanonicalNames(IEnumerable<string> names, DataConnectionKindDescription kind, Action<string> warn)
        {
            if (names == null)
            {
                throw new ArgumentNullException(nameof(names));
            }

            if (kind == null)
            {
                throw new ArgumentNullException(nameof(kind));
            }

            if (warn == null)
            {
                throw new ArgumentNullException(nameof(warn));
            }

            var result = new List<string>();
            foreach (var name in names.Where(n => !string.IsNullOrWhiteSpace(n)))
            {
                var known = CompletionValues.FirstOrDefault(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
                if (known == null)
                {
                    warn($"'{name}' is not an {kind.DisplayName} event system property KustoConnect knows ({string.Join(", ", CompletionValues)}). It is sent as given; the service decides.");
                }

                result.Add(known ?? name);
            }

            return result;
        }

        /// <summary>
        /// The check before sending (<see cref="KustoRules.ValidateDefinition"/>): a value that is set (not null, not "")
        /// passes the rule, each item of a list too; an error names <see cref="ParameterName"/>. Throws
        /// <see cref="KustoValidationException"/>.
        /// </summary>
        public void Check(DataConnection connection)
        {
            if (connection == null)
            {
                throw new ArgumentNullException(nameof(connection));
            }

            if (ReadOnly)
            {
                return;
            }

            if (_identity != null)
            {
                if (_get(connection) is string id && id.Length > 0)
                {
                    Identify(connection, id, ParameterName);
                }

                return;
            }

            switch (_get(connection))
            {
                case string text when text.Length > 0:
                    Apply(text, ParameterName);
                    break;
                case IEnumerable<string> list:
                    foreach (var item in list)
                    {
                        Apply(item, ParameterName);
                    }

                    break;
            }
        }

        /// <summary>True for a resource id, which is parsed into a typed identity (<see cref="IdentityOf"/>).</summary>
        public bool IsResourceId => _identity != null;

        /// <summary>
        /// The typed identity of this resource id property on <paramref name="connection"/>, as parsed when the value was
        /// set or checked, while the value is still the text that was parsed (or its canonical spelling); null when the
        /// property is not a resource id, is unset, or was changed since.
        /// </summary>
        public ResourceIdentity? IdentityOf(DataConnection connection)
        {
            if (connection == null)
            {
                throw new ArgumentNullException(nameof(connection));
            }

            return _identity != null && _get(connection) is string text ? Known(connection, text) : null;
        }

        /// <summary>
        /// The typed identity of this resource id property on <paramref name="connection"/>: the one parsed already
        /// (<see cref="IdentityOf"/>), or parsed now and kept on the model. Throws <see cref="KustoValidationException"/>
        /// when the value is unset or not a valid id, and <see cref="InvalidOperationException"/> for a property that is
        /// not a resource id.
        /// </summary>
        public ResourceIdentity Identity(DataConnection connection)
        {
            if (connection == null)
            {
                throw new ArgumentNullException(nameof(connection));
            }

            if (_identity == null)
            {
                throw new InvalidOperationException(Name + " is not a resource id.");
            }

            return Identify(connection, (string?)_get(connection)!, Name);
        }

        /// <summary>
        /// Before sending: every set value in its canonical spelling (a resource id from its identity, parsed now only if it
        /// was not yet; formats and enumerations as the service spells them). A required resource id that is unset is
        /// refused by its parser. Lists are left as they are. Throws <see cref="KustoValidationException"/>.
        /// </summary>
        public void Canonicalize(DataConnection connection)
        {
            if (connection == null)
            {
                throw new ArgumentNullException(nameof(connection));
            }

            if (ReadOnly || Type != DataConnectionPropertyType.String)
            {
                return;
            }

            var text = (string?)_get(connection);
            if (_identity != null)
            {
                if (!string.IsNullOrEmpty(text) || Required)
                {
                    _set(connection, Identify(connection, text!, Name).ResourceId);
                }
            }
            else if (!string.IsNullOrEmpty(text) && _rule != null)
            {
                _set(connection, _rule(text!, Name));
            }
        }

        /// <summary>The identity of <paramref name="text"/>: the one already parsed from it (or to it), or parsed now and kept on the model.</summary>
        private ResourceIdentity Identify(DataConnection connection, string text, string parameterName)
        {
            var known = Known(connection, text);
            if (known != null)
            {
                return known;
            }

            var identity = _identity!(text, parameterName);
            connection.Identities[Name] = (text, identity);
            return identity;
        }

        /// <summary>The identity kept on the model for <paramref name="text"/> (the text it was parsed from, or its canonical id), or null.</summary>
        private ResourceIdentity? Known(DataConnection connection, string? text) =>
            text != null && connection.Identities.TryGetValue(Name, out var parsed)
                && (string.Equals(parsed.Text, text, StringComparison.Ordinal) || string.Equals(parsed.Identity.ResourceId, text, StringComparison.Ordinal))
                ? parsed.Identity
                : null;

        /// <summary>The value as a person reads it (lists comma-separated, dates ISO 8601 UTC); null when unset.</summary>
        public static string? Display(object? value)
        {
            switch (value)
            {
                case null:
                    return null;
                case string text:
                    return text;
                case IEnumerable<string> list:
                    return "[" + string.Join(", ", list) + "]";
                case DateTimeOffset date:
                    return date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
                case bool flag:
                    return flag ? "true" : "false";
                default:
                    return Convert.ToString(value, CultureInfo.InvariantCulture);
            }
        }

        /// <summary>True for null, "" and an empty list.</summary>
        public static bool IsUnset(object? value) =>
            value == null || (value is string text && text.Length == 0) || (value is IEnumerable<string> list && !(value is string) && !list.Any());

        /// <inheritdoc />
        public override string ToString() => Name;

        private string Apply(string text, string parameterName)
        {
            if (_rule != null)
            {
                return _rule(text, parameterName);
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                throw new KustoValidationException("Invalid" + Name, Name + " cannot be blank.", parameterName);
            }

            return text;
        }

        /// <summary>The optional parts of a property's description (see <see cref="DataConnectionKindDescription"/>).</summary>
        internal sealed class PropertyOptions
        {
            /// <summary>The cmdlet parameter, when it is not the property's name.</summary>
            public string? ParameterName { get; set; }

            /// <summary>A data connection of the kind cannot exist without it.</summary>
            public bool Required { get; set; }

            /// <summary>A partial update may clear it.</summary>
            public bool Clearable { get; set; }

            /// <summary>Only the service sets it.</summary>
            public bool ReadOnly { get; set; }

            /// <summary>What completion offers.</summary>
            public IEnumerable<string>? CompletionValues { get; set; }

            /// <summary>The completion values are the only ones the service takes.</summary>
            public bool Enumeration { get; set; }

            /// <summary>Other names of the cmdlets' parameter.</summary>
            public IEnumerable<string>? Aliases { get; set; }

            /// <summary>The value New- and Test- use when the parameter is not given.</summary>
            public string? DefaultValue { get; set; }

            /// <summary>(value, parameter name) to the canonical value, or a <see cref="KustoValidationException"/> naming the parameter.</summary>
            public Func<string, string, string>? Rule { get; set; }

            /// <summary>(value, parameter name) to the resource id's typed identity, for a resource id property.</summary>
            public Func<string, string, ResourceIdentity>? Identity { get; set; }
        }
    }

    /// <summary>
    /// The settable properties of each modelled kind (api-version 2024-04-13), from the kinds' descriptions
    /// (<see cref="DataConnectionKinds"/>): what the partial update, the definition file and the desired-state diff share.
    /// </summary>
    public static class DataConnectionProperties
    {
        /// <summary>The modelled kinds, in their service spelling.</summary>
        public static IReadOnlyList<string> Kinds { get; } = Array.AsReadOnly(DataConnectionKinds.All.Select(k => k.Kind).ToArray());

        /// <summary>The settable properties of <paramref name="kind"/> (case-insensitive); empty for a kind not modelled.</summary>
        public static IReadOnlyList<DataConnectionProperty> Of(string? kind) =>
            DataConnectionKinds.Find(kind)?.Settable ?? (IReadOnlyList<DataConnectionProperty>)Array.Empty<DataConnectionProperty>();

        /// <summary>The kind in its service spelling ("iothub" -> "IotHub"), or null when it is not a modelled kind.</summary>
        public static string? CanonicalKind(string? kind) => DataConnectionKinds.Find(kind)?.Kind;

        /// <summary>A new, empty model of <paramref name="kind"/> (every property null, lists included); null for a kind not modelled.</summary>
        public static DataConnection? NewModel(string? kind) => DataConnectionKinds.Find(kind)?.NewModel();
    }
}
