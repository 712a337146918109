using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace KustoConnect.Emulator;

/// <summary>A stored data connection: generic kind + properties, as ARM keeps them.</summary>
internal sealed record DataConnectionRow(
    string Key, string Parent, string Id, string Name, string Kind, string Location, JsonObject Properties, string ProvisioningState);

/// <summary>A long-running operation. It is time based: Running until <see cref="End"/>, then <see cref="Outcome"/>.</summary>
internal sealed record OperationRow(
    string Id, string SubscriptionId, string Location, string Kind, string ResourceKey, DateTime Start, DateTime End,
    string Outcome, string? ErrorCode, string? ErrorMessage, string? Result, bool Applied);

/// <summary>
/// The emulator's state: the world (seeded from the world file), data connections and operations. It lives in memory
/// (the maps are the indexes) and on disk in the data directory, in pure managed code:
/// <list type="bullet">
/// <item><c>emulator.state.json</c>, a snapshot, replaced atomically (written to a temporary file, then renamed);</item>
/// <item><c>emulator.journal.0</c> or <c>.1</c>, an append-only journal of the changes since that snapshot, one JSON
/// line per change set, written to the operating system before the write is acknowledged (so it survives a kill of
/// the process, as SQLite's WAL with synchronous=NORMAL did).</item>
/// </list>
/// Opening reads the snapshot, replays its journal (a torn last line, from a kill mid-write, is ignored), and compacts:
/// a new snapshot and an empty journal. The journal is compacted again once it outgrows the snapshot.
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

    /// <summary>The snapshot file in the data directory.</summary>
    public const string SnapshotFileName = "emulator.state.json";

    /// <summary>The journal files in the data directory: generation g appends to <c>emulator.journal.{g % 2}</c>.</summary>
    public const string JournalFilePrefix = "emulator.journal.";

    private const int FormatVersion = 1;
    private const string WorldKey = "world";
    private const string WorldFileKey = "worldFile";
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromSeconds(1);

    /// <summary>Orders operations by end time, then id (ordinal): the pending and finished indexes.</summary>
    private static readonly Comparer<(long End, string Id)> ByEnd =
        Comparer<(long End, string Id)>.Create((a, b) => a.End != b.End ? a.End.CompareTo(b.End) : string.CompareOrdinal(a.Id, b.Id));

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly string dataDirectory;
    private readonly string? worldFile;

    private readonly Dictionary<string, string> meta = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, DataConnectionRow> connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<string, DataConnectionRow>> connectionsByParent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OperationRow> operations = new(StringComparer.Ordinal);

    /// <summary>Operations not yet applied, earliest end first: its minimum is the time of the next due operation.</summary>
    private readonly SortedSet<(long End, string Id)> pending = new(ByEnd);

    /// <summary>Applied operations, earliest end first: the purge takes from the front.</summary>
    private readonly SortedSet<(long End, string Id)> finished = new(ByEnd);

    private readonly HashSet<string> readPool = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> line = new(4096);
    private readonly Utf8JsonWriter lineWriter;
    private FileStream journal;
    private long journalBytes;
    private long generation;
    private long snapshotBytes;
    private long retryCompactionAt;
    private long nextPurgeTicks;

    /// <summary>Opens (or creates) the state in a data directory that this process has locked.</summary>
    public StateStore(string dataDirectory, string? worldFile)
    {
        this.dataDirectory = dataDirectory;
        this.worldFile = worldFile;
        lineWriter = new Utf8JsonWriter(line);

        TryDeleteFile(SnapshotPath + ".tmp");
        if (File.Exists(SnapshotPath))
        {
            ReadSnapshot();
        }

        var journalPath = JournalPath(generation);
        if (File.Exists(journalPath))
        {
            Replay(journalPath);
        }

        readPool.Clear();

        if (meta.TryGetValue(WorldKey, out var stored))
        {
            World = World.Parse(stored);
        }
        else
        {
            World = World.Load(worldFile);
            meta[WorldKey] = World.ToJson();
            meta[WorldFileKey] = WorldFileOf(worldFile);
        }

        journal = Compact() ?? throw new IOException($"The emulator's state could not be written in '{dataDirectory}'.");
    }

    /// <summary>Operations finished longer ago than this are purged (checked at most once per <see cref="PurgeInterval"/>).</summary>
    public TimeSpan OperationRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The journal is compacted once it is larger than this and than <see cref="SnapshotRatio"/> times the last snapshot.</summary>
    internal long MinimumCompactionBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>How many times the last snapshot's size the journal may grow to before it is compacted: each compaction
    /// writes the whole state, so this keeps the cost per change constant however large the state is.</summary>
    internal int SnapshotRatio { get; set; } = 2;

    /// <summary>How many snapshots this store has written (one when opening, then one per compaction).</summary>
    internal int Compactions { get; private set; }

    /// <summary>
    /// The full path of the world file the current world was seeded from (the shipped default or the one given when the
    /// state was created or last reset). A later start with another --world keeps the stored world, so this is the
    /// file that really describes it.
    /// </summary>
    public string SeedFile => meta.TryGetValue(WorldFileKey, out var file) ? file : WorldFileOf(worldFile);

    /// <summary>The current world (resources other than data connections). Only touch it inside <see cref="EnterAsync"/>.</summary>
    public World World { get; private set; }

    private string SnapshotPath => Path.Combine(dataDirectory, SnapshotFileName);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(gate);
    }

    /// <summary>Drops every data connection and operation and seeds the world again from the world file.</summary>
    public void Reset()
    {
        var world = World.Load(worldFile);
        Commit([new Clear(), new SetMeta(WorldKey, world.ToJson()), new SetMeta(WorldFileKey, WorldFileOf(worldFile))]);
        World = world;
    }

    public void SaveWorld() => Commit([new SetMeta(WorldKey, World.ToJson())]);

    public DataConnectionRow? GetDataConnection(string key) => connections.GetValueOrDefault(key);

    /// <summary>The data connections of one parent (a lower-case database id), or all of them, ordered by key.</summary>
    public List<DataConnectionRow> ListDataConnections(string? parent)
    {
        if (parent is null)
        {
            return [.. connections.Values];
        }

        return connectionsByParent.TryGetValue(parent, out var rows) ? [.. rows.Values] : [];
    }

    /// <summary>
    /// Creates a data connection, or updates the kind, location, properties and provisioning state of an existing one
    /// (its id, name and parent stay). The store keeps its own copy of the properties.
    /// </summary>
    public void UpsertDataConnection(DataConnectionRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var properties = (JsonObject)row.Properties.DeepClone();
        var stored = connections.TryGetValue(row.Key, out var existing)
            ? existing with { Kind = row.Kind, Location = row.Location, Properties = properties, ProvisioningState = row.ProvisioningState }
            : row with { Properties = properties };
        Commit([new PutConnection(stored)]);
    }

    public void SetProvisioningState(string key, string state)
    {
        if (connections.ContainsKey(key))
        {
            Commit([new SetState(key, state)]);
        }
    }

    public void AddOperation(OperationRow op)
    {
        ArgumentNullException.ThrowIfNull(op);
        Commit([new PutOperation(op with { Applied = false })]);
    }

    /// <summary>How many operations are stored (finished ones included until they are purged).</summary>
    public long CountOperations() => operations.Count;

    public OperationRow? GetOperation(string id) => operations.GetValueOrDefault(id.ToLowerInvariant());

    /// <summary>Applies the effects of every operation whose time is up: provisioning state, deletion.</summary>
    public void CompleteDueOperations(DateTime now)
    {
        if (now.Ticks >= nextPurgeTicks)
        {
            PurgeFinishedOperations(now);
        }

        if (pending.Count == 0 || now.Ticks < pending.Min.End)
        {
            return;
        }

        // One journal line for all of them, so that a kill applies all or none.
        var changes = new List<Change>();
        var worldChanged = false;
        foreach (var (end, id) in pending)
        {
            if (end > now.Ticks)
            {
                break;
            }

            var op = operations[id];
            switch (op.Kind)
            {
                case OperationKinds.Create:
                case OperationKinds.Update:
                    changes.Add(new SetState(op.ResourceKey, op.Outcome));
                    break;
                case OperationKinds.Delete when op.Outcome == "Succeeded":
                    changes.Add(new DeleteConnection(op.ResourceKey));
                    break;
                case OperationKinds.DeleteDatabase or OperationKinds.DeleteCluster when op.Outcome == "Succeeded":
                    if (RemoveKustoResource(op.ResourceKey))
                    {
                        changes.Add(new DeleteConnectionsUnder(op.ResourceKey.ToLowerInvariant()));
                    }

                    worldChanged = true;
                    break;
            }

            changes.Add(new MarkApplied(id));
        }

        if (worldChanged)
        {
            changes.Add(new SetMeta(WorldKey, World.ToJson()));
        }

        Commit(changes);
    }

    /// <summary>Drops the operations that ended more than <see cref="OperationRetention"/> ago (the front of the finished index).</summary>
    public void PurgeFinishedOperations(DateTime now)
    {
        nextPurgeTicks = (now + PurgeInterval).Ticks;
        var before = (now - OperationRetention).Ticks;
        if (finished.Count > 0 && finished.Min.End < before)
        {
            Commit([new PurgeBefore(before)]);
        }
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

    public void Dispose()
    {
        journal.Dispose();
        lineWriter.Dispose();
        gate.Dispose();
    }

    /// <summary>
    /// Removes the cluster or database named by a (lower-case) ARM id from the world. True when its cluster exists: the
    /// data connections under the id are then to be dropped too.
    /// </summary>
    private bool RemoveKustoResource(string resourceId)
    {
        var id = ResourceId.Parse(resourceId);
        if (id?.ResourceGroup is null || id.Path.Count is < 1 or > 2)
        {
            return false;
        }

        var group = World.FindSubscription(id.SubscriptionId) is { } sub ? World.ByName(sub.ResourceGroups, id.ResourceGroup) : null;
        var cluster = group is null ? null : World.ByName(group.KustoClusters, id.Path[0].Name);
        if (cluster is null)
        {
            return false;
        }

        if (id.Path.Count == 1)
        {
            group!.KustoClusters.Remove(cluster);
        }
        else if (World.ByName(cluster.Databases, id.Path[1].Name) is { } database)
        {
            cluster.Databases.Remove(database);
        }

        return true;
    }

    private static string WorldFileOf(string? worldFile) => Path.GetFullPath(worldFile ?? World.DefaultWorldPath);

    private string JournalPath(long forGeneration) => Path.Combine(dataDirectory, JournalFilePrefix + (forGeneration % 2).ToString(System.Globalization.CultureInfo.InvariantCulture));

    // ---- Writing: one journal line per change set, then the change is applied in memory ----

    /// <summary>
    /// Appends the changes to the journal as one line (one write to the operating system, before the caller answers),
    /// then applies them. A failed write changes nothing in memory.
    /// </summary>
    private void Commit(IReadOnlyList<Change> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }

        line.ResetWrittenCount();
        lineWriter.Reset(line);
        lineWriter.WriteStartArray();
        foreach (var change in changes)
        {
            WriteChange(lineWriter, change);
        }

        lineWriter.WriteEndArray();
        lineWriter.Flush();
        line.GetSpan(1)[0] = (byte)'\n';
        line.Advance(1);

        // Unbuffered: this is write(2) (WriteFile on Windows); the bytes are the kernel's once it returns, so they
        // survive a kill of this process.
        var offset = journal.Position;
        try
        {
            journal.Write(line.WrittenSpan);
        }
        catch (IOException)
        {
            // A part of the line may be on disk (the disk is full): cut it off, so that the next line starts clean.
            try
            {
                journal.SetLength(offset);
                journal.Position = offset;
            }
            catch (IOException)
            {
                // The journal's end is then a damaged line; the next line is appended after it all the same.
            }

            throw;
        }

        journalBytes += line.WrittenCount;
        foreach (var change in changes)
        {
            Apply(change);
        }

        if (journalBytes >= Math.Max(Math.Max(MinimumCompactionBytes, snapshotBytes * SnapshotRatio), retryCompactionAt) && Compact() is { } next)
        {
            journal = next;
        }
    }

    /// <summary>
    /// Writes a snapshot of the current state as generation + 1 and starts its empty journal; the rename of the snapshot
    /// is the switch. Returns the new journal, or null when it failed before the switch (the state on disk is then
    /// unchanged and the current journal stays in use; the next attempt waits until the journal has doubled).
    /// </summary>
    private FileStream? Compact()
    {
        var next = generation + 1;
        var nextJournalPath = JournalPath(next);
        var temp = SnapshotPath + ".tmp";
        FileStream? nextJournal = null;
        long written;
        try
        {
            // The new journal first (empty but for its header), so that once the snapshot names generation next,
            // its journal exists.
            nextJournal = OpenJournal(nextJournalPath, next);
            using (var stream = new FileStream(temp, PrivateFile(FileMode.Create, FileAccess.Write, bufferSize: 64 * 1024)))
            {
                using (var writer = new Utf8JsonWriter(stream))
                {
                    WriteSnapshot(writer, next);
                }

                stream.Flush(flushToDisk: true);
                written = stream.Length;
            }

            FilePermissions.RestrictFile(temp);
            File.Move(temp, SnapshotPath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            nextJournal?.Dispose();
            TryDeleteFile(temp);
            if (journal is null)
            {
                throw; // Opening: the store cannot work without a place to write.
            }

            TryDeleteFile(nextJournalPath);
            retryCompactionAt = journalBytes * 2;
            return null;
        }

        journal?.Dispose();
        TryDeleteFile(JournalPath(generation));
        generation = next;
        journalBytes = 0;
        snapshotBytes = written;
        retryCompactionAt = 0;
        Compactions++;
        return nextJournal;
    }

    private static FileStream OpenJournal(string path, long forGeneration)
    {
        var stream = new FileStream(path, PrivateFile(FileMode.Create, FileAccess.Write, bufferSize: 0));
        try
        {
            FilePermissions.RestrictFile(path);
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteNumber("format", FormatVersion);
                writer.WriteNumber("generation", forGeneration);
                writer.WriteEndObject();
            }

            stream.Write("\n"u8);
            stream.Flush(flushToDisk: true);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static FileStreamOptions PrivateFile(FileMode mode, FileAccess access, int bufferSize)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.Read, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    private void WriteSnapshot(Utf8JsonWriter writer, long forGeneration)
    {
        writer.WriteStartObject();
        writer.WriteNumber("format", FormatVersion);
        writer.WriteNumber("generation", forGeneration);
        writer.WriteStartObject("meta");
        foreach (var (key, value) in meta)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("dataConnections");
        foreach (var row in connections.Values)
        {
            WriteRow(writer, row);
            FlushSome(writer);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("operations");
        foreach (var op in operations.Values)
        {
            WriteOperation(writer, op);
            FlushSome(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>A writer on a stream keeps everything until flushed: hand it to the file every 64 KiB, not at the end.</summary>
    private static void FlushSome(Utf8JsonWriter writer)
    {
        if (writer.BytesPending >= 64 * 1024)
        {
            writer.Flush();
        }
    }

    private static void WriteChange(Utf8JsonWriter writer, Change change)
    {
        writer.WriteStartObject();
        switch (change)
        {
            case PutConnection c:
                writer.WriteString("c", "putConnection");
                writer.WritePropertyName("row");
                WriteRow(writer, c.Row);
                break;
            case SetState c:
                writer.WriteString("c", "setState");
                writer.WriteString("key", c.Key);
                writer.WriteString("state", c.State);
                break;
            case DeleteConnection c:
                writer.WriteString("c", "deleteConnection");
                writer.WriteString("key", c.Key);
                break;
            case DeleteConnectionsUnder c:
                writer.WriteString("c", "deleteConnectionsUnder");
                writer.WriteString("id", c.ResourceId);
                break;
            case PutOperation c:
                writer.WriteString("c", "putOperation");
                writer.WritePropertyName("op");
                WriteOperation(writer, c.Operation);
                break;
            case MarkApplied c:
                writer.WriteString("c", "markApplied");
                writer.WriteString("id", c.Id);
                break;
            case PurgeBefore c:
                writer.WriteString("c", "purgeBefore");
                writer.WriteNumber("ticks", c.Ticks);
                break;
            case SetMeta c:
                writer.WriteString("c", "setMeta");
                writer.WriteString("key", c.Key);
                writer.WriteString("value", c.Value);
                break;
            case Clear:
                writer.WriteString("c", "clear");
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteRow(Utf8JsonWriter writer, DataConnectionRow row)
    {
        writer.WriteStartObject();
        writer.WriteString("key", row.Key);
        writer.WriteString("parent", row.Parent);
        writer.WriteString("id", row.Id);
        writer.WriteString("name", row.Name);
        writer.WriteString("kind", row.Kind);
        writer.WriteString("location", row.Location);
        writer.WritePropertyName("properties");
        row.Properties.WriteTo(writer);
        writer.WriteString("provisioningState", row.ProvisioningState);
        writer.WriteEndObject();
    }

    private static void WriteOperation(Utf8JsonWriter writer, OperationRow op)
    {
        writer.WriteStartObject();
        writer.WriteString("id", op.Id);
        writer.WriteString("subscriptionId", op.SubscriptionId);
        writer.WriteString("location", op.Location);
        writer.WriteString("kind", op.Kind);
        writer.WriteString("resourceKey", op.ResourceKey);
        writer.WriteNumber("start", op.Start.Ticks);
        writer.WriteNumber("end", op.End.Ticks);
        writer.WriteString("outcome", op.Outcome);
        writer.WriteString("errorCode", op.ErrorCode);
        writer.WriteString("errorMessage", op.ErrorMessage);
        writer.WriteString("result", op.Result);
        writer.WriteBoolean("applied", op.Applied);
        writer.WriteEndObject();
    }

    // ---- Reading: the snapshot, then the journal's lines ----

    private void ReadSnapshot()
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(SnapshotPath));
            var root = document.RootElement;
            CheckFormat(root, SnapshotPath);
            generation = root.GetProperty("generation").GetInt64();
            foreach (var entry in root.GetProperty("meta").EnumerateObject())
            {
                meta[entry.Name] = entry.Value.GetString()!;
            }

            foreach (var row in root.GetProperty("dataConnections").EnumerateArray())
            {
                Apply(new PutConnection(ReadRow(row)));
            }

            foreach (var op in root.GetProperty("operations").EnumerateArray())
            {
                var read = ReadOperation(op);
                Apply(new PutOperation(read));
                if (read.Applied)
                {
                    Apply(new MarkApplied(read.Id));
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"The emulator's state file '{SnapshotPath}' is damaged: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Replays the journal of the current generation. Only its last line may be incomplete (a write cut short by a
    /// kill, never acknowledged): it is ignored. A damaged line before the last is refused.
    /// </summary>
    private void Replay(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var lines = new List<ReadOnlyMemory<byte>>();
        var start = 0;
        while (start < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
            {
                break; // Unterminated: torn.
            }

            lines.Add(bytes.AsMemory(start, end - start));
            start = end + 1;
        }

        if (lines.Count == 0 || !IsHeaderOf(lines[0].Span, generation))
        {
            return; // A journal started for a snapshot that was never switched to (or cut in its header): nothing in it counts.
        }

        for (var i = 1; i < lines.Count; i++)
        {
            List<Change> changes;
            try
            {
                changes = ReadChanges(lines[i]);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                if (i == lines.Count - 1 && start >= bytes.Length)
                {
                    break; // The last line, damaged in the write cut short: never acknowledged.
                }

                throw new InvalidDataException($"The emulator's journal '{path}' is damaged at line {i + 1}: {ex.Message}", ex);
            }

            foreach (var change in changes)
            {
                Apply(change);
            }
        }
    }

    private static bool IsHeaderOf(ReadOnlySpan<byte> header, long forGeneration)
    {
        try
        {
            using var document = JsonDocument.Parse(header.ToArray());
            CheckFormat(document.RootElement, "journal");
            return document.RootElement.GetProperty("generation").GetInt64() == forGeneration;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static void CheckFormat(JsonElement root, string file)
    {
        if (root.GetProperty("format").GetInt32() != FormatVersion)
        {
            throw new InvalidDataException($"The emulator's state '{file}' has format {root.GetProperty("format")}, not {FormatVersion}.");
        }
    }

    private List<Change> ReadChanges(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var changes = new List<Change>();
        foreach (var c in document.RootElement.EnumerateArray())
        {
            changes.Add(c.GetProperty("c").GetString() switch
            {
                "putConnection" => new PutConnection(ReadRow(c.GetProperty("row"))),
                "setState" => new SetState(Str(c, "key"), Str(c, "state")),
                "deleteConnection" => new DeleteConnection(Str(c, "key")),
                "deleteConnectionsUnder" => new DeleteConnectionsUnder(Str(c, "id")),
                "putOperation" => new PutOperation(ReadOperation(c.GetProperty("op"))),
                "markApplied" => new MarkApplied(Str(c, "id")),
                "purgeBefore" => new PurgeBefore(c.GetProperty("ticks").GetInt64()),
                "setMeta" => new SetMeta(Str(c, "key"), Str(c, "value")),
                "clear" => new Clear(),
                var other => throw new FormatException($"Unknown change '{other}'."),
            });
        }

        return changes;
    }

    private DataConnectionRow ReadRow(JsonElement e) => new(
        Str(e, "key"), Pooled(Str(e, "parent")), Str(e, "id"), Str(e, "name"), Pooled(Str(e, "kind")), Pooled(Str(e, "location")),
        JsonNode.Parse(e.GetProperty("properties").GetRawText()) as JsonObject ?? new JsonObject(), Pooled(Str(e, "provisioningState")));

    private OperationRow ReadOperation(JsonElement e) => new(
        Str(e, "id"), Pooled(Str(e, "subscriptionId")), Pooled(Str(e, "location")), Pooled(Str(e, "kind")), Str(e, "resourceKey"),
        new DateTime(e.GetProperty("start").GetInt64(), DateTimeKind.Utc), new DateTime(e.GetProperty("end").GetInt64(), DateTimeKind.Utc),
        Pooled(Str(e, "outcome")), e.GetProperty("errorCode").GetString() is { } code ? Pooled(code) : null,
        e.GetProperty("errorMessage").GetString(), e.GetProperty("result").GetString(), e.GetProperty("applied").GetBoolean());

    /// <summary>One instance of each of the few values that repeat in every record read back (subscription, location, kind, state).</summary>
    private string Pooled(string value)
    {
        if (readPool.TryGetValue(value, out var pooled))
        {
            return pooled;
        }

        readPool.Add(value);
        return value;
    }

    private static string Str(JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null.");

    // ---- The changes and their effect in memory (the same for a live write and a replay) ----

    private void Apply(Change change)
    {
        switch (change)
        {
            case PutConnection c:
                if (connections.TryGetValue(c.Row.Key, out var replaced))
                {
                    RemoveConnection(replaced);
                }

                connections[c.Row.Key] = c.Row;
                if (!connectionsByParent.TryGetValue(c.Row.Parent, out var siblings))
                {
                    connectionsByParent[c.Row.Parent] = siblings = new SortedDictionary<string, DataConnectionRow>(StringComparer.Ordinal);
                }

                siblings[c.Row.Key] = c.Row;
                break;
            case SetState c:
                if (connections.TryGetValue(c.Key, out var row))
                {
                    var updated = row with { ProvisioningState = c.State };
                    connections[c.Key] = updated;
                    connectionsByParent[row.Parent][c.Key] = updated;
                }

                break;
            case DeleteConnection c:
                if (connections.TryGetValue(c.Key, out var deleted))
                {
                    RemoveConnection(deleted);
                }

                break;
            case DeleteConnectionsUnder c:
                var prefix = c.ResourceId + "/";
                foreach (var parent in connectionsByParent.Keys.Where(p => p == c.ResourceId || p.StartsWith(prefix, StringComparison.Ordinal)).ToList())
                {
                    foreach (var under in connectionsByParent[parent].Values.ToList())
                    {
                        RemoveConnection(under);
                    }
                }

                break;
            case PutOperation c:
                if (operations.TryGetValue(c.Operation.Id, out var previous))
                {
                    RemoveOperation(previous);
                }

                // An operation of a data connection shares its key string (the largest part of an operation in memory).
                var added = connections.TryGetValue(c.Operation.ResourceKey, out var target) && !ReferenceEquals(target.Key, c.Operation.ResourceKey)
                    ? c.Operation with { ResourceKey = target.Key }
                    : c.Operation;
                operations[added.Id] = added;
                (added.Applied ? finished : pending).Add((added.End.Ticks, added.Id));
                break;
            case MarkApplied c:
                if (operations.TryGetValue(c.Id, out var op) && !op.Applied)
                {
                    pending.Remove((op.End.Ticks, op.Id));
                    operations[c.Id] = op with { Applied = true };
                    finished.Add((op.End.Ticks, op.Id));
                }

                break;
            case PurgeBefore c:
                while (finished.Count > 0 && finished.Min.End < c.Ticks)
                {
                    var (_, id) = finished.Min;
                    finished.Remove(finished.Min);
                    operations.Remove(id);
                }

                break;
            case SetMeta c:
                meta[c.Key] = c.Value;
                break;
            case Clear:
                connections.Clear();
                connectionsByParent.Clear();
                operations.Clear();
                pending.Clear();
                finished.Clear();
                break;
        }
    }

    private void RemoveConnection(DataConnectionRow row)
    {
        connections.Remove(row.Key);
        if (connectionsByParent.TryGetValue(row.Parent, out var siblings))
        {
            siblings.Remove(row.Key);
            if (siblings.Count == 0)
            {
                connectionsByParent.Remove(row.Parent);
            }
        }
    }

    private void RemoveOperation(OperationRow op)
    {
        operations.Remove(op.Id);
        (op.Applied ? finished : pending).Remove((op.End.Ticks, op.Id));
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stale file is ignored when the state is read.
        }
    }

    private abstract record Change;

    private sealed record PutConnection(DataConnectionRow Row) : Change;

    private sealed record SetState(string Key, string State) : Change;

    private sealed record DeleteConnection(string Key) : Change;

    /// <summary>Drops every data connection whose parent is the (lower-case) id or lies under it.</summary>
    private sealed record DeleteConnectionsUnder(string ResourceId) : Change;

    private sealed record PutOperation(OperationRow Operation) : Change;

    private sealed record MarkApplied(string Id) : Change;

    private sealed record PurgeBefore(long Ticks) : Change;

    private sealed record SetMeta(string Key, string Value) : Change;

    private sealed record Clear : Change;

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
