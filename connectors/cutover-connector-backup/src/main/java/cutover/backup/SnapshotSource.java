package cutover.backup;

import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot as a {@link Source}, so a restore is the same pipeline as a migration: one split per
 * entity (its id is the entity name, stable across runs), read in the order it was backed up.
 * Readers run in parallel, each with its own pack handle.
 */
public final class SnapshotSource implements Source {
    private final Repository.Internals repo;
    private final Snapshot snapshot;
    private final Index index;

    SnapshotSource(Repository.Internals repo, Snapshot snapshot) {
        this.repo = repo;
        this.snapshot = snapshot;
        this.index = repo.loadIndex();
    }

    public Snapshot snapshot() { return snapshot; }

    @Override
    public List<EntityInfo> entities() {
        List<EntityInfo> out = new ArrayList<>();
        for (EntitySnapshot e : snapshot.entities()) out.add(new EntityInfo(e.entityName(), e.records(), e.bytes(), e.keyColumns()));
        return out;
    }

    @Override
    public List<Split> splits(int parallelism) {
        List<Split> out = new ArrayList<>();
        for (EntitySnapshot e : snapshot.entities()) {
            out.add(new Split(e.name(), java.util.Set.of(e.entityName()), e.records(),
                    "snapshot " + snapshot.shortId() + ", entity " + e.name()));
        }
        return out;
    }

    @Override
    public RecordReader read(Split split, Position from) {
        EntitySnapshot entity = snapshot.entities().stream().filter(e -> e.name().equals(split.id())).findFirst()
                .orElseThrow(() -> new CutoverException(ErrorCode.SOURCE_CHANGED, "snapshot " + snapshot.shortId() + " has no entity " + split.id()));
        BlobReader blobs = new BlobReader(repo.files(), index, repo.keys());
        try {
            return new SnapshotRecordReader(snapshot, entity, blobs, from);
        } catch (RuntimeException e) {
            blobs.close();
            throw e;
        }
    }
}
