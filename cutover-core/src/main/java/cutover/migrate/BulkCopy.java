package cutover.migrate;

import cutover.connector.CopyShape;
import cutover.connector.CopyTextSink;
import cutover.connector.CopyTextSource;
import cutover.connector.Position;
import cutover.connector.Sink;
import cutover.connector.Split;
import cutover.model.EntityName;
import cutover.model.Table;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * A split moved as the source's bulk text, loaded by the sink as it is: no record is decoded, mapped
 * or encoded again. Only where that gives exactly the rows the record pipeline would: a split not yet
 * begun, of one entity the source gives as text, that the plan copies column for column, into a
 * table the sink says takes the text as the same values (one the run created). One transaction holds
 * the rows and the split's checkpoint, so a crash leaves all of them or none, as with batches.
 */
final class BulkCopy {
    private static final int PROGRESS_EVERY = 10_000;

    private final CopyTextSource source;
    private final CopyTextSink sink;
    private final Migration.Config config;
    private final Split split;
    private final EntityName entity;
    private final CopyShape shape;
    private final Table table;

    private BulkCopy(Migration.Config config, Split split, EntityName entity, CopyShape shape, Table table) {
        this.source = (CopyTextSource) config.source();
        this.sink = (CopyTextSink) config.sink();
        this.config = config;
        this.split = split;
        this.entity = entity;
        this.shape = shape;
        this.table = table;
    }

    /** The bulk route for this split, or empty where records must go one by one. */
    static Optional<BulkCopy> of(Migration.Config config, Split split, Sink.Checkpoint start) {
        if (start != null || split.entities().size() != 1) return Optional.empty();
        if (!(config.source() instanceof CopyTextSource source) || !(config.sink() instanceof CopyTextSink sink)) return Optional.empty();
        EntityName entity = split.entities().iterator().next();
        Optional<CopyShape> shape = source.copyShape(entity);
        if (shape.isEmpty()) return Optional.empty();
        Optional<Table> table = config.mapper().copiesAsIs(entity, shape.get().columnNames());
        if (table.isEmpty() || !sink.takesCopy(config.runId(), table.get(), shape.get())) return Optional.empty();
        return Optional.of(new BulkCopy(config, split, entity, shape.get(), table.get()));
    }

    String table() { return table.name(); }

    /** Loads the split; returns what it added (every row read is written). On failure, takes back the progress it showed. */
    MigrateResult.Totals run() {
        MigrationProgress.Counters counters = config.progress().counters(entity);
        Progress progress = new Progress(counters);
        try {
            long loaded = sink.copyIn(config.runId(), split.id(), table, shape.columns(), out -> source.copyOut(split, progress.through(out)),
                    rows -> new Sink.Checkpoint(new Position(rows, ""), rows, rows, 0, 0, true));
            progress.add(loaded - progress.counted);
            return new MigrateResult.Totals(loaded, loaded, 0, 0);
        } catch (RuntimeException e) {
            progress.add(-progress.counted);
            throw e;
        }
    }

    /** Counts the lines going through, for the progress bars (a few thousand behind until the split ends). */
    private static final class Progress {
        private final MigrationProgress.Counters counters;
        private long lines;
        private long counted;

        Progress(MigrationProgress.Counters counters) {
            this.counters = counters;
        }

        void add(long rows) {
            counters.read.add(rows);
            counters.written.add(rows);
            counted += rows;
        }

        OutputStream through(OutputStream out) {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    int newlines = 0;
                    for (int i = off; i < off + len; i++) newlines += b[i] == '\n' ? 1 : 0; // no branch: a tight loop
                    lines += newlines;
                    while (lines - counted >= PROGRESS_EVERY) add(PROGRESS_EVERY);
                }
            };
        }
    }
}
