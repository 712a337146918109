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

        /// <summary>The value as typed on a command line: single-quoted when it holds a space, '$' or a quote.</summary>
        internal static string Quote(string value) => value.IndexOfAny(new[] { ' ', '$', '\'', '`', ';', '#' }) >= 0 ? "'" + value.Replace("'", "''") + "'" : value;
    }

    /// <summary>Completes data formats; for an IoT Hub connection (by the command, -Kind, the set, or the named connection) without RAW.</summary>
    public sealed class DataFormatCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var kind = CompletionContext.KindOf(commandName, fakeBoundParameters, allowLookup: true);
            var values = kind == "IotHub" ? KustoRules.DataFormats.Where(f => f != "RAW") : KustoRules.DataFormats;
            return CompletionContext.Matching(values, wordToComplete);
        }
    }

    /// <summary>Completes IoT Hub event system properties, leaving out those already given.</summary>
    public sealed class IotHubEventSystemPropertyCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionContext.Matching(CompletionContext.WithoutGiven(KustoRules.IotHubEventSystemProperties, parameterName, wordToComplete, commandAst, fakeBoundParameters), wordToComplete);
    }

    /// <summary>Completes Event Hub event system properties, leaving out those already given.</summary>
    public sealed class EventHubEventSystemPropertyCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionContext.Matching(CompletionContext.WithoutGiven(KustoRules.EventHubEventSystemProperties, parameterName, wordToComplete, commandAst, fakeBoundParameters), wordToComplete);
    }

    /// <summary>
    /// Completes the event system properties of the connection's kind (Update-KustoDataConnection: from -Kind or the named
    /// connection, read from ARM; Test-KustoDataConnection: from its parameter set), both kinds' when it cannot be told,
    /// leaving out the values already given.
    /// </summary>
    public sealed class EventSystemPropertyCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var kind = CompletionContext.KindOf(commandName, fakeBoundParameters, allowLookup: true);
            IEnumerable<string> values = kind switch
            {
                "IotHub" => KustoRules.IotHubEventSystemProperties,
                "EventHub" => KustoRules.EventHubEventSystemProperties,
                _ => KustoRules.IotHubEventSystemProperties.Concat(KustoRules.EventHubEventSystemProperties).Distinct(StringComparer.OrdinalIgnoreCase),
            };
            return CompletionContext.Matching(CompletionContext.WithoutGiven(values, parameterName, wordToComplete, commandAst, fakeBoundParameters), wordToComplete);
        }
    }

    /// <summary>Completes data connection kinds.</summary>
    public sealed class DataConnectionKindCompleter : ListCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Values => Enum.GetNames(typeof(DataConnectionKind));
    }
}
