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
    /// (<see cref="DataConnectionProperty.CompletionValues"/>), the property being the parameter's: the values of the
    /// connection's kind (by the command, -Kind, the parameter set, or the named connection), or of every kind that has
    /// the property when the kind cannot be told; for a list, leaving out the values already given.
    /// </summary>
    public sealed class DataConnectionPropertyCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var kind = DataConnectionKinds.Find(CompletionContext.KindOf(commandName, fakeBoundParameters, allowLookup: true));
            // Every kind's values when the kind cannot be told: the longest list first (all data formats in their order).
            var properties = (kind != null ? new[] { kind } : DataConnectionKinds.All)
                .Select(k => k.Find(parameterName))
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

    /// <summary>Completes data connection kinds.</summary>
    public sealed class DataConnectionKindCompleter : ListCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Values => Enum.GetNames(typeof(DataConnectionKind));
    }
}
