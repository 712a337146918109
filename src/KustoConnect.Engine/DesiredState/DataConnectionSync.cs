using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Engine.DesiredState
{
    /// <summary>What a sync does to one data connection.</summary>
    public enum SyncAction
    {
        /// <summary>The file lists it and ARM has it as the file says: nothing is sent.</summary>
        NoChange,

        /// <summary>The file lists it and ARM does not have it: one PUT.</summary>
        Create,

        /// <summary>Some managed properties differ: ONE PATCH of only those.</summary>
        Update,

        /// <summary>-Prune and the file does not list it: one DELETE.</summary>
        Remove,

        /// <summary>Its kind differs from the file's: a DELETE, then a PUT (a kind cannot change in place).</summary>
        Replace,
    }

    /// <summary>One property that differs: the service's value and the file's.</summary>
    public sealed class PropertyChange
    {
        /// <summary>A property that differs.</summary>
        /// <param name="property">Its name, as the definition file spells it.</param>
        /// <param name="oldValue">The service's value.</param>
        /// <param name="newValue">The file's value (null: unset).</param>
        public PropertyChange(string property, object? oldValue, object? newValue)
        {
            Property = property;
            OldValue = oldValue;
            NewValue = newValue;
        }

        /// <summary>ARM's property name, e.g. "dataFormat".</summary>
        public string Property { get; }

        /// <summary>The value ARM has (null when unset).</summary>
        public object? OldValue { get; }

        /// <summary>The value of the file (null = unset).</summary>
        public object? NewValue { get; }

        /// <inheritdoc />
        public override string ToString() =>
            Property + ": " + (DataConnectionProperty.Display(OldValue) ?? "(unset)") + " -> " + (DataConnectionProperty.Display(NewValue) ?? "(unset)");
    }

    /// <summary>One step of a sync plan; applying it writes at most what <see cref="Action"/> says.</summary>
    public sealed class SyncPlanItem
    {
        internal SyncPlanItem(SyncAction action, DataConnectionRef target, string kind, string? currentKind, IReadOnlyList<PropertyChange> changes, DataConnection? desired, DataConnection? patch)
        {
            Action = action;
            Target = target;
            Kind = kind;
            CurrentKind = currentKind;
            Changes = changes;
            Desired = desired;
            Patch = patch;
        }

        /// <summary>What the sync does with this data connection.</summary>
        public SyncAction Action { get; }

        /// <summary>The data connection this item is for.</summary>
        public DataConnectionRef Target { get; }

        /// <summary>The kind after the sync (the file's; for a removal, the service's).</summary>
        public string Kind { get; }

        /// <summary>The kind ARM has now; null when the data connection does not exist.</summary>
        public string? CurrentKind { get; }

        /// <summary>The properties that change (for Create and Replace: every property the create sets).</summary>
        public IReadOnlyList<PropertyChange> Changes { get; }

        /// <summary>The model a Create or Replace sends (location filled in).</summary>
        public DataConnection? Desired { get; }

        /// <summary>The changes model an Update sends (only the differing properties set).</summary>
        public DataConnection? Patch { get; }

        /// <summary>True when applying it sends a write.</summary>
        public bool IsWrite => Action != SyncAction.NoChange;
    }

    /// <summary>
    /// Desired state for data connections: compares a checked definition file with what ARM has (one list per database the
    /// file names), plans the minimum of writes, and applies one plan item at a time (the caller decides concurrency and
    /// confirmation). Reads during planning only; every write happens in <see cref="ApplyAsync"/>.
    /// </summary>
    public sealed class DataConnectionSync
    {
        private readonly IDataConnectionOperations _dataConnections;
        private readonly IClusterOperations _clusters;
        private TaskCompletionSource<bool>? _removalsDone;
        private int _removalsLeft;

        /// <summary>A sync over these operations.</summary>
        /// <param name="dataConnections">Reads and writes the data connections.</param>
        /// <param name="clusters">Reads the clusters (their locations).</param>
        public DataConnectionSync(IDataConnectionOperations dataConnections, IClusterOperations clusters)
        {
            _dataConnections = dataConnections ?? throw new ArgumentNullException(nameof(dataConnections));
            _clusters = clusters ?? throw new ArgumentNullException(nameof(clusters));
        }

        /// <summary>
        /// The plan: first (with <paramref name="prune"/>) the removals of the connections of the named databases that the
        /// file does not list, then the file's entries in file order. Reads only: one list per database, and the cluster of each entry to be
        /// created without a location.
        /// </summary>
        public async Task<IReadOnlyList<SyncPlanItem>> PlanAsync(DataConnectionDefinitionSet definitions, bool prune, CancellationToken cancellationToken)
        {
            if (definitions == null)
            {
                throw new ArgumentNullException(nameof(definitions));
            }

            var current = new Dictionary<string, IReadOnlyList<DataConnection>>(StringComparer.OrdinalIgnoreCase);
            foreach (var database in definitions.Databases)
            {
                current[database.ResourceId] = await _dataConnections.ListAsync(database, cancellationToken).ConfigureAwait(false);
            }

            var clusterLocations = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            var plan = new List<SyncPlanItem>();
            foreach (var entry in definitions.Entries)
            {
                var existing = current[entry.Target.Database.ResourceId].FirstOrDefault(c => string.Equals(c.Name, entry.Target.Name, StringComparison.OrdinalIgnoreCase));
                if (existing == null || !string.Equals(existing.Kind, entry.Kind, StringComparison.OrdinalIgnoreCase))
                {
                    var location = entry.Location;
                    if (location == null)
                    {
                        var cluster = entry.Target.Database.Cluster;
                        if (!clusterLocations.TryGetValue(cluster.ResourceId, out location))
                        {
                            location = (await _clusters.GetClusterAsync(cluster, cancellationToken).ConfigureAwait(false)).Location;
                            clusterLocations[cluster.ResourceId] = location;
                        }
                    }

                    var desired = entry.ToModel(location);
                    var sets = DataConnectionProperties.Of(entry.Kind)
                        .Select(p => (p, value: p.GetValue(desired)))
                        .Where(x => !DataConnectionProperty.IsUnset(x.value))
                        .Select(x => new PropertyChange(x.p.JsonName, null, x.value))
                        .ToList();
                    plan.Add(new SyncPlanItem(existing == null ? SyncAction.Create : SyncAction.Replace, entry.Target, entry.Kind, existing?.Kind, sets, desired, null));
                    continue;
                }

                var changes = new List<PropertyChange>();
                var patch = DataConnectionProperties.NewModel(entry.Kind)!;
                foreach (var property in DataConnectionProperties.Of(entry.Kind))
                {
                    if (!entry.Properties.TryGetValue(property.Name, out var wanted))
                    {
                        continue;
                    }

                    var have = property.GetValue(existing);
                    if (property.AreEqual(have, wanted))
                    {
                        continue;
                    }

                    changes.Add(new PropertyChange(property.JsonName, DataConnectionProperty.IsUnset(have) ? null : have, DataConnectionProperty.IsUnset(wanted) ? null : wanted));
                    property.SetValue(patch, DataConnectionProperty.IsUnset(wanted) ? Cleared(property) : wanted);
                }

                plan.Add(changes.Count == 0
                    ? new SyncPlanItem(SyncAction.NoChange, entry.Target, entry.Kind, existing.Kind, changes, null, null)
                    : new SyncPlanItem(SyncAction.Update, entry.Target, entry.Kind, existing.Kind, changes, null, patch));
            }

            var removals = new List<SyncPlanItem>();
            if (prune)
            {
                foreach (var database in definitions.Databases)
                {
                    foreach (var connection in current[database.ResourceId])
                    {
                        var listed = definitions.Entries.Any(e =>
                            string.Equals(e.Target.Database.ResourceId, database.ResourceId, StringComparison.OrdinalIgnoreCase)
                            && string.Equals(e.Target.Name, connection.Name, StringComparison.OrdinalIgnoreCase));
                        if (!listed && connection.Name != null)
                        {
                            removals.Add(new SyncPlanItem(SyncAction.Remove, DataConnectionRef.Create(database, connection.Name), connection.Kind, connection.Kind, Array.Empty<PropertyChange>(), null, null));
                        }
                    }
                }
            }

            // Removals first: a connection the file renames frees its consumer group before the new one is created.
            removals.AddRange(plan);
            return removals;
        }

        /// <summary>
        /// Call once before applying, with the items that will be applied (confirmed): every create and replace then waits
        /// until the removals among them have ended (successfully or not), so that the consumer groups they held are free
        /// even when items run concurrently. Apply the removals first (they come first in the plan): each holds its own slot
        /// of the caller's throttle, so nothing waits for an item that cannot start.
        /// </summary>
        public void BeginApply(IEnumerable<SyncPlanItem> applied)
        {
            if (applied == null)
            {
                throw new ArgumentNullException(nameof(applied));
            }

            var count = applied.Count(i => i.Action == SyncAction.Remove);
            _removalsDone = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _removalsLeft = count;
            if (count == 0)
            {
                _removalsDone.TrySetResult(true);
            }
        }

        /// <summary>
        /// The service's validation (dataConnectionValidation) of every item that would create a data connection; returns
        /// each item's messages (only items with problems). Sends no write.
        /// </summary>
        public async Task<IReadOnlyList<KeyValuePair<SyncPlanItem, IReadOnlyList<string>>>> ValidateCreatesAsync(IEnumerable<SyncPlanItem> plan, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            if (plan == null)
            {
                throw new ArgumentNullException(nameof(plan));
            }

            var problems = new List<KeyValuePair<SyncPlanItem, IReadOnlyList<string>>>();
            foreach (var item in plan.Where(i => i.Action == SyncAction.Create || i.Action == SyncAction.Replace))
            {
                var messages = await _dataConnections.ValidateAsync(item.Target, item.Desired!, observer, cancellationToken).ConfigureAwait(false);
                if (messages.Count > 0)
                {
                    problems.Add(new KeyValuePair<SyncPlanItem, IReadOnlyList<string>>(item, messages));
                }
            }

            return problems;
        }

        /// <summary>
        /// Applies one plan item and returns the data connection as ARM then has it (null after a removal or for NoChange):
        /// Create one PUT, Update one PATCH of the differing properties, Remove one DELETE, Replace a DELETE then a PUT.
        /// </summary>
        public async Task<DataConnection?> ApplyAsync(SyncPlanItem item, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            if (item == null)
            {
                throw new ArgumentNullException(nameof(item));
            }

            if (item.Action == SyncAction.Remove)
            {
                try
                {
                    await _dataConnections.DeleteAsync(item.Target, observer, cancellationToken).ConfigureAwait(false);
                    return null;
                }
                finally
                {
                    if (Interlocked.Decrement(ref _removalsLeft) <= 0)
                    {
                        _removalsDone?.TrySetResult(true);
                    }
                }
            }

            if ((item.Action == SyncAction.Create || item.Action == SyncAction.Replace) && _removalsDone != null && !_removalsDone.Task.IsCompleted)
            {
                observer?.OnVerbose("Data connection '" + item.Target.Name + "' waits until the removals have ended (they may free its consumer group).");
                await WaitAsync(_removalsDone.Task, cancellationToken).ConfigureAwait(false);
            }

            switch (item.Action)
            {
                case SyncAction.Create:
                    return await CreateAsync(item, observer, cancellationToken).ConfigureAwait(false);
                case SyncAction.Update:
                    return await _dataConnections.UpdateAsync(item.Target, item.Patch!, observer, cancellationToken).ConfigureAwait(false);
                case SyncAction.Replace:
                    await _dataConnections.DeleteAsync(item.Target, observer, cancellationToken).ConfigureAwait(false);
                    return await CreateAsync(item, observer, cancellationToken).ConfigureAwait(false);
                default:
                    return null;
            }
        }

        /// <summary>
        /// The engine's create, as the plan decided it: the plan read the database already (no existence check: the PUT
        /// writes), the definition is complete (no policy choice) and its location is the one the plan gave it.
        /// </summary>
        private async Task<DataConnection> CreateAsync(SyncPlanItem item, IOperationObserver? observer, CancellationToken cancellationToken)
        {
            var created = await _dataConnections.CreateAsync(item.Target, item.Desired!, new CreateOptions { IfExists = ExistingConnectionPolicy.Overwrite, ChooseIotHubPolicy = false, CheckLocation = false }, observer, cancellationToken).ConfigureAwait(false);
            return created.Connection!;
        }

        private static async Task WaitAsync(Task task, CancellationToken cancellationToken)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetCanceled(cancellationToken)))
            {
                await (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false)).ConfigureAwait(false);
            }
        }

        private static object Cleared(DataConnectionProperty property) =>
            property.Type == DataConnectionPropertyType.StringList ? Array.Empty<string>() : (object)string.Empty;
    }
}
