using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets one data connection by name, those matching a wildcard, or all of a database.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "KustoDataConnection", DefaultParameterSetName = ByNameSet)]
    [OutputType(typeof(KustoDataConnection))]
    public sealed class GetKustoDataConnectionCommand : KustoCmdlet
    {
        /// <summary>Parameter set: by resource group, cluster, database and optional name.</summary>
        public const string ByNameSet = "ByName";

        /// <summary>Parameter set: by resource id.</summary>
        public const string ByResourceIdSet = "ByResourceId";

        /// <summary>Parameter set: the data connections of database objects from Get-KustoDatabase.</summary>
        public const string ByDatabaseObjectSet = "ByDatabaseObject";

        /// <summary>The resource group of the cluster.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
        public string ResourceGroupName { get; set; } = null!;

        /// <summary>The cluster.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ClusterNameCompleter))]
        public string ClusterName { get; set; } = null!;

        /// <summary>The database.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DatabaseNameCompleter))]
        public string DatabaseName { get; set; } = null!;

        /// <summary>
        /// A database from Get-KustoDatabase (piped by value): the data connections of that database are written. Its
        /// subscription, resource group, cluster and name are used, nothing else of it.
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByDatabaseObjectSet)]
        [ValidateNotNull]
        public KustoDatabase Database { get; set; } = null!;

        /// <summary>The data connection's name; wildcards allowed. Omit it to list all of the database.</summary>
        [Parameter(Position = 0, ParameterSetName = ByNameSet)]
        [Parameter(Position = 0, ParameterSetName = ByDatabaseObjectSet)]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DataConnectionNameCompleter))]
        public string? Name { get; set; }

        /// <summary>Only data connections of these kinds: IotHub, EventHub, EventGrid, CosmosDb (wildcards allowed).</summary>
        [Parameter(ParameterSetName = ByNameSet)]
        [Parameter(ParameterSetName = ByDatabaseObjectSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DataConnectionKindCompleter))]
        public string[]? Kind { get; set; }

        /// <summary>The data connection's resource id.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByResourceIdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("Id")]
        public string ResourceId { get; set; } = null!;

        /// <summary>The subscriptions to look in, for this call only (one or several); defaults to the context's.</summary>
        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SubscriptionIdCompleter))]
        public string[]? SubscriptionId { get; set; }

        private WildcardPattern? _pattern;
        private IReadOnlyList<WildcardPattern>? _kinds;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            try
            {
                if (ParameterSetName == ByResourceIdSet)
                {
                    var target = DataConnectionRef.Parse(ResourceId);
                    WriteObject(KustoDataConnection.From(RunEngine((o, t) => session.DataConnections.GetAsync(target, t))));
                    return;
                }

                var databases = ParameterSetName == ByDatabaseObjectSet
                    ? new[]
                    {
                        DatabaseRef.Create(
                            string.IsNullOrEmpty(Database.SubscriptionId) ? ResolveSubscriptionId(session, null) : Database.SubscriptionId!,
                            Database.ResourceGroupName ?? string.Empty,
                            (Database.ClusterName ?? string.Empty).ToLowerInvariant(),
                            Database.Name ?? string.Empty),
                    }
                    : (SubscriptionId is { Length: > 0 } ? SubscriptionId.Distinct(StringComparer.OrdinalIgnoreCase).ToArray() : new[] { ResolveSubscriptionId(session, null) })
                        .Select(subscription => DatabaseRef.Create(subscription, ResourceGroupName, ClusterName, DatabaseName))
                        .ToArray();
                _pattern = NamePattern(Name, name => KustoRules.ValidateDataConnectionName(name));
                _kinds = KindPatterns();
                KustoArmException? notFound = null;
                var found = false;
                foreach (var database in databases)
                {
                    try
                    {
                        found |= WriteConnectionsOf(session, database);
                    }
                    catch (KustoArmException e) when (e.StatusCode == 404 && databases.Length > 1)
                    {
                        // Looked up in several subscriptions: not found is an error only when none has it.
                        notFound = e;
                    }
                    catch (KustoException e) when (databases.Length > 1)
                    {
                        WriteEngineError(e, database.SubscriptionId);
                    }
                }

                if (!found && notFound != null)
                {
                    throw notFound;
                }
            }
            catch (KustoException e)
            {
                WriteEngineError(e, Name ?? ResourceId);
            }
        }

        /// <summary>Writes the wanted connections of one database; true when the database (and a named connection) exists.</summary>
        private bool WriteConnectionsOf(KustoSession session, DatabaseRef database)
        {
            if (Name != null && _pattern == null)
            {
                var target = DataConnectionRef.Create(database, Name);
                var one = RunEngine((o, t) => session.DataConnections.GetAsync(target, t));
                if (IsWantedKind(one))
                {
                    WriteObject(KustoDataConnection.From(one));
                }

                return true;
            }

            foreach (var connection in RunEngine((o, t) => session.DataConnections.ListAsync(database, t)))
            {
                if ((_pattern == null || _pattern.IsMatch(connection.Name ?? string.Empty)) && IsWantedKind(connection))
                {
                    WriteObject(KustoDataConnection.From(connection));
                }
            }

            return true;
        }

        private bool IsWantedKind(DataConnection connection) =>
            _kinds == null || _kinds.Any(k => k.IsMatch(connection.Kind));

        /// <summary>
        /// -Kind as patterns, checked before anything is sent: each value must be (or, with wildcards, match) one of the
        /// kinds; 'Bogus' is an InvalidDataConnectionKind error, not an empty result.
        /// </summary>
        private List<WildcardPattern>? KindPatterns()
        {
            if (Kind == null)
            {
                return null;
            }

            var known = Enum.GetNames(typeof(DataConnectionKind));
            var patterns = new List<WildcardPattern>();
            foreach (var value in Kind)
            {
                WildcardPattern? pattern;
                try
                {
                    pattern = NamePattern(value, _ => { }, "Kind") ?? new WildcardPattern(value, WildcardOptions.IgnoreCase);
                }
                catch (KustoValidationException e) when (e.ErrorId == "InvalidWildcardPattern")
                {
                    pattern = null;
                }

                if (pattern == null || !known.Any(k => pattern.IsMatch(k)))
                {
                    throw new KustoValidationException(
                        "InvalidDataConnectionKind",
                        "The kind " + KustoRules.Show(value) + " is not a data connection kind" + (WildcardPattern.ContainsWildcardCharacters(value) ? " pattern that matches any kind" : string.Empty)
                        + ". Valid kinds: " + string.Join(", ", known) + ".",
                        "Kind");
                }

                patterns.Add(pattern);
            }

            return patterns;
        }
    }
}
