using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>
    /// Builds data connection models from cmdlet parameters by the kind's description in the engine
    /// (<see cref="DataConnectionKindDescription"/>): every settable property of the kind is read from the cmdlet's
    /// parameter of the same name (<see cref="DataConnectionProperty.ParameterName"/>), so New-Kusto*Connection and
    /// Test-KustoDataConnection send the same body for the same parameters and no cmdlet lists the kind's properties.
    /// </summary>
    internal static class DataConnectionModelBuilder
    {
        /// <summary>
        /// A model of <paramref name="kind"/> (without location) from the parameters of <paramref name="cmdlet"/>: each
        /// property whose parameter was passed, or has a default (e.g. -ConsumerGroup $Default; never a switch that was not
        /// passed), checked and normalized by the engine's rule (throws <see cref="KustoValidationException"/>); an IoT hub
        /// id is parsed once into its identity. Each event system property name KustoConnect does not know is passed to
        /// <paramref name="warn"/>.
        /// </summary>
        internal static DataConnection Build(DataConnectionKindDescription kind, PSCmdlet cmdlet, Action<string> warn) =>
            Build(kind, cmdlet, cmdlet.MyInvocation.BoundParameters.Keys, warn);

        /// <summary>
        /// The same from any object whose properties are the parameters (<paramref name="bound"/>: the names of those that
        /// were passed, case-insensitive).
        /// </summary>
        internal static DataConnection Build(DataConnectionKindDescription kind, object parameters, ICollection<string> bound, Action<string> warn)
        {
            var passed = new HashSet<string>(bound, StringComparer.OrdinalIgnoreCase);
            var model = kind.NewModel();
            foreach (var property in kind.Settable)
            {
                var parameter = parameters.GetType().GetProperty(property.ParameterName);
                if (parameter == null)
                {
                    continue;
                }

                var value = parameter.GetValue(parameters);
                if (!passed.Contains(property.ParameterName) && (value == null || value is SwitchParameter))
                {
                    continue;
                }

                property.Assign(model, FromParameter(property, value, kind, warn));
            }

            foreach (var list in kind.Settable.Where(p => p.Type == DataConnectionPropertyType.StringList && p.GetValue(model) == null))
            {
                list.SetValue(model, Array.Empty<string>());
            }

            return model;
        }

        /// <summary>
        /// A parameter's value as the property holds it: a switch as a bool, a date as the instant it means, a list copied
        /// (for event system properties, in their documented spelling, unknown names kept and passed to <paramref name="warn"/>).
        /// </summary>
        internal static object? FromParameter(DataConnectionProperty property, object? value, DataConnectionKindDescription kind, Action<string> warn)
        {
            switch (value)
            {
                case SwitchParameter flag:
                    return flag.IsPresent;
                case DateTime date:
                    return ToInstant(date);
                case string[] names:
                    return property.CompletionValues.Count > 0 ? property.CanonicalNames(names, kind, warn) : names.ToList();
                default:
                    return value;
            }
        }

        /// <summary>A date the user typed (local or UTC) as the instant it means.</summary>
        internal static DateTimeOffset? ToInstant(DateTime? value) =>
            value.HasValue ? new DateTimeOffset(value.Value.ToUniversalTime()) : (DateTimeOffset?)null;
    }
}
