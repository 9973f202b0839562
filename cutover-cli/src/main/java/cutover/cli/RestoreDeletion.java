package cutover.cli;

import cutover.backup.KeyGlob;
import cutover.connector.RowDeletion;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.ValueCodec;
import cutover.plan.EntityMapping;
import cutover.plan.Plan;
import cutover.plan.PlanMapper;
import cutover.verify.Difference;
import cutover.verify.DifferenceLog;
import cutover.verify.Verifier;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A restore's {@code --delete}: once the snapshot's rows are in, the target's rows whose key the
 * snapshot does not hold (in the tables restored, within {@code --where-key}) are deleted, so each
 * table holds what the snapshot held: a rollback point restored drops the rows the migration, or the
 * application since, added. They are found as the dry run finds them (the snapshot compared with
 * the target, counts, digests, then rows: {@link Verifier#planWithin}) and spooled to a file, then
 * deleted table by table, children before their parents, in batches of {@value #BATCH}. A target
 * row of a key whose snapshot row the target refused is not deleted (it is the row the restore
 * left), nor one another table's row refers to: that one is kept and named.
 */
final class RestoreDeletion {
    /**
     * Keys deleted in one statement, held in memory meanwhile: a large batch lets a chain of a table's
     * own rows go together (rows of one batch referred to by another's are kept and tried again).
     */
    static final int BATCH = 200_000;
    private static final int NAMED = 20;

    /** By table, the rows deleted and those the target kept (with the first few keys named, and why); {@code notDone}: why none were looked for. */
    record Outcome(Map<String, Long> deleted, Map<String, Long> kept, List<String> keptNamed, String notDone, List<String> slow) {
        long deletedTotal() { return deleted.values().stream().mapToLong(Long::longValue).sum(); }

        long keptTotal() { return kept.values().stream().mapToLong(Long::longValue).sum(); }

        static Outcome none(String why) { return new Outcome(Map.of(), Map.of(), List.of(), why, List.of()); }

        /** With the rows of the tables without a key emptied to be loaded whole counted as deleted. */
        Outcome withEmptied(Map<String, Long> emptied) {
            if (emptied.isEmpty()) return this;
            Map<String, Long> all = new java.util.TreeMap<>(deleted);
            emptied.forEach((table, rows) -> all.merge(table, rows, Long::sum));
            return new Outcome(all, kept, keptNamed, notDone, slow);
        }
    }

    /**
     * Rows to delete from a table from which on a foreign key checked by reading its referring table
     * whole for each row is said to be slow (a thousand reads of a large table take minutes).
     */
    static final long SLOW_FROM = 1_000;

    private RestoreDeletion() {}

    /** Deletes rows by key, of one table or several together: {@link RowDeletion#delete}, or a dry run's trial of it. */
    interface Deleting {
        Map<String, RowDeletion.Deleted> delete(Map<Table, List<Key>> keys);

        default RowDeletion.Deleted delete(Table table, List<Key> keys) {
            return delete(Map.of(table, keys)).get(table.name());
        }
    }

    /**
     * Deletes the target's rows the snapshot ({@code snapshot}, read through {@code plan}) does not
     * hold; {@code pattern}: only those whose key matches (null: all). Only the tables of {@code
     * existed} are compared (the target's before the restore): one the restore made holds the
     * snapshot's rows alone. Tables without a key are left: the restore loaded them whole into a new
     * or empty table.
     */
    static Outcome run(Plan plan, Source snapshot, Source target, Sink sink, java.util.Set<String> existed, int parallelism, Path runDirectory,
                       KeyGlob pattern, java.util.function.Consumer<String> announce) {
        if (!(sink instanceof RowDeletion deleting)) return Outcome.none("this kind of target cannot delete rows");
        // the keys alone are compared: a row whose values changed is no row only the target holds, and reading, hashing and
        // comparing every value of every row cost most of a deletion (bench/restore-delete.sh)
        Plan keyed = plan.withEntities(plan.entities().stream().map(e -> e.skip() ? e
                : e.key().isEmpty() ? e.skipped("loaded whole: a table without a key")
                : !existed.contains(e.table()) ? e.skipped("made by the restore: it holds the snapshot's rows alone")
                : keysOnly(e)).toList());
        PlanMapper mapper = PlanMapper.ofPart(keyed, Map.of());
        Path differences = runDirectory.resolve("delete-differences.ndjson");
        try (Spool spool = new Spool(runDirectory.resolve("only-in-target"))) {
            Verifier.Scoped compared;
            DifferenceLog log = DifferenceLog.ofChanges(differences, entity -> plan.entity(entity).map(EntityMapping::table).orElse(entity), spool);
            try (log) {
                Verifier.Options options = new Verifier.Options(1.0, 0, parallelism, Verifier.Options.DEFAULTS.rowsPerRound());
                compared = Verifier.planWithin(keyed, mapper, snapshot, target, sink, options, cutover.verify.VerifyProgress.NONE, log,
                        pattern == null ? null : pattern::matches);
            }
            Optional<String> notDone = notDone(pattern, compared.scoped(), log);
            if (notDone.isPresent()) return Outcome.none(notDone.get());
            return deleteSpooled(deleting::delete, deleting, mapper.tables(), sink::parentsByForeignKey, spool, log, announce);
        } finally {
            try {
                Files.deleteIfExists(differences);
            } catch (IOException e) {
                // left for the next run's, which writes it anew
            }
        }
    }

    /** The mapping of the entity's key columns alone, without its foreign keys and the tables of its lists (their rows are left). */
    private static EntityMapping keysOnly(EntityMapping e) {
        return new EntityMapping(e.source(), e.table(), false, e.key(), e.onConflict(), e.rowLevelSecurity(), List.of(),
                e.columns().stream().filter(c -> e.key().contains(c.name())).toList(), e.notes());
    }

    /** Why the rows only the target holds cannot be told apart from its others, or empty when they can. */
    static Optional<String> notDone(KeyGlob pattern, boolean scoped, DifferenceLog log) {
        if (pattern != null && !scoped) {
            return Optional.of("the plan gives rows keys other than their records' (" + pattern + " matches records), so the rows only the"
                    + " target holds within it cannot be told from its others");
        }
        if (!log.refusalsAllKept()) {
            return Optional.of("over a million of the snapshot's rows were refused, too many to tell the target's rows of their keys apart");
        }
        return Optional.empty();
    }

    /**
     * Deletes the keys {@code spool} holds (closed), table by table, children first by the target's
     * foreign keys ({@code parentsOf}: by table, those it refers to), but those of a row the snapshot
     * holds and the target refused ({@code log}).
     */
    static Outcome deleteSpooled(Deleting deleting, RowDeletion target, List<Table> tables,
                                 java.util.function.Function<List<Table>, Map<String, java.util.Set<String>>> parentsOf, Spool spool, DifferenceLog log,
                                 java.util.function.Consumer<String> announce) {
        Map<String, Long> deleted = new LinkedHashMap<>();
        List<Table> withRows = tables.stream().filter(t -> spool.holds(t.name())).toList();
        List<String> slow = new ArrayList<>();
        for (Table t : withRows) {
            if (spool.count(t.name()) < SLOW_FROM) continue;
            List<String> references = target.slowReferences(t);
            if (references.isEmpty()) continue;
            String said = String.format(java.util.Locale.ROOT, "--delete: each of the %,d row(s) of %s to delete is checked by reading whole %s; this"
                    + " may take long", spool.count(t.name()), t.name(), String.join(", and ", references));
            slow.add(said);
            announce.accept(said);
        }
        Map<Table, Map<Key, String>> held = new LinkedHashMap<>();
        try {
            spool.finish();
            for (Table table : childrenFirst(withRows, parentsOf.apply(withRows))) {
                Map<Key, String> left = delete(deleting, table, spool.file(table.name()), log, deleted);
                if (!left.isEmpty()) held.put(table, left);
            }
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot read the keys of the rows to delete in " + spool.folder + ": " + e.getMessage(), e);
        }
        if (held.size() > 1) {
            // rows of tables referring to one another (a team and its owner) each hold the other table by table: together they go
            Map<Table, List<Key>> together = new LinkedHashMap<>();
            held.forEach((table, keys) -> together.put(table, List.copyOf(keys.keySet())));
            Map<String, RowDeletion.Deleted> done = deleting.delete(together);
            held.forEach((table, keys) -> {
                RowDeletion.Deleted d = done.get(table.name());
                deleted.merge(table.name(), d.deleted(), Long::sum);
                keys.keySet().retainAll(d.kept().keySet());
                keys.putAll(d.kept());
            });
        }
        Map<String, Long> kept = new LinkedHashMap<>();
        List<String> named = new ArrayList<>();
        held.forEach((table, keys) -> {
            if (keys.isEmpty()) return;
            kept.put(table.name(), (long) keys.size());
            keys.forEach((key, why) -> {
                if (named.size() < NAMED) named.add(table.name() + " " + key + ": " + why);
            });
        });
        return new Outcome(deleted, kept, named, null, slow);
    }

    /**
     * The keys of the rows only the target holds, a file a table, as the comparison finds them; its
     * files are removed on close (keys are the application's data: none is left behind).
     */
    static final class Spool implements java.util.function.Consumer<Difference.Extra>, AutoCloseable {
        private final Path folder;
        private final Map<String, DataOutputStream> files = new LinkedHashMap<>();
        private final Map<String, Long> counts = new java.util.HashMap<>();
        private boolean closed;

        Spool(Path folder) {
            this.folder = folder;
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                throw new CutoverException(ErrorCode.STATE_IO, "cannot make " + folder + ": " + e.getMessage(), e);
            }
        }

        /** Appends the key of a row only the target holds to its table's file (the log calls it under its lock). */
        @Override
        public void accept(Difference.Extra extra) {
            try {
                DataOutputStream out = files.get(extra.table());
                if (out == null) {
                    out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(extra.table()))));
                    files.put(extra.table(), out);
                }
                ValueCodec.encodeRecord(new Record(EntityName.of(extra.table()), extra.key(), Map.of()), out);
                counts.merge(extra.table(), 1L, Long::sum);
            } catch (IOException e) {
                throw new CutoverException(ErrorCode.STATE_IO, "cannot write the keys of the rows to delete in " + folder + ": " + e.getMessage(), e);
            }
        }

        boolean holds(String table) { return files.containsKey(table); }

        /** How many keys of the table were spooled. */
        long count(String table) { return counts.getOrDefault(table, 0L); }

        /** A table's file: its name made safe for a file name, with a hash that keeps two names apart. */
        Path file(String table) {
            return folder.resolve(table.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + Integer.toHexString(table.hashCode()) + ".keys");
        }

        /** Ends the writing, so the files can be read; they stay until {@link #close}. */
        void finish() throws IOException {
            if (closed) return;
            closed = true;
            IOException first = null;
            for (DataOutputStream out : files.values()) {
                try {
                    out.close();
                } catch (IOException e) {
                    if (first == null) first = e;
                }
            }
            if (first != null) throw first;
        }

        /** Removes the files, written to the end or not. */
        @Override
        public void close() {
            try {
                finish();
            } catch (IOException e) {
                // removed all the same
            }
            try {
                if (Files.isDirectory(folder)) {
                    try (java.util.stream.Stream<Path> all = Files.list(folder)) {
                        for (Path f : all.toList()) Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(folder);
            } catch (IOException e) {
                // left for the next run's, which writes them anew
            }
        }
    }

    /**
     * The tables in an order that deletes a row's children before it: each after every table that
     * refers to it by the target's foreign keys ({@code parents}: by table, those it refers to); those
     * in a cycle in the order given (the rows the cycle still holds are kept, named).
     */
    static List<Table> childrenFirst(List<Table> tables, Map<String, java.util.Set<String>> parents) {
        List<Table> left = new ArrayList<>(tables);
        List<Table> out = new ArrayList<>();
        while (!left.isEmpty()) {
            Table next = left.stream().filter(t -> left.stream().noneMatch(o -> o != t && parents.getOrDefault(o.name(), java.util.Set.of()).contains(t.name())))
                    .findFirst().orElse(left.get(0));
            out.add(next);
            left.remove(next);
        }
        return out;
    }

    /**
     * Deletes the spooled keys of one table in batches, but those of a row the snapshot holds and the
     * target refused; those a batch kept are tried again once the others are gone, while a round
     * deletes any (a row of the table may refer to one in a later batch). The keys kept, with why.
     */
    private static Map<Key, String> delete(Deleting deleting, Table table, Path spool, DifferenceLog log, Map<String, Long> deleted) throws IOException {
        Map<Key, String> held = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(spool)))) {
            List<Key> batch = new ArrayList<>(BATCH);
            while (true) {
                Key next = next(in);
                if (next != null && !log.isRefused(table.name(), next.toString())) batch.add(next);
                if (batch.size() == BATCH || (next == null && !batch.isEmpty())) {
                    RowDeletion.Deleted done = deleting.delete(table, batch);
                    deleted.merge(table.name(), done.deleted(), Long::sum);
                    held.putAll(done.kept());
                    batch.clear();
                }
                if (next == null) break;
            }
        }
        // together: rows of the table held by one another's references (a chain across batches) go in one statement
        for (long progress = 1; progress > 0 && !held.isEmpty(); ) {
            List<Key> again = new ArrayList<>(held.keySet());
            progress = 0;
            for (int from = 0; from < again.size(); from += BATCH) {
                List<Key> part = again.subList(from, Math.min(again.size(), from + BATCH));
                RowDeletion.Deleted done = deleting.delete(table, part);
                progress += done.deleted();
                part.forEach(k -> {
                    if (!done.kept().containsKey(k)) held.remove(k);
                });
                held.putAll(done.kept());
            }
            deleted.merge(table.name(), progress, Long::sum);
        }
        return held;
    }

    private static Key next(DataInputStream in) throws IOException {
        in.mark(1);
        if (in.read() < 0) return null;
        in.reset();
        try {
            return ValueCodec.decodeRecord(in).key();
        } catch (EOFException torn) {
            throw new IOException("a spool of keys ends within a key", torn);
        }
    }

}
