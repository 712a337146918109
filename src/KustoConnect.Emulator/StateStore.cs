using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace KustoConnect.Emulator;

/// <summary>A stored data connection: generic kind + properties, as ARM keeps them.</summary>
internal sealed record DataConnectionRow(
    string Key, string Parent, string Id, string Name, string Kind, string Location, JsonObject Properties, string ProvisioningState);

/// <summary>A long-running operation. It is time based: Running until <see cref="End"/>, then <see cref="Outcome"/>.</summary>
internal sealed record OperationRow(
    string Id, string SubscriptionId, string Location, string Kind, string ResourceKey, DateTime Start, DateTime End,
    string Outcome, string? ErrorCode, string? ErrorMessage, string? Result, bool Applied);

/// <summary>
/// The emulator's state in SQLite (WAL): the world (seeded from the world file), data connections and operations.
/// Every access goes through <see cref="EnterAsync"/>, which serialises requests so concurrent writes of one resource
/// cannot interleave.
/// </summary>
internal sealed class StateStore : IDisposable
{
    internal static class OperationKinds
    {
        public const string Create = "Create";
        public const string Update = "Update";
        public const string Delete = "Delete";
        public const string Validate = "Validate";
        public const string DeleteDatabase = "DeleteDatabase";
        public const string DeleteCluster = "DeleteCluster";
    }

    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>The end of the earliest operation not yet applied (long.MaxValue when none): most requests need no query at all.</summary>
    private long nextDueTicks;
    private long nextPurgeTicks;
    private readonly SqliteConnection connection;
    private readonly string? worldFile;

