package cutover.migrate;

import cutover.connector.Position;
import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.EntityName;
import cutover.model.Record;
import cutover.model.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records the last pass of a run parked because the target's foreign key found no row they
 * refer to (docs/design.md, "Records whose parent is missing"): when every split is done, they are
 * written again, round after round while a round writes any (a parked record may be another's
 * parent, or refer to one written later in its split or in another); those still refused then refer
 * to a row that nothing in the source brings, and go to the dead-letter file with the key they miss.
 *
 * <p>The outcome is kept in the target as a checkpoint of its own ({@link #SPLIT}), whose counts move
 * the records written from set aside (where their splits counted them) to written. Settling is all
 * or nothing across a crash: the dead-letter file with the orphans added is made beside the old one
 * ({@code .next}), the checkpoint is committed done, then the file replaces the old one; a run
 * resumed before the commit settles again from the start (every write is an upsert), one resumed
 * after it only moves the file into place ({@link #recover}).
 */
final class ParkedRecords {
    /** The checkpoint's split id: no source's split is named so. */
    static final String SPLIT = "#parked";
    static final String FILE = "parked.ndjson";

    private final Migration.Config config;
    private final Set<String> guardedKeys;
    private final Map<String, Table> tablesByName = new HashMap<>();
    private final Map<String, KeyClaims> claimsBySplit = new HashMap<>();
    /**
     * Records settled for good, by split, as bits at their ordinals: written, or set aside for a
     * reason another round cannot change. A bit a record: a million parked records take ~125 KB.
     */
    private final Map<String, java.util.BitSet> settled = new HashMap<>();
    /** Ordinals past what a bit set indexes (2^31), in a set: a split that large is not met in practice. */
    private final Set<String> settledFar = new HashSet<>();
    /** The new dead-letter file being made ({@code .next}): records set aside for good are appended as they are met. */
    private DeadLetterFile setAside;
    private final Map<String, Long> setAsideBySplit = new HashMap<>();
    private long written;
    private long skipped;

    ParkedRecords(Migration.Config config, Set<String> guardedKeys) {
        this.config = config;
        this.guardedKeys = guardedKeys;
        for (Table t : config.mapper().tables()) tablesByName.put(t.name(), t);
    }

    static Path file(Path runDirectory) {
        return runDirectory.resolve(FILE);
    }

    static Path next(Path deadLetterFile) {
        return deadLetterFile.resolveSibling(deadLetterFile.getFileName() + ".next");
    }

    /**
     * Before a run opens its files: finishes settling that committed before a crash (the dead-letter
     * file made with the orphans moved into place, the parked records dropped), or drops what a
     * settling that did not commit left.
     */
    static void recover(Path runDirectory, Path deadLetterFile, Sink.Checkpoint settledCheckpoint) {
        try {
            Path next = next(deadLetterFile);
            boolean settled = settledCheckpoint != null && settledCheckpoint.done();
            if (Files.exists(next)) {
                if (settled) Files.move(next, deadLetterFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                else Files.delete(next);
            }
            if (settled) Files.deleteIfExists(file(runDirectory));
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot settle the parked records of " + runDirectory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Marks in the target that the run parks records (its settling checkpoint, not done, nothing
     * counted), in a transaction of its own before the first batch that parks one commits: a run
     * resumed in a state folder without the parked records' file then knows they are elsewhere.
     */
    static void markParking(Migration.Config config) {
        mark(config, false);
    }

    /** Marks the run's parking settled, where every record parked since the mark was dropped with its uncommitted batch. */
    static void markNoneParked(Migration.Config config) {
        mark(config, true);
    }

    private static void mark(Migration.Config config, boolean done) {
        try (SinkWriter writer = config.sink().writer(config.runId(), SPLIT, config.mapper().tables())) {
            writer.write(List.of(), new Sink.Checkpoint(new Position(0, ""), 0, 0, 0, 0, done));
        }
    }

    /** Drops the parked records' file when it holds none (a run that parked nothing). */
    static void dropIfNone(Path runDirectory) {
        try {
            Path f = file(runDirectory);
            if (Files.exists(f) && Files.size(f) == 0) Files.delete(f);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot remove " + file(runDirectory) + ": " + e.getMessage(), e);
        }
    }

    /** Whether the run has parked records to settle. */
    static boolean any(Path runDirectory) {
        Path f = file(runDirectory);
        try {
            return Files.exists(f) && Files.size(f) > 0;
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the parked records that the target now takes, sets the rest aside, and returns what
     * that changes in the run's totals (written up, set aside down by as many).
     */
    MigrateResult.Totals settle(Path deadLetterFile) {
        Path parked = file(config.runDirectory());
        Path next = next(deadLetterFile);
        boolean wroteAny = true;
        try (SinkWriter writer = config.sink().writer(config.runId(), SPLIT, config.mapper().tables());
             DeadLetterFile made = copyOf(deadLetterFile, next)) {
            setAside = made;
            // in parts of a batch, the file's order one round and the reverse the next: a chain of references
            // against the order of one is written in a round of the other (one part a round, the same way)
            List<Long> parts = DeadLetterFile.lineOffsets(parked, config.batchSize());
            for (int round = 0; wroteAny; round++) {
                long before = written;
                for (int i = 0; i < parts.size(); i++) {
                    long offset = parts.get(round % 2 == 0 ? i : parts.size() - 1 - i);
                    List<DeadLetterFile.Entry> chunk = new ArrayList<>(config.batchSize());
                    DeadLetterFile.records(parked, offset, config.batchSize(), e -> {
                        if (!isSettled(e)) chunk.add(e);
                    });
                    if (!chunk.isEmpty()) write(writer, chunk);
                }
                wroteAny = written > before;
            }
            // the rest refer to rows nothing brought: set aside with the reason they were parked for (the key they miss)
            List<DeadLetterFile.Entry> orphans = new ArrayList<>(config.batchSize());
            DeadLetterFile.records(parked, e -> {
                if (isSettled(e)) return;
                orphans.add(e);
                if (orphans.size() == config.batchSize()) {
                    setAsideForGood(orphans);
                    orphans.clear();
                }
            });
            setAsideForGood(orphans);
            writer.write(List.of(), checkpoint(true));
        }
        recover(config.runDirectory(), deadLetterFile, checkpoint(true));
        return totals();
    }

    /** Records written by settling. */
    long written() { return written; }

    /** What settling changed in the run's totals. */
    private MigrateResult.Totals totals() {
        return new MigrateResult.Totals(0, written, -written - skipped, skipped);
    }

    private Sink.Checkpoint checkpoint(boolean done) {
        MigrateResult.Totals t = totals();
        return new Sink.Checkpoint(new Position(written, ""), t.read(), t.written(), t.deadLettered(), t.skipped(), done);
    }

    /** One chunk of parked records: written in one transaction, those the target refuses taken out first. */
    private void write(SinkWriter writer, List<DeadLetterFile.Entry> chunk) {
        List<DeadLetterFile.Entry> entries = new ArrayList<>();
        List<List<Record>> rows = new ArrayList<>();
        List<List<SinkWriter.KeyClaim>> claims = new ArrayList<>();
        for (DeadLetterFile.Entry e : chunk) {
            RowMapper.Mapped m = config.mapper().mapGuarded(e.record());
            if (m instanceof RowMapper.Rows r) {
                entries.add(e);
                rows.add(r.rows());
                claims.add(claimsOf(e.split()).of(e.record(), r.rows()));
            } else if (m instanceof RowMapper.Failed f) {
                setAsideForGood(List.of(withError(e, f.error())));
            } else { // the plan skips it now (a plan edited since the record was parked)
                settle(e);
                skipped++;
                MigrationProgress.Counters counters = config.progress().counters(EntityName.of(e.entity()));
                counters.deadLettered.decrement();
                counters.skipped.increment();
            }
        }
        while (!entries.isEmpty()) {
            List<Record> all = new ArrayList<>();
            rows.forEach(all::addAll);
            List<SinkWriter.KeyClaim> allClaims = new ArrayList<>();
            List<Integer> owners = new ArrayList<>();
            for (int i = 0; i < claims.size(); i++) {
                for (SinkWriter.KeyClaim c : claims.get(i)) {
                    allClaims.add(c);
                    owners.add(i);
                }
            }
            Map<Integer, RecordError> refused = new java.util.TreeMap<>();
            try {
                long after = written + entries.size();
                MigrateResult.Totals t = new MigrateResult.Totals(0, after, -after - skipped, skipped);
                writer.write(all, allClaims, new Sink.Checkpoint(new Position(after, ""), 0, t.written(), t.deadLettered(), t.skipped(), false));
                for (DeadLetterFile.Entry e : entries) {
                    settle(e);
                    // the entity's line in the summary: set aside when parked, written now
                    MigrationProgress.Counters counters = config.progress().counters(EntityName.of(e.entity()));
                    counters.deadLettered.decrement();
                    counters.written.increment();
                }
                written = after;
                return;
            } catch (SinkWriter.KeysTaken taken) {
                taken.holders().forEach((claim, holder) -> refused.putIfAbsent(owners.get(claim),
                        SplitPipeline.keyTaken(allClaims.get(claim), rows.get(owners.get(claim)), holder, "which this run wrote first")));
            } catch (CutoverException e) {
                if (e.code() != ErrorCode.TARGET_ROWS_REFUSED && !Migration.missesAParent(e)) throw e;
                refused.putAll(writer.refusedOrOrphaned(rows));
                if (refused.isEmpty()) throw e;
            }
            for (int i = entries.size() - 1; i >= 0; i--) {
                RecordError error = refused.get(i);
                if (error == null) continue;
                DeadLetterFile.Entry e = entries.remove(i);
                rows.remove(i);
                claims.remove(i);
                // a missing parent may come with a later chunk or round; any other refusal stands
                if (error.code() != ErrorCode.RECORD_REFERENCE_MISSING) setAsideForGood(List.of(withError(e, error)));
            }
        }
    }

    /** What settling did, for the run's summary. */
    String summary() {
        long aside = setAsideBySplit.values().stream().mapToLong(Long::longValue).sum();
        return String.format(java.util.Locale.ROOT, "%,d records referred to rows the target did not hold when their batches were written:"
                + " %,d were written once every part had loaded%s, %,d set aside (%s where the row they refer to came with no record;"
                + " the dead-letter file names it)", written + aside + skipped, written,
                skipped == 0 ? "" : String.format(java.util.Locale.ROOT, ", %,d are skipped by the plan now", skipped), aside, ErrorCode.RECORD_REFERENCE_MISSING);
    }

    /** How many of the split's parked records settling set aside: refused for good, or referring to a row nothing brought. */
    long setAside(String split) {
        return setAsideBySplit.getOrDefault(split, 0L);
    }

    private void setAsideForGood(List<DeadLetterFile.Entry> entries) {
        for (DeadLetterFile.Entry e : entries) {
            settle(e);
            setAsideBySplit.merge(e.split(), 1L, Long::sum);
        }
        setAside.append(entries);
    }

    private void settle(DeadLetterFile.Entry e) {
        if (e.ordinal() > Integer.MAX_VALUE) settledFar.add(e.split() + "\u0000" + e.ordinal());
        else settled.computeIfAbsent(e.split(), s -> new java.util.BitSet()).set((int) e.ordinal());
    }

    private boolean isSettled(DeadLetterFile.Entry e) {
        if (e.ordinal() > Integer.MAX_VALUE) return settledFar.contains(e.split() + "\u0000" + e.ordinal());
        java.util.BitSet bits = settled.get(e.split());
        return bits != null && bits.get((int) e.ordinal());
    }

    private KeyClaims claimsOf(String split) {
        return claimsBySplit.computeIfAbsent(split, s -> new KeyClaims(guardedKeys, tablesByName, config.sink(), s));
    }

    private static DeadLetterFile.Entry withError(DeadLetterFile.Entry e, RecordError error) {
        return new DeadLetterFile.Entry(e.split(), e.ordinal(), e.entity(), e.key(), error, e.record(), null);
    }

    /** A copy of the dead-letter file as {@code next}, open for appending (each append forced to disk). */
    private static DeadLetterFile copyOf(Path deadLetterFile, Path next) {
        try {
            if (Files.exists(deadLetterFile)) Files.copy(deadLetterFile, next, StandardCopyOption.REPLACE_EXISTING);
            else Files.deleteIfExists(next);
            return DeadLetterFile.appendingTo(next);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot write " + next + ": " + e.getMessage(), e);
        }
    }
}
