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
    /// <summary>
    /// Completes names read from ARM with the runspace's signed-in session. Silent (no completions) when there is no
    /// session, when the other parameters it needs are missing, on any error, and when ARM does not answer within
    /// <see cref="Timeout"/>. Never signs in: a completion must not prompt or wait for a sign-in.
    /// </summary>
    public abstract class ArmCompleter : IArgumentCompleter
    {
        /// <summary>How long a completion may wait for ARM.</summary>
        public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var session = SessionStore.Current;
            if (session == null)
            {
                return Array.Empty<CompletionResult>();
            }

            var bound = fakeBoundParameters ?? new Hashtable();
            var subscription = CompletionContext.First(bound, "SubscriptionId") ?? session.SubscriptionId;
            if (string.IsNullOrEmpty(subscription) && NeedsSubscription)
            {
                return Array.Empty<CompletionResult>();
            }

            IReadOnlyList<string> names;
            try
            {
                names = Load(session, subscription ?? string.Empty, bound);
            }
            catch (Exception e) when (e is KustoException || e is OperationCanceledException || e is AggregateException || e is ArgumentException)
            {
                return Array.Empty<CompletionResult>();
            }

            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return names
                .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                .Select(n => new CompletionResult(ListCompleter.Quote(n), n, CompletionResultType.ParameterValue, n))
                .ToList();
        }

        /// <summary>False when the candidates do not depend on a subscription (the subscriptions themselves).</summary>
        protected virtual bool NeedsSubscription => true;

        /// <summary>Reads the candidate names; throws on anything missing (the completion is then empty).</summary>
        protected abstract Task<IReadOnlyList<string>> LoadAsync(KustoSession session, string subscriptionId, IDictionary bound, CancellationToken cancellationToken);

        /// <summary>A string value the user already typed for another parameter (by name or alias), or null.</summary>
        protected static string? Text(IDictionary bound, params string[] names)
        {
            foreach (var name in names)
            {
                if (bound.Contains(name) && bound[name] is object value)
                {
                    var text = (value is PSObject wrapped ? wrapped.BaseObject : value) as string;
                    if (!string.IsNullOrWhiteSpace(text))
                    {
                        return text!.Trim();
                    }
                }
            }

            return null;
        }

        /// <summary>Like <see cref="Text"/>, but throws when the value is missing (the completion is then empty).</summary>
        protected static string Required(IDictionary bound, params string[] names) =>
            Text(bound, names) ?? throw new ArgumentException("-" + names[0] + " is needed first.");

        private IReadOnlyList<string> Load(KustoSession session, string subscriptionId, IDictionary bound)
        {
            using var cancellation = new CancellationTokenSource(Timeout);

            // Off the pipeline thread, so that the wait below is bounded even if a call ignores its token.
            var task = Task.Run(() => LoadAsync(session, subscriptionId, bound, cancellation.Token), cancellation.Token);
            if (!task.Wait(Timeout))
            {
                cancellation.Cancel();
                _ = task.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                return Array.Empty<string>();
            }

            return task.GetAwaiter().GetResult();
        }
    }

    /// <summary>Completes -ResourceGroupName with the resource groups of the subscription.</summary>
    public sealed class ResourceGroupNameCompleter : ArmCompleter
    {
        /// <inheritdoc />
        protected override Task<IReadOnlyList<string>> LoadAsync(KustoSession session, string subscriptionId, IDictionary bound, CancellationToken cancellationToken) =>
            session.Resources.ListResourceGroupNamesAsync(subscriptionId, cancellationToken);
    }

    /// <summary>Completes -ClusterName with the clusters of the -ResourceGroupName already typed.</summary>
    public sealed class ClusterNameCompleter : ArmCompleter
    {
        /// <inheritdoc />
        protected override async Task<IReadOnlyList<string>> LoadAsync(KustoSession session, string subscriptionId, IDictionary bound, CancellationToken cancellationToken)
        {
            var clusters = await session.Clusters.ListClustersAsync(subscriptionId, Required(bound, "ResourceGroupName"), cancellationToken).ConfigureAwait(false);
            return clusters.Select(c => c.Name ?? string.Empty).Where(n => n.Length > 0).ToList();
        }
    }

    /// <summary>Completes -DatabaseName with the databases of the -ResourceGroupName and -ClusterName already typed.</summary>
    public sealed class DatabaseNameCompleter : ArmCompleter
    {
        /// <inheritdoc />
        protected override async Task<IReadOnlyList<string>> LoadAsync(KustoSession session, string subscriptionId, IDictionary bound, CancellationToken cancellationToken)
        {
            var cluster = ClusterRef.Create(subscriptionId, Required(bound, "ResourceGroupName"), Required(bound, "ClusterName"));
            var databases = await session.Clusters.ListDatabasesAsync(cluster, cancellationToken).ConfigureAwait(false);
            return databases.Select(d => d.Name ?? string.Empty).Where(n => n.Length > 0).ToList();
        }
    }

    /// <summary>Completes the -Name of a data connection with those of the database already named (only of the -Kind given, if any).</summary>
    public sealed class DataConnectionNameCompleter : ArmCompleter
    {
        /// <inheritdoc />
        protected override async Task<IReadOnlyList<string>> LoadAsync(KustoSession session, string subscriptionId, IDictionary bound, CancellationToken cancellationToken)
        {
            var database = DatabaseRef.Create(subscriptionId, Required(bound, "ResourceGroupName"), Required(bound, "ClusterName"), Required(bound, "DatabaseName"));
            var kinds = CompletionContext.Strings(bound, "Kind").Select(k => new WildcardPattern(k, WildcardOptions.IgnoreCase)).ToList();
            var connections = await session.DataConnections.ListAsync(database, cancellationToken).ConfigureAwait(false);
            return connections
                .Where(c => kinds.Count == 0 || kinds.Any(k => k.IsMatch(c.Kind)))
                .Select(c => c.Name ?? string.Empty)
                .Where(n => n.Length > 0)
                .ToList();
        }
    }

    /// <summary>Completes -SubscriptionId with the subscriptions the signed-in account can see.</summary>
    public sealed class SubscriptionIdCompleter : ArmCompleter
    {
        /// <inheritdoc />
        protected override bool NeedsSubscription => false;

        /// <inheritdoc />
        protected override async Task<IReadOnlyList<string>> LoadAsync(KustoSession session, string subscriptionId, IDictionary bound, CancellationToken cancellationToken)
        {
            var subscriptions = await session.Resources.ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false);
            return subscriptions.Select(s => s.Key).ToList();
        }
    }
}
