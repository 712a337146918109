using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>What a completion can tell from the command line typed so far: the data connection's kind and the values already given.</summary>
    internal static class CompletionContext
    {
        private static readonly Dictionary<string, string> KindOfCommand = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["New-KustoIotHubConnection"] = "IotHub",
            ["New-KustoEventHubConnection"] = "EventHub",
            ["New-KustoEventGridConnection"] = "EventGrid",
            ["New-KustoCosmosDbConnection"] = "CosmosDb",
        };

        /// <summary>
        /// The kind: -Kind when given (one kind, no wildcard), else the New- command's, else Test-KustoDataConnection's set (by
        /// its resource id parameter), else, with <paramref name="allowLookup"/>, the kind of the connection the line names
        /// (one GET with the session, bounded by <see cref="ArmCompleter.Timeout"/>); null when it cannot be told.
        /// </summary>
        internal static string? KindOf(string commandName, IDictionary? bound, bool allowLookup)
        {
            bound ??= new Hashtable();
            var given = Strings(bound, "Kind");
            if (given.Count == 1 && !WildcardPattern.ContainsWildcardCharacters(given[0]))
            {
                return DataConnectionProperties.CanonicalKind(given[0]);
            }

            if (KindOfCommand.TryGetValue(commandName ?? string.Empty, out var kind))
            {
                return kind;
            }

            if (string.Equals(commandName, "Test-KustoDataConnection", StringComparison.OrdinalIgnoreCase))
            {
                return bound.Contains("IotHubResourceId") ? "IotHub"
                    : bound.Contains("CosmosDbAccountResourceId") ? "CosmosDb"
                    : bound.Contains("StorageAccountResourceId") ? "EventGrid"
                    : bound.Contains("EventHubResourceId") ? "EventHub"
                    : null;
            }

            return allowLookup && string.Equals(commandName, "Update-KustoDataConnection", StringComparison.OrdinalIgnoreCase) ? LookUpKind(bound) : null;
        }

        /// <summary>The values not given yet for <paramref name="parameterName"/> (bound, or typed earlier in the same list).</summary>
        internal static IEnumerable<string> WithoutGiven(IEnumerable<string> values, string parameterName, string wordToComplete, CommandAst? commandAst, IDictionary? bound)
        {
            var given = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var value in Strings(bound ?? new Hashtable(), parameterName))
            {
                given.Add(value);
            }

            if (commandAst != null)
            {
                var elements = commandAst.CommandElements;
                for (var i = 0; i < elements.Count - 1; i++)
                {
                    if (elements[i] is CommandParameterAst parameter
                        && (string.Equals(parameter.ParameterName, parameterName, StringComparison.OrdinalIgnoreCase)
                            || string.Equals(parameter.ParameterName, parameterName + "s", StringComparison.OrdinalIgnoreCase)))
                    {
                        var argument = parameter.Argument ?? elements[i + 1];
                        foreach (var constant in argument.FindAll(a => a is StringConstantExpressionAst, true).Cast<StringConstantExpressionAst>())
                        {
                            given.Add(constant.Value);
                        }
                    }
                }
            }

            var typing = (wordToComplete ?? string.Empty).Trim('\'', '"');
            given.Remove(typing);
            return values.Where(v => !given.Contains(v));
        }

        /// <summary>The values that start with what is typed, as completion results.</summary>
        internal static IEnumerable<CompletionResult> Matching(IEnumerable<string> values, string wordToComplete)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return values
                .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(v => new CompletionResult(ListCompleter.Quote(v), v, CompletionResultType.ParameterValue, v))
                .ToList();
        }

        /// <summary>A bound value as strings (a string, or an array of them); empty when absent.</summary>
        /// <summary>The first string value of a bound parameter, or null.</summary>
        internal static string? First(IDictionary bound, string name)
        {
            var values = Strings(bound, name);
            return values.Count > 0 ? values[0] : null;
        }

        internal static IReadOnlyList<string> Strings(IDictionary bound, string name)
        {
            if (!bound.Contains(name) || bound[name] is null)
            {
                return Array.Empty<string>();
            }

            var value = bound[name] is PSObject wrapped ? wrapped.BaseObject : bound[name];
            IEnumerable<object?> items = value is IEnumerable list && !(value is string) ? list.Cast<object?>() : new[] { value };
            return items
                .Select(i => (i is PSObject p ? p.BaseObject : i) as string)
                .Where(t => !string.IsNullOrWhiteSpace(t))
                .Select(t => t!.Trim())
                .ToList();
        }

        /// <summary>The kind of the connection named by -ResourceId or -ResourceGroupName/-ClusterName/-DatabaseName/-Name.</summary>
        private static string? LookUpKind(IDictionary bound)
        {
            var session = SessionStore.Current;
            if (session == null)
            {
                return null;
            }

            DataConnectionRef target;
            try
            {
                var resourceId = First(bound, "ResourceId") ?? First(bound, "Id");
                if (resourceId != null)
                {
                    target = DataConnectionRef.Parse(resourceId);
                }
                else
                {
                    string Need(string name) => First(bound, name) ?? throw new ArgumentException("-" + name + " is needed.");
                    var subscription = First(bound, "SubscriptionId") ?? session.SubscriptionId ?? throw new ArgumentException("No subscription.");
                    target = DataConnectionRef.Create(DatabaseRef.Create(subscription, Need("ResourceGroupName"), Need("ClusterName"), Need("DatabaseName")), Need("Name"));
                }
            }
            catch (Exception e) when (e is KustoException || e is ArgumentException)
            {
                return null;
            }

            using var cancellation = new CancellationTokenSource(ArmCompleter.Timeout);
            var task = Task.Run(() => session.DataConnections.GetAsync(target, cancellation.Token), cancellation.Token);
            try
            {
                if (!task.Wait(ArmCompleter.Timeout))
                {
                    cancellation.Cancel();
                    _ = task.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    return null;
                }

                return task.GetAwaiter().GetResult().Kind;
            }
            catch (Exception e) when (e is KustoException || e is OperationCanceledException || e is AggregateException)
            {
                return null;
            }
        }
    }
}
