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
    record Outcome(Map<String, Long> deleted, Map<String, Long> kept, List<String> keptNamed, String notDone) {
        long deletedTotal() { return deleted.values().stream().mapToLong(Long::longValue).sum(); }

        long keptTotal() { return kept.values().stream().mapToLong(Long::longValue).sum(); }

        static Outcome none(String why) { return new Outcome(Map.of(), Map.of(), List.of(), why); }
    }

    private RestoreDeletion() {}

    /**
     * Deletes the target's rows the snapshot ({@code snapshot}, read through {@code plan}) does not
     * hold; {@code pattern}: only those whose key matches (null: all). Tables without a key are left:
     * the restore loaded them whole into a new or empty table.
     */
    static Outcome run(Plan plan, Source snapshot, Source target, Sink sink, int parallelism, Path runDirectory, KeyGlob pattern) {
        if (!(sink instanceof RowDeletion deleting)) return Outcome.none("this kind of target cannot delete rows");
        List<EntityMapping> keyless = plan.entities().stream().filter(e -> !e.skip() && e.key().isEmpty()).toList();
        Plan keyed = plan.withEntities(plan.entities().stream().map(e -> keyless.contains(e) ? e.skipped("loaded whole: a table without a key") : e).toList());
        PlanMapper mapper = PlanMapper.ofPart(keyed, Map.of());
        Path folder = runDirectory.resolve("only-in-target");
        Map<String, DataOutputStream> spools = new LinkedHashMap<>();
        Verifier.Scoped compared;
        try {
            Files.createDirectories(folder);
            DifferenceLog log = DifferenceLog.ofChanges(runDirectory.resolve("delete-differences.ndjson"),
                    entity -> plan.entity(entity).map(EntityMapping::table).orElse(entity), extra -> spool(spools, folder, extra));
            try (log) {
                Verifier.Options options = new Verifier.Options(1.0, 0, parallelism, Verifier.Options.DEFAULTS.rowsPerRound());
                compared = Verifier.planWithin(keyed, mapper, snapshot, target, sink, options, cutover.verify.VerifyProgress.NONE, log,
                        pattern == null ? null : pattern::matches);
            } finally {
                closeAll(spools.values());
            }
            if (pattern != null && !compared.scoped()) {
                return Outcome.none("the plan gives rows keys other than their records' (" + pattern + " matches records), so the rows only the"
                        + " target holds within it cannot be told from its others");
            }
            if (!log.refusalsAllKept()) {
                return Outcome.none("over a million of the snapshot's rows were refused, too many to tell the target's rows of their keys apart");
            }
            Map<String, Long> deleted = new LinkedHashMap<>();
            Map<String, Long> kept = new LinkedHashMap<>();
            List<String> named = new ArrayList<>();
            List<Table> withRows = mapper.tables().stream().filter(t -> spools.containsKey(t.name())).toList();
            for (Table table : childrenFirst(withRows, sink.parentsByForeignKey(withRows))) {
                delete(deleting, table, folder.resolve(fileName(table.name())), log, deleted, kept, named);
            }
            return new Outcome(deleted, kept, named, null);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot write or read the keys of the rows to delete in " + folder + ": " + e.getMessage(), e);
        } finally {
            forget(folder, runDirectory.resolve("delete-differences.ndjson")); // keys are the application's data: none is left behind
        }
    }

    private static void closeAll(java.util.Collection<DataOutputStream> spools) throws IOException {
        IOException first = null;
        for (DataOutputStream out : spools) {
            try {
                out.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    private static void forget(Path folder, Path differences) {
        try {
            if (Files.isDirectory(folder)) {
                try (java.util.stream.Stream<Path> files = Files.list(folder)) {
                    for (Path f : files.toList()) Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(folder);
            Files.deleteIfExists(differences);
        } catch (IOException e) {
            // left for the next run's, which writes them anew
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
     * deletes any (a row of the table may refer to one in a later batch).
     */
    private static void delete(RowDeletion deleting, Table table, Path spool, DifferenceLog log, Map<String, Long> deleted, Map<String, Long> kept,
                               List<String> named) throws IOException {
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
        if (held.isEmpty()) return;
        kept.merge(table.name(), (long) held.size(), Long::sum);
        held.forEach((key, why) -> {
            if (named.size() < NAMED) named.add(table.name() + " " + key + ": " + why);
        });
    }

    /** Appends the key of a row only the target holds to its table's spool. */
    private static void spool(Map<String, DataOutputStream> spools, Path folder, Difference.Extra extra) {
        try {
            DataOutputStream out = spools.get(extra.table());
            if (out == null) {
                out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(folder.resolve(fileName(extra.table())))));
                spools.put(extra.table(), out);
            }
            ValueCodec.encodeRecord(new Record(EntityName.of(extra.table()), extra.key(), Map.of()), out);
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.STATE_IO, "cannot write the keys of the rows to delete in " + folder + ": " + e.getMessage(), e);
        }
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

    /** A table's spool: its name made safe for a file name, with a hash that keeps two names apart. */
    private static String fileName(String table) {
        return table.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + Integer.toHexString(table.hashCode()) + ".keys";
    }
}