    public StateStore(string databasePath, string? worldFile)
    {
        this.worldFile = worldFile;
        connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Pooling = false,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString());
        connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=NORMAL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS data_connections (
                key TEXT PRIMARY KEY, parent TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
                location TEXT NOT NULL, properties TEXT NOT NULL, provisioning_state TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS data_connections_parent ON data_connections(parent);
            CREATE TABLE IF NOT EXISTS operations (
                id TEXT PRIMARY KEY, subscription TEXT NOT NULL, location TEXT NOT NULL, kind TEXT NOT NULL,
                resource_key TEXT NOT NULL, start_ticks INTEGER NOT NULL, end_ticks INTEGER NOT NULL, outcome TEXT NOT NULL,
                error_code TEXT, error_message TEXT, result TEXT, applied INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS operations_pending ON operations(end_ticks) WHERE applied = 0;
            CREATE INDEX IF NOT EXISTS operations_finished ON operations(end_ticks) WHERE applied = 1;
            """);
        foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm" })
        {
            FilePermissions.RestrictFile(file);
        }

        var stored = ReadMeta("world");
        if (stored is null)
        {
            World = World.Load(worldFile);
            using var tx = connection.BeginTransaction();
            WriteMeta("world", World.ToJson(), tx);
            WriteMeta("worldFile", WorldFileOf(worldFile), tx);
            tx.Commit();
        }
        else
        {
            World = World.Parse(stored);
        }

        nextDueTicks = ReadNextDue();
    }

    /// <summary>Operations finished longer ago than this are purged (checked at most once per <see cref="PurgeInterval"/>).</summary>
    public TimeSpan OperationRetention { get; set; } = TimeSpan.FromHours(1);

    private static readonly TimeSpan PurgeInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The full path of the world file the current world was seeded from (the shipped default or the one given when the
    /// database was created or last reset). A later start with another --world keeps the stored world, so this is the
    /// file that really describes it.
    /// </summary>
    public string SeedFile => ReadMeta("worldFile") ?? WorldFileOf(worldFile);

    /// <summary>The current world (resources other than data connections). Only touch it inside <see cref="EnterAsync"/>.</summary>
    public World World { get; private set; }

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(gate);
    }

    /// <summary>Drops every data connection and operation and seeds the world again from the world file.</summary>
    public void Reset()
    {
        using var tx = connection.BeginTransaction();
        Execute("DELETE FROM data_connections; DELETE FROM operations;", tx);
        nextDueTicks = long.MaxValue;
        World = World.Load(worldFile);
        WriteMeta("world", World.ToJson(), tx);
        WriteMeta("worldFile", WorldFileOf(worldFile), tx);
        tx.Commit();
    }

    public void SaveWorld() => WriteMeta("world", World.ToJson());

    public DataConnectionRow? GetDataConnection(string key)
    {
        using var cmd = Command("SELECT key, parent, id, name, kind, location, properties, provisioning_state FROM data_connections WHERE key = $k");
        cmd.Parameters.AddWithValue("$k", key);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ReadDataConnection(reader) : null;
    }

    public List<DataConnectionRow> ListDataConnections(string? parent)
    {
        using var cmd = Command(parent is null
            ? "SELECT key, parent, id, name, kind, location, properties, provisioning_state FROM data_connections ORDER BY key"
            : "SELECT key, parent, id, name, kind, location, properties, provisioning_state FROM data_connections WHERE parent = $p ORDER BY key");
        if (parent is not null)
        {
            cmd.Parameters.AddWithValue("$p", parent);
        }

        using var reader = cmd.ExecuteReader();
        var result = new List<DataConnectionRow>();
        while (reader.Read())
        {
            result.Add(ReadDataConnection(reader));
        }

        return result;
    }

    public void UpsertDataConnection(DataConnectionRow row)
    {
        using var cmd = Command("""
            INSERT INTO data_connections (key, parent, id, name, kind, location, properties, provisioning_state)
            VALUES ($k, $p, $id, $n, $kind, $l, $props, $s)
            ON CONFLICT(key) DO UPDATE SET kind = $kind, location = $l, properties = $props, provisioning_state = $s
            """);
        cmd.Parameters.AddWithValue("$k", row.Key);
        cmd.Parameters.AddWithValue("$p", row.Parent);
        cmd.Parameters.AddWithValue("$id", row.Id);
        cmd.Parameters.AddWithValue("$n", row.Name);
        cmd.Parameters.AddWithValue("$kind", row.Kind);
        cmd.Parameters.AddWithValue("$l", row.Location);
        cmd.Parameters.AddWithValue("$props", row.Properties.ToJsonString());
        cmd.Parameters.AddWithValue("$s", row.ProvisioningState);
        cmd.ExecuteNonQuery();
    }

    public void SetProvisioningState(string key, string state)
    {
        using var cmd = Command("UPDATE data_connections SET provisioning_state = $s WHERE key = $k");
        cmd.Parameters.AddWithValue("$s", state);
        cmd.Parameters.AddWithValue("$k", key);
        cmd.ExecuteNonQuery();
    }

    public void AddOperation(OperationRow op)
    {
        using var cmd = Command("""
            INSERT INTO operations (id, subscription, location, kind, resource_key, start_ticks, end_ticks, outcome, error_code, error_message, result, applied)
            VALUES ($id, $s, $l, $kind, $r, $st, $et, $o, $ec, $em, $res, 0)
            """);
        cmd.Parameters.AddWithValue("$id", op.Id);
        cmd.Parameters.AddWithValue("$s", op.SubscriptionId);
        cmd.Parameters.AddWithValue("$l", op.Location);
        cmd.Parameters.AddWithValue("$kind", op.Kind);
        cmd.Parameters.AddWithValue("$r", op.ResourceKey);
        cmd.Parameters.AddWithValue("$st", op.Start.Ticks);
        cmd.Parameters.AddWithValue("$et", op.End.Ticks);
        cmd.Parameters.AddWithValue("$o", op.Outcome);
        cmd.Parameters.AddWithValue("$ec", (object?)op.ErrorCode ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$em", (object?)op.ErrorMessage ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$res", (object?)op.Result ?? DBNull.Value);
        cmd.ExecuteNonQuery();
        nextDueTicks = Math.Min(nextDueTicks, op.End.Ticks);
    }

    /// <summary>How many operations are stored (finished ones included until they are purged).</summary>
    public long CountOperations()
    {
        using var cmd = Command("SELECT COUNT(*) FROM operations");
        return (long)cmd.ExecuteScalar()!;
    }

    public OperationRow? GetOperation(string id)
    {
        using var cmd = Command("SELECT id, subscription, location, kind, resource_key, start_ticks, end_ticks, outcome, error_code, error_message, result, applied FROM operations WHERE id = $id");
        cmd.Parameters.AddWithValue("$id", id.ToLowerInvariant());
        using var reader = cmd.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new OperationRow(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            new DateTime(reader.GetInt64(5), DateTimeKind.Utc), new DateTime(reader.GetInt64(6), DateTimeKind.Utc),
            reader.GetString(7), NullableString(reader, 8), NullableString(reader, 9), NullableString(reader, 10),
            reader.GetInt64(11) != 0);
    }

    /// <summary>Applies the effects of every operation whose time is up: provisioning state, deletion.</summary>
    public void CompleteDueOperations(DateTime now)
    {
        if (now.Ticks >= nextPurgeTicks)
        {
            PurgeFinishedOperations(now);
        }

        if (now.Ticks < nextDueTicks)
        {
            return;
        }

        var due = new List<(string Id, string Kind, string Resource, string Outcome)>();
        using (var cmd = Command("SELECT id, kind, resource_key, outcome FROM operations WHERE applied = 0 AND end_ticks <= $now ORDER BY end_ticks"))
        {
            cmd.Parameters.AddWithValue("$now", now.Ticks);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                due.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }

        if (due.Count == 0)
        {
            nextDueTicks = ReadNextDue();
            return;
        }

        using var tx = connection.BeginTransaction();
        var worldChanged = false;
        foreach (var (id, kind, resource, outcome) in due)
        {
            switch (kind)
            {
                case OperationKinds.Create:
                case OperationKinds.Update:
                    SetProvisioningStateIn(tx, resource, outcome);
                    break;
                case OperationKinds.Delete when outcome == "Succeeded":
                    using (var del = Command("DELETE FROM data_connections WHERE key = $k", tx))
                    {
                        del.Parameters.AddWithValue("$k", resource);
                        del.ExecuteNonQuery();
                    }

                    break;
                case OperationKinds.DeleteDatabase or OperationKinds.DeleteCluster when outcome == "Succeeded":
                    RemoveKustoResource(tx, resource);
                    worldChanged = true;
                    break;
            }

            using var mark = Command("UPDATE operations SET applied = 1 WHERE id = $id", tx);
            mark.Parameters.AddWithValue("$id", id);
            mark.ExecuteNonQuery();
        }

        if (worldChanged)
        {
            WriteMeta("world", World.ToJson(), tx);
        }

        tx.Commit();
        nextDueTicks = ReadNextDue();
    }

    /// <summary>Drops the operations that ended more than <see cref="OperationRetention"/> ago (indexed: no table scan).</summary>
    public void PurgeFinishedOperations(DateTime now)
    {
        nextPurgeTicks = (now + PurgeInterval).Ticks;
        using var cmd = Command("DELETE FROM operations WHERE applied = 1 AND end_ticks < $before");
        cmd.Parameters.AddWithValue("$before", (now - OperationRetention).Ticks);
        cmd.ExecuteNonQuery();
    }

    private long ReadNextDue()
    {
        using var cmd = Command("SELECT MIN(end_ticks) FROM operations WHERE applied = 0");
        return cmd.ExecuteScalar() is long ticks ? ticks : long.MaxValue;
    }

    /// <summary>Marks a cluster or database, and the databases of a cluster, as being deleted.</summary>
    public static void MarkDeleting(WorldCluster cluster, WorldDatabase? database)
    {
        if (database is not null)
        {
            database.ProvisioningState = "Deleting";
            return;
        }

        cluster.ProvisioningState = "Deleting";
        foreach (var d in cluster.Databases)
        {
            d.ProvisioningState = "Deleting";
        }
    }

    /// <summary>
    /// Removes the cluster or database named by a (lower-case) ARM id from the world, with every data connection under it.
    /// </summary>
    private void RemoveKustoResource(SqliteTransaction tx, string resourceId)
    {
        var id = ResourceId.Parse(resourceId);
        if (id?.ResourceGroup is null || id.Path.Count is < 1 or > 2)
        {
            return;
        }

        var group = World.FindSubscription(id.SubscriptionId) is { } sub ? World.ByName(sub.ResourceGroups, id.ResourceGroup) : null;
        var cluster = group is null ? null : World.ByName(group.KustoClusters, id.Path[0].Name);
        if (cluster is null)
        {
            return;
        }

        if (id.Path.Count == 1)
        {
            group!.KustoClusters.Remove(cluster);
        }
        else if (World.ByName(cluster.Databases, id.Path[1].Name) is { } database)
        {
            cluster.Databases.Remove(database);
        }

        // Data connection rows hang off the lower-case database id ("parent"): drop every one under the removed resource.
        var prefix = resourceId.ToLowerInvariant() + "/";
        using var del = Command("DELETE FROM data_connections WHERE parent = $exact OR substr(parent, 1, length($prefix)) = $prefix", tx);
        del.Parameters.AddWithValue("$exact", resourceId.ToLowerInvariant());
        del.Parameters.AddWithValue("$prefix", prefix);
        del.ExecuteNonQuery();
    }

    public void Dispose()
    {
        connection.Dispose();
        gate.Dispose();
    }

    private void SetProvisioningStateIn(SqliteTransaction tx, string key, string state)
    {
        using var cmd = Command("UPDATE data_connections SET provisioning_state = $s WHERE key = $k", tx);
        cmd.Parameters.AddWithValue("$s", state);
        cmd.Parameters.AddWithValue("$k", key);
        cmd.ExecuteNonQuery();
    }

    private static DataConnectionRow ReadDataConnection(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.GetString(5), JsonNode.Parse(reader.GetString(6)) as JsonObject ?? new JsonObject(), reader.GetString(7));

    private static string WorldFileOf(string? worldFile) => Path.GetFullPath(worldFile ?? World.DefaultWorldPath);

    private static string? NullableString(SqliteDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private string? ReadMeta(string key)
    {
        using var cmd = Command("SELECT value FROM meta WHERE key = $k");
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as string;
    }

    private void WriteMeta(string key, string value, SqliteTransaction? tx = null)
    {
        using var cmd = Command("INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = $v", tx);
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }

    private void Execute(string sql, SqliteTransaction? tx = null)
    {
        using var cmd = Command(sql, tx);
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var cmd = connection.CreateCommand();
#pragma warning disable CA2100 // SQL text is constant; values are always parameters.
        cmd.CommandText = sql;
#pragma warning restore CA2100
        cmd.Transaction = tx;
        return cmd;
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}

