package cutover.backup;

import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;

import java.util.List;
import java.util.Optional;

/**
 * A source that hands out only the records whose key matches a pattern, for a partial restore.
 * Positions are the underlying reader's, so a resumed read skips what the killed one passed over,
 * matched or not. Estimates stay the whole source's: a pattern's share is not known before reading.
 */
public final class KeyFilteredSource implements Source {
    private final Source source;
    private final KeyGlob glob;

    public KeyFilteredSource(Source source, KeyGlob glob) {
        this.source = source;
        this.glob = glob;
    }

    @Override public List<EntityInfo> entities() { return source.entities(); }

    @Override public Optional<List<EntityInfo>> quickEstimates() { return source.quickEstimates(); }

    @Override public List<Split> splits(int parallelism) { return source.splits(parallelism); }
    @Override public List<Split> splitsExcept(int parallelism, java.util.Set<cutover.model.EntityName> skipped) { return source.splitsExcept(parallelism, skipped); }

    @Override
    public RecordReader read(Split split, Position from) {
        RecordReader reader = source.read(split, from);
        return new RecordReader() {
            @Override
            public Item next() {
                for (Item item = reader.next(); item != null; item = reader.next()) {
                    if (item instanceof Ok ok && glob.matches(ok.record().key())) return item;
                    if (item instanceof Unreadable u && (u.key() == null || glob.matches(u.key()))) return item;
                }
                return null;
            }

            @Override public Position position() { return reader.position(); }

            @Override public void close() { reader.close(); }
        };
    }
}
