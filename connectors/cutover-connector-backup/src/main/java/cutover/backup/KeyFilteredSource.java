package cutover.backup;

import cutover.connector.CopyShape;
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
import java.util.List;
import java.util.Optional;

/**
 * A source that hands out only the records whose key matches a pattern, for a partial restore.
 * Positions are the underlying reader's, so a resumed read skips what the killed one passed over,
 * matched or not. Estimates stay the whole source's: a pattern's share is not known before reading.
 *
 * <p>A snapshot is asked for the matching records only ({@link SnapshotSource#read(Split, Position,
 * KeyGlob)}): the lines of its bulk text whose key does not match are skipped undecoded, and its
 * positions count the records it gives. They carry the pattern, so that a checkpoint written by a
 * reader that counted otherwise (a Cutover before this one counted every record) is refused, not
 * taken for a count of matching records.
 */
public final class KeyFilteredSource implements CopyTextSource {
    private final Source source;
    private final KeyGlob glob;

    public KeyFilteredSource(Source source, KeyGlob glob) {
        this.source = source;
        this.glob = glob;
    }

    @Override public List<EntityInfo> entities() { return source.entities(); }

    @Override public Optional<List<EntityInfo>> quickEstimates() { return source.quickEstimates(); }

    @Override public List<String> keyColumns(EntityName entity) { return source.keyColumns(entity); }

    @Override public boolean keyedByPlace(EntityName entity) { return source.keyedByPlace(entity); }

    @Override public List<Split> splits(int parallelism) { return source.splits(parallelism); }
    @Override public List<Split> splitsExcept(int parallelism, java.util.Set<cutover.model.EntityName> skipped) { return source.splitsExcept(parallelism, skipped); }

    /**
     * A snapshot's entity stored as bulk text whose lines are told by key: its matching lines, as
     * they are stored, so that a partial restore goes the way a whole one does (COPY, into tables
     * made as the source defined them, or by upsert over the ones it came from); else records.
     */
    @Override
    public Optional<CopyShape> copyShape(EntityName entity) {
        return source instanceof SnapshotSource snapshot && snapshot.gated(entity) ? snapshot.copyShape(entity) : Optional.empty();
    }

    @Override
    public long copyOut(Split split, OutputStream out) {
        return ((SnapshotSource) source).copyOut(split, out, glob);
    }

    @Override
    public RecordReader read(Split split, Position from) {
        if (source instanceof SnapshotSource snapshot) return matching(snapshot.read(split, from(split, from), glob));
        return matching(source.read(split, from));
    }

    private Position from(Split split, Position from) {
        if (from.isStart() || from.token().equals(token())) return from;
        throw new CutoverException(ErrorCode.SOURCE_CHANGED, "the checkpoint of " + split.description() + " counts " + from.ordinal()
                + " records read in another way than this Cutover reads a pattern's records; run the restore again with --restart");
    }

    /** The token of this source's positions over a snapshot: the pattern they count the records of. */
    private String token() {
        return "where-key " + glob.pattern();
    }

    private RecordReader matching(RecordReader reader) {
        boolean counted = source instanceof SnapshotSource;
        return new RecordReader() {
            @Override
            public Item next() {
                for (Item item = reader.next(); item != null; item = reader.next()) {
                    if (item instanceof Ok ok && glob.matches(ok.record().key())) return item;
                    if (item instanceof Unreadable u && (u.key() == null || glob.matches(u.key()))) return item;
                }
                return null;
            }

            @Override
            public Position position() {
                Position at = reader.position();
                return counted ? new Position(at.ordinal(), token()) : at;
            }

            @Override public void close() { reader.close(); }
        };
    }
}
