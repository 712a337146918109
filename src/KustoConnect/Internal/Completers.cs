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

    /// <summary>Completes data formats.</summary>
    public sealed class DataFormatCompleter : ListCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Values => KustoRules.DataFormats;
    }

    /// <summary>Completes IoT Hub event system properties.</summary>
    public sealed class IotHubEventSystemPropertyCompleter : ListCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Values => KustoRules.IotHubEventSystemProperties;
    }

    /// <summary>Completes Event Hub event system properties.</summary>
    public sealed class EventHubEventSystemPropertyCompleter : ListCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Values => KustoRules.EventHubEventSystemProperties;
    }

    /// <summary>
    /// Completes the event system properties of both IoT Hub and Event Hub (for Update-KustoDataConnection, where the
    /// connection's kind is known only to ARM).
    /// </summary>
    public sealed class EventSystemPropertyCompleter : ListCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Values =>
            KustoRules.IotHubEventSystemProperties.Concat(KustoRules.EventHubEventSystemProperties).Distinct(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Completes data connection kinds.</summary>
    public sealed class DataConnectionKindCompleter : ListCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Values => Enum.GetNames(typeof(DataConnectionKind));
    }
}
