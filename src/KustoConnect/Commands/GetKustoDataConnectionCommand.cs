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

        /// <summary>The data connection's name; wildcards allowed. Omit it to list all of the database.</summary>
        [Parameter(Position = 0, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [Alias("DataConnectionName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DataConnectionNameCompleter))]
        public string? Name { get; set; }

        /// <summary>Only data connections of these kinds: IotHub, EventHub, EventGrid, CosmosDb (wildcards allowed).</summary>
        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DataConnectionKindCompleter))]
        public string[]? Kind { get; set; }

        /// <summary>The data connection's resource id.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByResourceIdSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("Id")]
        public string ResourceId { get; set; } = null!;

        /// <summary>The subscription of the cluster, for this call only; defaults to the context's.</summary>
        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

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

                var database = DatabaseRef.Create(ResolveSubscriptionId(session, SubscriptionId), ResourceGroupName, ClusterName, DatabaseName);
                var pattern = NamePattern(Name, name => KustoRules.ValidateDataConnectionName(name));
                var kinds = KindPatterns();
                if (Name != null && pattern == null)
                {
                    var target = DataConnectionRef.Create(database, Name);
                    var found = RunEngine((o, t) => session.DataConnections.GetAsync(target, t));
                    if (IsWantedKind(found, kinds))
                    {
                        WriteObject(KustoDataConnection.From(found));
                    }

                    return;
                }

                foreach (var connection in RunEngine((o, t) => session.DataConnections.ListAsync(database, t)))
                {
                    if ((pattern == null || pattern.IsMatch(connection.Name ?? string.Empty)) && IsWantedKind(connection, kinds))
                    {
                        WriteObject(KustoDataConnection.From(connection));
                    }
                }
            }
            catch (KustoException e)
            {
                WriteEngineError(e, Name ?? ResourceId);
            }
        }

        private static bool IsWantedKind(DataConnection connection, IReadOnlyList<WildcardPattern>? kinds) =>
            kinds == null || kinds.Any(k => k.IsMatch(connection.Kind));

        /// <summary>
        /// -Kind as patterns, checked before anything is sent: each value must be (or, with wildcards, match) one of the
        /// kinds; 'Bogus' is an InvalidDataConnectionKind error, not an empty result.
        /// </summary>
        private IReadOnlyList<WildcardPattern>? KindPatterns()
        {
            if (Kind == null)
            {
                return null;
            }

            var known = Enum.GetNames(typeof(DataConnectionKind));
            var patterns = new List<WildcardPattern>();
            foreach (var value in Kind)
            {
                WildcardPattern pattern;
                try
                {
                    pattern = NamePattern(value, _ => { }, "Kind") ?? new WildcardPattern(value, WildcardOptions.IgnoreCase);
                }
                catch (KustoValidationException e) when (e.ErrorId == "InvalidWildcardPattern")
                {
                    pattern = null!;
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
