using System;
using System.Linq;
using KustoConnect.Engine;
using KustoConnect.Engine.DesiredState;

namespace KustoConnect.Models
{
    /// <summary>A property that a sync changes: the value Azure had and the value of the definition file.</summary>
    public sealed class KustoPropertyChange
    {
        internal KustoPropertyChange(PropertyChange change)
        {
            Property = change.Property;
            OldValue = change.OldValue;
            NewValue = change.NewValue;
        }

        /// <summary>ARM's property name, e.g. dataFormat.</summary>
        public string Property { get; }

        /// <summary>The value Azure had (null when unset or for a create).</summary>
        public object? OldValue { get; }

        /// <summary>The definition file's value (null = unset).</summary>
        public object? NewValue { get; }

        /// <inheritdoc />
        public override string ToString() =>
            Property + ": " + (DataConnectionProperty.Display(OldValue) ?? "(unset)") + " -> " + (DataConnectionProperty.Display(NewValue) ?? "(unset)");
    }

    /// <summary>
    /// What Sync-KustoDataConnection did (or, with -WhatIf, would do) to one data connection: the action, the changed
    /// properties with their old and new values, and the result.
    /// </summary>
    public sealed class KustoSyncResult
    {
        internal KustoSyncResult(SyncPlanItem item, string result)
        {
            Action = item.Action.ToString();
            Name = item.Target.Name;
            Kind = item.Kind;
            PreviousKind = item.Action == SyncAction.Replace ? item.CurrentKind : null;
            SubscriptionId = item.Target.Database.SubscriptionId;
            ResourceGroupName = item.Target.Database.ResourceGroupName;
            ClusterName = item.Target.Database.ClusterName;
            DatabaseName = item.Target.Database.DatabaseName;
            Id = item.Target.ResourceId;
            Changes = item.Changes.Select(c => new KustoPropertyChange(c)).ToArray();
            Result = result;
        }

        /// <summary>NoChange, Create, Update (one PATCH of the changed properties), Remove (-Prune), or Replace (a kind change: Remove, then Create).</summary>
        public string Action { get; }

        /// <summary>The data connection's name.</summary>
        public string Name { get; }

        /// <summary>The kind (after the sync; for a removal, the removed connection's).</summary>
        public string Kind { get; }

        /// <summary>For Replace, the kind Azure had.</summary>
        public string? PreviousKind { get; }

        /// <summary>The subscription of the cluster.</summary>
        public string SubscriptionId { get; }

        /// <summary>The resource group of the cluster.</summary>
        public string ResourceGroupName { get; }

        /// <summary>The cluster.</summary>
        public string ClusterName { get; }

        /// <summary>The database.</summary>
        public string DatabaseName { get; }

        /// <summary>The data connection's resource id.</summary>
        public string Id { get; }

        /// <summary>The properties that change, with the old and the new value (for a create, every property it sets).</summary>
        public KustoPropertyChange[] Changes { get; }

        /// <summary>Succeeded, Failed, WhatIf (planned only), or Declined (not confirmed).</summary>
        public string Result { get; internal set; }

        /// <summary>Why it failed (the error's message); null otherwise.</summary>
        public string? Error { get; internal set; }

        /// <summary>The data connection as Azure has it after a create, update or replace.</summary>
        public KustoDataConnection? DataConnection { get; internal set; }

        /// <inheritdoc />
        public override string ToString() => Action + " " + Name + ": " + Result;
    }
}
