package cutover.backup;

import cutover.connector.CopyShape;
import cutover.connector.CopyTextFormat;
import cutover.connector.CopyTextSource;
import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import cutover.model.EntityName;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot as a {@link Source}, so a restore is the same pipeline as a migration: one split per
 * part of each entity, read in the order it was backed up. A part is the records one source split
 * gave at backup time, so a table that was read in several key ranges is restored by as many
 * readers. The split id is the entity name for a one-part entity, {@code name#part-N} (N from 1)
 * otherwise: stable across runs over the same snapshot. An entity with change layers has a split
 * per base part, each filtered by the layers ({@link LayerMerge}, or {@link ChangeLayers} where the
 * format cannot tell the keys' order), and one split, {@code name#layers}, for all its layers'
 * rows ({@link LayersNewestFirst}). Readers run in parallel, each with its own pack handle.
 */
public final class SnapshotSource implements CopyTextSource {
    private final Repository.Internals repo;
    private final Snapshot snapshot;
    /** Read on a thread of its own from the start: the plan, the target's tables and connections are made meanwhile. */
    private final java.util.function.Supplier<Index> index;
    private final java.util.Map<String, ChangeLayers> layers = new java.util.concurrent.ConcurrentHashMap<>(); // by entity, read once
    private static final String LAYERS = "#layers";

    SnapshotSource(Repository.Internals repo, Snapshot snapshot) {
        this.repo = repo;
        this.snapshot = snapshot;
        this.index = repo.readIndexBeside();
    }

    public Snapshot snapshot() { return snapshot; }

    /**
     * The snapshot's schema as analyze would find it, read from the manifest without a pass over the
     * records; empty when the manifest cannot tell (see {@link SnapshotSchema}).
     */
    public java.util.Optional<cutover.analyze.Schema> schemaFromManifest(String sourceName) {
        return SnapshotSchema.of(snapshot, sourceName);
    }

    @Override
    public List<EntityInfo> entities() {
        List<EntityInfo> out = new ArrayList<>();
        for (EntitySnapshot e : snapshot.entities()) out.add(new EntityInfo(e.entityName(), e.records(), e.bytes(), e.keyColumns()));
        return out;
    }

    @Override
    public List<String> keyColumns(cutover.model.EntityName entity) {
        return snapshot.entity(entity).map(EntitySnapshot::keyColumns).orElse(List.of());
    }

    /** The definitions of the tables stored as their database's own rows, as the backup read them: a migration from the snapshot makes them so. */
    @Override
    public java.util.Map<EntityName, cutover.model.NativeDefinition> definitions(java.util.Collection<EntityName> entities) {
        java.util.Map<EntityName, cutover.model.NativeDefinition> out = new java.util.LinkedHashMap<>();
        for (EntityName name : entities) {
            snapshot.entity(name).filter(e -> e.copyText() != null && e.definition() != null).ifPresent(e -> out.put(name, e.definition()));
        }
        return out;
    }

    /** What the snapshot's source held beside its tables (a PostgreSQL schema's functions, triggers, policies), as the backup read it. */
    @Override
    public java.util.Optional<cutover.model.NativeDefinition> schemaObjects() {
        return java.util.Optional.ofNullable(snapshot.schema());
    }

    /** A table stored without a primary key: its records are keyed by their place in the snapshot. */
    @Override
    public boolean keyedByPlace(cutover.model.EntityName entity) {
        return snapshot.entity(entity).map(e -> e.copyText() != null && e.keyColumns().isEmpty()).orElse(false);
    }

    @Override
    public List<Split> splits(int parallelism) {
        List<Split> out = new ArrayList<>();
        for (EntitySnapshot e : snapshot.entities()) {
            List<EntityPart> parts = e.streamParts();
            for (int i = 0; i < baseParts(e); i++) {
                String description = "snapshot " + snapshot.shortId() + ", entity " + e.name() + (parts.size() == 1 ? "" : ", part " + (i + 1) + " of " + parts.size());
                out.add(new Split(splitId(e, i), java.util.Set.of(e.entityName()), parts.get(i).records(), description));
            }
            if (e.layered()) {
                long rows = e.changes().layers().stream().mapToLong(l -> parts.get(l.rowsPart()).records()).sum(); // at most: some are replaced
                out.add(new Split(e.name() + LAYERS, java.util.Set.of(e.entityName()), rows, "snapshot " + snapshot.shortId() + ", entity " + e.name()
                        + ", its " + e.changes().layers().size() + " change layers"));
            }
        }
        return out;
    }

    /** The parts before the entity's first change layer: all of them when it has none. */
    private static int baseParts(EntitySnapshot e) {
        return e.layered() ? e.changes().layers().get(0).rowsPart() : e.streamParts().size();
    }

    @Override
    public RecordReader read(Split split, Position from) {
        return read(split, from, null);
    }

    /**
     * The split's records whose key matches {@code glob} (null: all), the other lines of a part
     * stored as bulk text skipped before they are decoded ({@link KeyGate}); a part of records gives
     * them all. Positions count the records given, so a resumed read must be given the same pattern.
     */
    RecordReader read(Split split, Position from, KeyGlob glob) {
        for (EntitySnapshot e : snapshot.entities()) {
            if (e.layered() && split.id().equals(e.name() + LAYERS)) return new LayersNewestFirst(snapshot, e, parts(e), from, glob);
            for (int i = 0; i < baseParts(e); i++) {
                if (splitId(e, i).equals(split.id())) return open(e, i, from, glob);
            }
        }
        throw new CutoverException(ErrorCode.SOURCE_CHANGED, "snapshot " + snapshot.shortId() + " has no entity or part " + split.id());
    }

    /** Whether the entity's lines are told by key before they are decoded ({@link KeyGate}): stored as bulk text of a format that decodes a key alone. */
    boolean gated(EntityName entity) {
        return snapshot.entity(entity).flatMap(e -> KeyGate.keysOf(snapshot, e)).isPresent();
    }

    /** The entity's bulk text layout, where the backup stored it so and this Cutover reads its format. */
    @Override
    public java.util.Optional<CopyShape> copyShape(EntityName entity) {
        return snapshot.entity(entity).map(EntitySnapshot::copyText).filter(shape -> CopyTextFormat.named(shape.format()).isPresent());
    }

    /**
     * The part's bytes as they were stored, chunk by chunk, each proven as it is read; at the end the
     * part's length, SHA-256 and line count are checked against the manifest, and a mismatch throws
     * {@code BACKUP_CORRUPT} after the lines were written: a sink commits nothing before this returns.
     */
    @Override
    public long copyOut(Split split, OutputStream out) {
        return copyOut(split, out, null);
    }

    /**
     * {@link #copyOut(Split, OutputStream)} of the lines whose key matches {@code glob} (null: all),
     * told from their key fields ({@link KeyGate}); the entity must be {@link #gated} by it.
     */
    long copyOut(Split split, OutputStream out, KeyGlob glob) {
        for (EntitySnapshot e : snapshot.entities()) {
            if (glob != null && split.entities().contains(e.entityName()) && !gated(e.entityName())) {
                throw new IllegalArgumentException("entity " + e.name() + "'s lines cannot be told by key");
            }
            if (e.layered() && split.id().equals(e.name() + LAYERS)) {
                try (LayersNewestFirst layered = new LayersNewestFirst(snapshot, e, parts(e), Position.START, glob)) {
                    return layered.copyTo(out);
                }
            }
            for (int i = 0; i < baseParts(e); i++) {
                if (!splitId(e, i).equals(split.id())) continue;
                if (e.copyText() == null) throw new IllegalArgumentException(e.name() + " holds records, not bulk text");
                try (SnapshotRecordReader part = open(e, i, Position.START, glob)) {
                    return part.copyTo(out);
                }
            }
        }
        throw new CutoverException(ErrorCode.SOURCE_CHANGED, "snapshot " + snapshot.shortId() + " has no entity or part " + split.id());
    }

    private static String splitId(EntitySnapshot e, int part) {
        return e.streamParts().size() == 1 ? e.name() : e.name() + "#part-" + (part + 1);
    }

    private LayerKeys.Parts parts(EntitySnapshot entity) {
        return LayerKeys.parts(snapshot, entity, () -> new BlobReader(repo.files(), index.get(), repo.keys()));
    }

    /**
     * The lines of a base part that the change layers leave, or null for all: merged with the layers
     * where the format tells the keys' order, else from every layer's keys, read once for the entity.
     */
    private SnapshotRecordReader.LineFilter filterFor(EntitySnapshot entity, int part) {
        if (!entity.layered()) return null;
        CopyTextFormat.KeyReader keys = LayerKeys.reader(snapshot, entity, false);
        if (keys.order() != null) return LayerMerge.open(snapshot, entity, part, parts(entity), keys);
        return layers.computeIfAbsent(entity.name(), name -> ChangeLayers.read(snapshot, entity, parts(entity))).baseFilter();
    }

    /** A base part's lines that the change layers leave and, with a pattern, whose key matches it. */
    private SnapshotRecordReader open(EntitySnapshot entity, int part, Position from, KeyGlob glob) {
        return parts(entity).open(part, from, KeyGate.after(filterFor(entity, part), KeyGate.of(snapshot, entity, glob)));
    }
}
