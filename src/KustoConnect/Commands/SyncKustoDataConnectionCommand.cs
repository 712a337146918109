using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Engine.DesiredState;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Brings Azure to what a definition file says: creates what is missing, updates what differs with one PATCH of only the differing properties, and leaves equal ones alone.</para>
    /// </summary>
    /// <remarks>
    /// The whole file is checked first (every entry, every client-side rule; all problems reported at once, one error each)
    /// and nothing is sent when it has a problem. Then the data connections of each database the file names are read once
    /// and compared with the file: a property the file leaves out is not managed, a property it sets to null must be unset.
    /// A second run sends no write. -Prune also removes the connections of those databases that the file does not list.
    /// A kind change is a removal and a create, and asks for confirmation (-Force does not ask). -WhatIf sends no write and
    /// writes the plan; otherwise one result per data connection (Action, Changes with old and new values, Result); a
    /// connection that fails writes an error whose TargetObject is its result (Result Failed). Every confirmation is asked
    /// first; then connections are applied concurrently, up to -ThrottleLimit, removals first (a create waits until they
    /// have ended, so that a renamed connection's consumer group is free); -AsJob runs the writes in a job after planning
    /// and confirmation.
    /// </remarks>
    [Cmdlet(VerbsData.Sync, "KustoDataConnection", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(KustoSyncResult), typeof(Job))]
    public sealed class SyncKustoDataConnectionCommand : KustoOperationCmdlet
    {
        /// <summary>The definition file, as Export-KustoDataConnection writes it (see KustoDataConnections.schema.json in the module folder).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = null!;

        /// <summary>Also remove the data connections of the file's databases that the file does not list.</summary>
        [Parameter]
        public SwitchParameter Prune { get; set; }

        /// <summary>
        /// Ask Azure to validate (dataConnectionValidation) every entry that would be created, before any write; when any
        /// reports problems, write one DataConnectionValidationFailed error for each and write nothing.
        /// </summary>
        [Parameter]
        public SwitchParameter Validate { get; set; }

        /// <summary>Replace a data connection whose kind differs from the file's without asking.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            var definitions = ReadDefinitions(session);
            if (definitions == null)
            {
                return;
            }

            var sync = new DataConnectionSync(session.DataConnections, session.Clusters);
            var validate = Validate.IsPresent;
            System.Collections.Generic.IReadOnlyList<SyncPlanItem> plan;
            try
            {
                plan = RunEngine((o, t) => sync.PlanAsync(definitions, Prune.IsPresent, t));
                if (validate)
                {
                    var refused = RunEngine((o, t) => sync.ValidateCreatesAsync(plan, o, t));
                    foreach (var pair in refused)
                    {
                        WriteError(ToErrorRecord(new DataConnectionValidationFailedException(pair.Key.Target, pair.Value), pair.Key.Target.ResourceId));
                    }

                    if (refused.Count > 0)
                    {
                        return;
                    }
                }
            }
            catch (Exception e) when (IsItemError(e))
            {
                WriteEngineError(e, Path);
                return;
            }

            var whatIf = MyInvocation.BoundParameters.ContainsKey("WhatIf") || LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

            // Every confirmation is asked before anything is written; then the confirmed items are applied, removals first.
            var decided = plan.Select(item => (item, apply: !whatIf && (!item.IsWrite || Confirmed(item)))).ToList();
            if (whatIf)
            {
                foreach (var item in plan.Where(i => i.IsWrite))
                {
                    Confirmed(item);
                }
            }

            sync.BeginApply(decided.Where(d => d.apply).Select(d => d.item));
            foreach (var (item, apply) in decided)
            {
                var result = new KustoSyncResult(item, "Succeeded");
                if (!apply)
                {
                    result.Result = whatIf ? "WhatIf" : "Declined";
                    Submit(result, (o, t) => System.Threading.Tasks.Task.FromResult<object?>(result));
                    continue;
                }

                Submit(result, async (observer, token) =>
                {
                    try
                    {
                        var after = await sync.ApplyAsync(item, observer, token).ConfigureAwait(false);
                        result.DataConnection = after == null ? null : KustoDataConnection.From(after);
                        return result;
                    }
                    catch (Exception e) when (!(e is OperationCanceledException))
                    {
                        result.Result = "Failed";
                        result.Error = e.Message;
                        throw;
                    }
                });
            }
        }

        /// <summary>The checked file; null (after one error per problem) when it cannot be used.</summary>
        private DataConnectionDefinitionSet? ReadDefinitions(KustoSession session)
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path);
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(e, "DefinitionFileNotReadable", e is FileNotFoundException || e is DirectoryNotFoundException ? ErrorCategory.ObjectNotFound : ErrorCategory.ReadError, path));
                return null;
            }

            try
            {
                return DefinitionFile.Read(text, session.SubscriptionId);
            }
            catch (DefinitionFileException e)
            {
                foreach (var problem in e.Problems)
                {
                    WriteError(new ErrorRecord(
                        new KustoValidationException(problem.ErrorId, path + ": " + problem, problem.Property),
                        problem.ErrorId,
                        ErrorCategory.InvalidData,
                        problem));
                }

                return null;
            }
        }

        private bool Confirmed(SyncPlanItem item)
        {
            var where = $"data connection '{item.Target.Name}' in {item.Target.Database.ClusterName}/{item.Target.Database.DatabaseName}";
            switch (item.Action)
            {
                case SyncAction.Create:
                    return ShouldProcess($"{item.Kind} {where}", "Create");
                case SyncAction.Update:
                    return ShouldProcess($"{where}: {string.Join("; ", item.Changes)}", "Update");
                case SyncAction.Remove:
                    return ShouldProcess($"{where} (not in the definition file)", "Remove");
                default:
                    var description = $"{where}: its kind changes from {item.CurrentKind} to {item.Kind}, so it is removed and created again";
                    if (!ShouldProcess(description, "Replace"))
                    {
                        return false;
                    }

                    if (Force.IsPresent)
                    {
                        return true;
                    }

                    try
                    {
                        return ShouldContinue(description + " (ingestion stops in between). Replace it?", "Replace data connection");
                    }
                    catch (PSInvalidOperationException)
                    {
                        WriteError(new ErrorRecord(
                            new KustoValidationException("KindChangeNotConfirmed", $"The {where} would be removed and created again (kind {item.CurrentKind} -> {item.Kind}); this session cannot ask, so pass -Force to replace it.", "Force"),
                            "KindChangeNotConfirmed",
                            ErrorCategory.InvalidOperation,
                            item.Target.ResourceId));
                        return false;
                    }
            }
        }
    }
}
