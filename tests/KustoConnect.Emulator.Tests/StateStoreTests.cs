using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace KustoConnect.Emulator.Tests;

/// <summary>
/// The state store's files on their own (no HTTP): the snapshot and the journal give back exactly the state that was
/// written, a torn last journal line (a write cut short by a kill) is ignored, compaction loses nothing, and the files
/// are the user's alone.
/// </summary>
public sealed class StateStoreTests : IDisposable
{
    private static readonly DateTime T0 = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "kc-store-" + Guid.NewGuid().ToString("N"));

    public StateStoreTests() => FilePermissions.CreatePrivateDirectory(folder);

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_torn_last_journal_line_is_ignored_and_everything_before_it_is_kept()
    {
        string before;
        using (var store = new StateStore(folder, worldFile: null))
        {
            store.UpsertDataConnection(Row("a", "EventHub"));
            store.UpsertDataConnection(Row("b", "IotHub"));
            store.AddOperation(Operation("op-1", "a", T0, T0.AddSeconds(5)));
            store.SetProvisioningState(Key("b"), "Deleting");
            before = Dump(store, "op-1");
        }

        // The process died in the middle of writing the next change: half a line, no newline.
        var journal = SingleJournal();
        var torn = """[{"c":"putConnection","row":{"key":"/subscriptions/s/resourcegroups/g/providers/microsoft.kusto/clusters/c/databases/d/dataconnections/torn","parent":""";
        File.AppendAllText(journal, torn);

        using (var store = new StateStore(folder, worldFile: null))
        {
            Assert.Equal(before, Dump(store, "op-1"));
            Assert.Null(store.GetDataConnection(Key("torn")));
            Assert.Equal("Deleting", store.GetDataConnection(Key("b"))!.ProvisioningState);

            // The store goes on writing after the torn line was dropped.
            store.UpsertDataConnection(Row("c", "EventHub"));
        }

        using (var store = new StateStore(folder, worldFile: null))
        {
            Assert.Equal(["a", "b", "c"], store.ListDataConnections(Parent).Select(r => r.Name));
        }
    }

    [Fact]
    public void A_damaged_last_line_with_its_newline_is_ignored_but_a_damaged_line_before_the_last_is_refused()
    {
        using (var store = new StateStore(folder, worldFile: null))
        {
            store.UpsertDataConnection(Row("a", "EventHub"));
        }

        File.AppendAllText(SingleJournal(), "[{\"c\":\"setState\",\"key\":\n");
        using (var store = new StateStore(folder, worldFile: null))
        {
            Assert.Equal("Creating", store.GetDataConnection(Key("a"))!.ProvisioningState);
            store.UpsertDataConnection(Row("b", "EventHub"));
        }

        var journal = SingleJournal();
        var lines = File.ReadAllLines(journal).ToList();
        lines.Insert(1, "[{\"c\":\"setState\"");
        File.WriteAllLines(journal, lines);
        var refused = Assert.Throws<InvalidDataException>(() => new StateStore(folder, worldFile: null));
        Assert.Contains("damaged at line 2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compaction_keeps_every_connection_operation_and_the_world_and_leaves_one_journal()
    {
        var ids = new List<string>();
        string before;
        int compactions;
        using (var store = new StateStore(folder, worldFile: null) { MinimumCompactionBytes = 1, SnapshotRatio = 0 })
        {
            for (var i = 0; i < 60; i++)
            {
                var name = "dc" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                store.UpsertDataConnection(Row(name, i % 2 == 0 ? "EventHub" : "IotHub"));
                var id = Guid.NewGuid().ToString();
                ids.Add(id);
                store.AddOperation(Operation(id, name, T0.AddSeconds(i), T0.AddSeconds(i + 10), i % 3 == 0 ? StateStore.OperationKinds.Delete : StateStore.OperationKinds.Create));
            }

            // The first 30 operations are due: creates succeed, every third one deletes its data connection.
            store.CompleteDueOperations(T0.AddSeconds(39));
            store.World.Tenants[0].DisplayName = "Renamed while compacting";
            store.SaveWorld();
            compactions = store.Compactions;
            before = Dump(store, [.. ids]);
        }

        Assert.True(compactions > 5, $"only {compactions} compactions: the test must make the store compact several times");
        using (var store = new StateStore(folder, worldFile: null))
        {
            Assert.Equal(before, Dump(store, [.. ids]));
            Assert.Equal(60, store.CountOperations());
            Assert.Equal(60 - 10, store.ListDataConnections(null).Count);
            Assert.Equal("Renamed while compacting", store.World.Tenants[0].DisplayName);
        }

        Assert.Single(Directory.GetFiles(folder, StateStore.JournalFilePrefix + "*"));
        Assert.False(File.Exists(Path.Combine(folder, StateStore.SnapshotFileName + ".tmp")));
    }

    [Fact]
    public void Finished_operations_are_purged_after_the_retention_and_stay_purged_after_a_reopen()
    {
        using (var store = new StateStore(folder, worldFile: null) { OperationRetention = TimeSpan.FromMinutes(1) })
        {
            store.UpsertDataConnection(Row("a", "EventHub"));
            store.AddOperation(Operation("old", "a", T0, T0.AddSeconds(1)));
            store.AddOperation(Operation("young", "a", T0, T0.AddSeconds(50)));
            store.AddOperation(Operation("running", "a", T0, T0.AddMinutes(10)));
            store.CompleteDueOperations(T0.AddSeconds(55));
            Assert.Equal(3, store.CountOperations());

            store.CompleteDueOperations(T0.AddSeconds(61.5));
            Assert.Null(store.GetOperation("old"));
            Assert.True(store.GetOperation("young")!.Applied);
            Assert.False(store.GetOperation("running")!.Applied);
        }

        using (var reopened = new StateStore(folder, worldFile: null))
        {
            Assert.Null(reopened.GetOperation("old"));
            Assert.Equal(2, reopened.CountOperations());
            Assert.True(reopened.GetOperation("young")!.Applied);
            Assert.False(reopened.GetOperation("running")!.Applied);
        }
    }

    [Fact]
    public void A_reset_is_kept_and_the_stored_world_wins_over_another_world_file_at_the_next_open()
    {
        using (var store = new StateStore(folder, worldFile: null))
        {
            store.UpsertDataConnection(Row("a", "EventHub"));
            store.AddOperation(Operation("op", "a", T0, T0));
            store.World.Tenants[0].DisplayName = "Changed";
            store.SaveWorld();
            store.Reset();
        }

        using var reopened = new StateStore(folder, worldFile: Path.Combine(folder, "no-such-world.json"));
        Assert.Empty(reopened.ListDataConnections(null));
        Assert.Equal(0, reopened.CountOperations());
        Assert.NotEqual("Changed", reopened.World.Tenants[0].DisplayName);
        Assert.Equal(Path.GetFullPath(World.DefaultWorldPath), reopened.SeedFile);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_snapshot_and_the_journal_are_0600_after_a_compaction_too()
    {
        using var store = new StateStore(folder, worldFile: null) { MinimumCompactionBytes = 1, SnapshotRatio = 0 };
        store.UpsertDataConnection(Row("a", "EventHub"));
        store.UpsertDataConnection(Row("b", "EventHub"));
        Assert.True(store.Compactions > 1);

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(Path.Combine(folder, StateStore.SnapshotFileName)));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(SingleJournal()));
    }

    private const string Parent = "/subscriptions/s/resourcegroups/g/providers/microsoft.kusto/clusters/c/databases/d";

    private static string Key(string name) => Parent + "/dataconnections/" + name;

    private static DataConnectionRow Row(string name, string kind) => new(
        Key(name), Parent, Parent + "/DataConnections/" + name, name, kind, "Central US",
        new JsonObject { ["consumerGroup"] = "cg-" + name, ["tableName"] = "T", ["eventSystemProperties"] = new JsonArray("x-opt-sequence-number") },
        "Creating");

    private static OperationRow Operation(string id, string name, DateTime start, DateTime end, string kind = StateStore.OperationKinds.Create) => new(
        id, "s", "Central US", kind, Key(name), start, end, "Succeeded", null, null, kind == StateStore.OperationKinds.Validate ? "{\"value\":[]}" : null, Applied: false);

    /// <summary>Everything a client can see of the state, as one string: rows in order, the given operations, the world.</summary>
    private static string Dump(StateStore store, params string[] operationIds)
    {
        var text = new StringBuilder();
        foreach (var row in store.ListDataConnections(null))
        {
            text.Append(row with { Properties = null! }).Append(' ').Append(row.Properties.ToJsonString()).Append('\n');
        }

        foreach (var id in operationIds)
        {
            text.Append(store.GetOperation(id)?.ToString() ?? "gone " + id).Append('\n');
        }

        return text.Append(store.World.ToJson()).Append('\n').Append(store.SeedFile).ToString();
    }

    private string SingleJournal() => Assert.Single(Directory.GetFiles(folder, StateStore.JournalFilePrefix + "*"));
}
