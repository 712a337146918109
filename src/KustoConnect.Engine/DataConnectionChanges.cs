using System;
using System.Collections.Generic;
using System.Linq;

namespace KustoConnect.Engine
{
    /// <summary>
    /// The properties one partial update changes, by their parameter names (<see cref="DataConnectionProperty.ParameterName"/>),
    /// before or after the connection's kind is known: what <see cref="IDataConnectionOperations.UpdateAsync(DataConnectionRef, DataConnectionChanges, UpdateOptions, IOperationObserver, System.Threading.CancellationToken)"/>
    /// sends. A value is a string, a list of strings, a bool or an instant (<see cref="DateTimeOffset"/>); "" and an empty
    /// list clear a clearable property. The values are copied when set, so the changes never see later edits of the caller's.
    /// </summary>
    public sealed class DataConnectionChanges
    {
        private readonly Dictionary<string, object?> _values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _order = new List<string>();

        /// <summary>The resource ids <see cref="Check"/> parsed, by parameter name (each with the text it came from), for <see cref="Build"/> to reuse.</summary>
        private readonly Dictionary<string, (string Text, ResourceIdentity Identity)> _identities =
            new Dictionary<string, (string Text, ResourceIdentity Identity)>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Changes for a connection of <paramref name="kind"/>, or of a kind to learn from the connection (null).</summary>
        /// <param name="kind">IotHub, EventHub, EventGrid, CosmosDb (any casing), or null.</param>
        public DataConnectionChanges(string? kind = null)
        {
            Kind = DataConnectionProperties.CanonicalKind(kind) ?? (string.IsNullOrEmpty(kind) ? null : kind);
        }

        /// <summary>
        /// The parameter name of every property some kind lets an update change, in the kinds' order: the change
        /// parameters of Update-KustoDataConnection.
        /// </summary>
        public static IReadOnlyList<string> ParameterNames { get; } = Array.AsReadOnly(
            DataConnectionKinds.All.SelectMany(k => k.Settable).Where(p => p.Updatable).Select(p => p.ParameterName).Distinct(StringComparer.OrdinalIgnoreCase).ToArray());

        /// <summary>The connection's kind in its canonical spelling when known (a kind this version does not know, as given); null to read it first.</summary>
        public string? Kind { get; }

        /// <summary>The parameter names set, in the order they were set.</summary>
        public IReadOnlyList<string> Names => _order.AsReadOnly();

