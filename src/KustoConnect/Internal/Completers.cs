using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>Completes from a fixed list, case-insensitively, by prefix.</summary>
    public abstract class ListCompleter : IArgumentCompleter
    {
        /// <summary>The candidate values.</summary>
        protected abstract IEnumerable<string> Values { get; }

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return Values
                .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(v => new CompletionResult(Quote(v), v, CompletionResultType.ParameterValue, v))
                .ToList();
        }

        private static readonly char[] QuotedCharacters = { ' ', '$', '\'', '`', ';', '#' };

        /// <summary>The value as typed on a command line: single-quoted when it holds a space, '$' or a quote.</summary>
        internal static string Quote(string value) => value.IndexOfAny(QuotedCharacters) >= 0 ? "'" + value.Replace("'", "''") + "'" : value;
    }

    /// <summary>
    /// Completes a data connection property's values from the kinds' descriptions in the engine
    /// (<see cref="DataConnectionProperty.CompletionValues"/>): the values of the connection's kind (by the command, -Kind,
    /// the parameter set, or the named connection), or of every kind that has the property when the kind cannot be told;
    /// for a list, leaving out the values already given.
    /// </summary>
    public abstract class PropertyValueCompleter : IArgumentCompleter
    {
        /// <summary>The property's name in the kinds' descriptions, e.g. "DataFormat".</summary>
        protected abstract string PropertyName { get; }

        /// <summary>The kind to complete for whatever the command line says; null to tell it from the command line.</summary>
        protected virtual string? FixedKind => null;

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var kind = DataConnectionKinds.Find(FixedKind ?? CompletionContext.KindOf(commandName, fakeBoundParameters, allowLookup: true));
            // Every kind's values when the kind cannot be told: the longest list first (all data formats in their order).
            var properties = (kind != null ? new[] { kind } : DataConnectionKinds.All)
                .Select(k => k.Find(PropertyName))
                .Where(p => p != null)
                .OrderByDescending(p => p!.CompletionValues.Count)
                .ToList();
            var values = properties.SelectMany(p => p!.CompletionValues).Distinct(StringComparer.OrdinalIgnoreCase);
            if (properties.Any(p => p!.Type == DataConnectionPropertyType.StringList))
            {
                values = CompletionContext.WithoutGiven(values, parameterName, wordToComplete, commandAst, fakeBoundParameters);
            }

            return CompletionContext.Matching(values, wordToComplete);
        }
    }

    /// <summary>Completes data formats; for an IoT Hub connection (by the command, -Kind, the set, or the named connection) without RAW.</summary>
    public sealed class DataFormatCompleter : PropertyValueCompleter
    {
        /// <inheritdoc />
        protected override string PropertyName => "DataFormat";
    }

    /// <summary>Completes IoT Hub event system properties, leaving out those already given.</summary>
    public sealed class IotHubEventSystemPropertyCompleter : PropertyValueCompleter
    {
        /// <inheritdoc />
        protected override string PropertyName => "EventSystemProperties";

        /// <inheritdoc />
        protected override string? FixedKind => IotHubDataConnection.Description.Kind;
    }

    /// <summary>Completes Event Hub event system properties, leaving out those already given.</summary>
    public sealed class EventHubEventSystemPropertyCompleter : PropertyValueCompleter
    {
        /// <inheritdoc />
        protected override string PropertyName => "EventSystemProperties";

        /// <inheritdoc />
        protected override string? FixedKind => EventHubDataConnection.Description.Kind;
    }

    /// <summary>
    /// Completes the event system properties of the connection's kind (Update-KustoDataConnection: from -Kind or the named
    /// connection, read from ARM; Test-KustoDataConnection: from its parameter set), both kinds' when it cannot be told,
    /// leaving out the values already given.
    /// </summary>
    public sealed class EventSystemPropertyCompleter : PropertyValueCompleter
    {
        /// <inheritdoc />
        protected override string PropertyName => "EventSystemProperties";
    }

    /// <summary>Completes data connection kinds.</summary>
    public sealed class DataConnectionKindCompleter : ListCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Values => Enum.GetNames(typeof(DataConnectionKind));
    }
}