        /// <summary>Sets the value of one change parameter (one of <see cref="ParameterNames"/>).</summary>
        /// <param name="parameterName">The property's parameter name, e.g. "DataFormat".</param>
        /// <param name="value">A string, strings, a bool or an instant; "" or an empty list to clear.</param>
        public void Set(string parameterName, object? value)
        {
            var name = ParameterNames.FirstOrDefault(p => string.Equals(p, parameterName, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException("'" + parameterName + "' is not a property an update can change.", nameof(parameterName));
            if (!_values.ContainsKey(name))
            {
                _order.Add(name);
            }

            _values[name] = value switch
            {
                string text => text,
                IEnumerable<string> list => list.ToArray(),
                DateTime date => new DateTimeOffset(date.ToUniversalTime()),
                _ => value,
            };
        }

        /// <summary>
        /// The checks before anything is sent (throws <see cref="KustoValidationException"/>): at least one change
        /// (NothingToUpdate); each value by the rule of its property (before the kind is known: accepted when one kind that
        /// has the property accepts it); with a known kind, that the kind is one this version updates
        /// (DataConnectionKindNotSupported) and has every property passed (ParameterNotValidForKind), and the whole change's
        /// rules. The update itself runs them again once the kind is known.
        /// </summary>
        public void Check()
        {
            if (_order.Count == 0)
            {
                throw new KustoValidationException(
                    "NothingToUpdate",
                    "Pass at least one property to change, e.g. -DataFormat or -TableName. Properties you do not pass stay as they are.",
                    "InputObject");
            }

            CheckValues();
            if (Kind != null)
            {
                Build(Kind, _ => { });
            }
        }

        /// <summary>
        /// A model of <paramref name="kind"/> with only the changed properties set (lists in their documented spelling, an
        /// unknown name kept and passed to <paramref name="warn"/>), after the kind checks; the engine's rules run on it
        /// before the PATCH.
        /// </summary>
        internal DataConnection Build(string kind, Action<string> warn)
        {
            var description = DataConnectionKinds.Find(kind)
                ?? throw new KustoValidationException("DataConnectionKindNotSupported", $"Data connections of kind '{kind}' cannot be updated by this version of KustoConnect.", "Kind");
            var applicable = description.Settable.Where(p => p.Updatable).Select(p => p.ParameterName).ToList();
            var wrong = _order.Where(p => !applicable.Contains(p, StringComparer.OrdinalIgnoreCase)).ToList();
            if (wrong.Count > 0)
            {
                throw new KustoValidationException(
                    "ParameterNotValidForKind",
                    $"{string.Join(", ", wrong.Select(p => "-" + p))} {(wrong.Count == 1 ? "does" : "do")} not apply to {description.Kind} data connections. "
                    + $"A {description.Kind} data connection accepts: {string.Join(", ", applicable.Select(p => "-" + p))}.",
                    wrong[0]);
            }

            var model = description.NewModel();
            foreach (var property in description.Settable.Where(p => p.Updatable))
            {
                if (_values.TryGetValue(property.ParameterName, out var value))
                {
                    if (_identities.TryGetValue(property.ParameterName, out var parsed))
                    {
                        model.Identities[property.Name] = parsed;
                    }

                    // Checked and normalized by the property's rule; a resource id as the identity Check parsed.
                    property.Assign(model, Canonical(property, value, description, warn));
                }
            }

            return model;
        }

        private void CheckValues()
        {
            foreach (var name in _order)
            {
                KustoValidationException? refusal = null;
                foreach (var kind in DataConnectionKinds.All)
                {
                    var property = kind.Settable.FirstOrDefault(p => p.ParameterName == name);
                    if (property == null)
                    {
                        continue;
                    }

                    try
                    {
                        var model = kind.NewModel();
                        property.SetValue(model, Canonical(property, _values[name], kind, _ => { }));
                        property.Check(model);
                        if (property.IdentityOf(model) != null)
                        {
                            _identities[name] = model.Identities[property.Name];
                        }

                        refusal = null;
                        break;
                    }
                    catch (KustoValidationException e)
                    {
                        refusal ??= e;
                    }
                }

                if (refusal != null)
                {
                    throw refusal;
                }
            }
        }

        private static object? Canonical(DataConnectionProperty property, object? value, DataConnectionKindDescription kind, Action<string> warn) =>
            value is string[] names && property.CompletionValues.Count > 0 ? property.CanonicalNames(names, kind, warn) : value is string[] list ? list.ToList() : value;
    }

    /// <summary>
    /// What the workflows that start a long-running operation (create, update, delete) share: whether to wait for it,
    /// and for how long.
    /// </summary>
    public abstract class WaitOptions
    {
        /// <summary>Wait for the long-running operation (the default); false returns once ARM accepted the request (-NoWait).</summary>
        public bool Wait { get; set; } = true;

        /// <summary>The budget of the wait; zero (the default) for the observer's (-Timeout), else 60 minutes.</summary>
        public TimeSpan WaitTimeout { get; set; }
    }

    /// <summary>How <see cref="IDataConnectionOperations.UpdateAsync(DataConnectionRef, DataConnectionChanges, UpdateOptions, IOperationObserver, System.Threading.CancellationToken)"/> updates.</summary>
    public sealed class UpdateOptions : WaitOptions
    {
    }

    /// <summary>How <see cref="IDataConnectionOperations.DeleteAsync(DataConnectionRef, DeleteOptions, IOperationObserver, System.Threading.CancellationToken)"/> deletes.</summary>
    public sealed class DeleteOptions : WaitOptions
    {
        /// <summary>
        /// Read the connection first (the default), so that a missing one is an error (ObjectNotFound, as Az says it; the
        /// DELETE itself would answer 204) and the result holds the connection as it was. False sends only the DELETE.
        /// </summary>
        public bool RequireExisting { get; set; } = true;
    }

    /// <summary>
    /// The outcome of a create, update or delete workflow: the data connection, and the started operation when it was not
    /// waited for.
    /// </summary>
    public sealed class DataConnectionResult
    {
        internal DataConnectionResult(DataConnection? connection, StartedOperation? operation)
        {
            Connection = connection;
            Operation = operation;
        }

        /// <summary>
        /// After a create or update that was waited for, the data connection as ARM stores it (otherwise null); after a
        /// delete, the connection as it was read before the DELETE (null with <see cref="DeleteOptions.RequireExisting"/> false).
        /// </summary>
        public DataConnection? Connection { get; }

        /// <summary>The accepted operation, to wait for later (only with <see cref="WaitOptions.Wait"/> false).</summary>
        public StartedOperation? Operation { get; }
    }
}
