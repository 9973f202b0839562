package cutover.postgres;

import cutover.connector.ChangeTracking.KeyBuckets;
import cutover.connector.ChangeTracking.LineCounter;
import cutover.model.EntityName;

import org.postgresql.replication.LogSequenceNumber;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the write-ahead log tells a backup of a source's changes since an earlier snapshot
 * (docs/connectors/postgresql.md, "Changes from the write-ahead log"): the moment a backup reads
 * at, taken through the {@link ChangeLog}'s slot; the keys each table changed since a mark, read
 * once per mark; the rows they hold now, written as COPY writes them; and the key counts that
 * follow from the earlier snapshot's. {@link PostgresSource} answers from here where the log can
 * tell, and by its {@code xmin} scans where not.
 */
final class LoggedChanges {

    private final ChangeLog log;
    /** The log's moment the source is held at, while it is. */
    private volatile ChangeLog.Moment moment;
    /** The keys the log says changed since a mark, per table, for the held moment; asked once per mark. */
    private final Map<String, Optional<Map<String, LoggedKeys>>> told = new java.util.concurrent.ConcurrentHashMap<>();

    LoggedChanges(ChangeLog log) {
        this.log = log;
    }

    /** Takes the moment a backup reads at ({@link ChangeLog#takeMoment}); held until {@link #release}. */
    ChangeLog.Moment hold() {
        ChangeLog.Moment taken = log.takeMoment();
        moment = taken;
        told.clear();
        return taken;
    }

    void release() {
        moment = null;
        told.clear();
    }

    /** The moment's replication connection, once no reader needs its snapshot any more ({@link ChangeLog#giveBack}). */
    void giveBack(ChangeLog.Moment taken) {
        log.giveBack(taken);
    }

    /** {@code :<slot>:<LSN>}, the held moment's place in the log ({@code -} when it has none), for a mark; empty when none is held. */
    String placeOfTheMoment() {
        ChangeLog.Moment held = moment;
        if (held == null) return "";
        return ":" + log.slot() + ":" + (held.inLog() ? LogSequenceNumber.valueOf(held.lsn()).asString() : "-");
    }

    /**
     * The keys of the entity's table that the log says changed from {@code mark} to the held moment,
     * or empty when it cannot tell them all; {@code primaryKeys}, each table's key columns, asked
     * only when the log is read.
     */
    Optional<LoggedKeys> keys(EntityName entity, String mark, Supplier<Map<String, List<String>>> primaryKeys) {
        ChangeLog.Moment held = moment;
        OptionalLong from = placeInLog(mark);
        if (held == null || from.isEmpty() || !held.inLog()
                || !held.logged().contains(entity.value())) return Optional.empty(); // a table outside the publication has no changes in the log
        Optional<Map<String, LoggedKeys>> tables = told.computeIfAbsent(mark, new ChangesSince(from.getAsLong(), held.lsn(), primaryKeys));
        if (tables.isEmpty()) return Optional.empty();
        LoggedKeys keys = tables.get().getOrDefault(entity.value(), new LoggedKeys());
        return keys.known() ? Optional.of(keys) : Optional.empty();
    }

    /** Keeps the slot streamed from the last stored moment, for a process that stays up (see {@link ChangeLog#keepUp}). */
    void keepUp(Map<String, List<String>> primaryKeys) {
        log.keepUp(primaryKeys);
    }

    /** This process stays up between backups (see {@link ChangeLog#staysUp}). */
    void staysUp() {
        log.staysUp();
    }

    /** The slot moves to the stored moment of {@code mark}: the changes before it are no longer kept. */
    void storedUpTo(String mark) {
        placeInLog(mark).ifPresent(log::confirm);
    }

    /** The LSN of a mark taken through this slot, or empty: none, another slot's, or not placed in the log ("-"). */
    private OptionalLong placeInLog(String mark) {
        String[] parts = mark.split(":");
        if (parts.length != 6 || !parts[4].equals(log.slot()) || parts[5].equals("-")) return OptionalLong.empty();
        return OptionalLong.of(LogSequenceNumber.valueOf(parts[5]).asLong());
    }

    /**
     * The log's changes from a position to the moment's, read once per mark (its tables asked
     * together): a class, not a lambda, whose class would be made in a process's first incremental.
     */
    private final class ChangesSince implements java.util.function.Function<String, Optional<Map<String, LoggedKeys>>> {
        private final long from, to;
        private final Supplier<Map<String, List<String>>> primaryKeys;

        ChangesSince(long from, long to, Supplier<Map<String, List<String>>> primaryKeys) {
            this.from = from;
            this.to = to;
            this.primaryKeys = primaryKeys;
        }

        @Override
        public Optional<Map<String, LoggedKeys>> apply(String mark) { return log.changes(from, to, primaryKeys.get()); }
    }

    /**
     * The changed rows as the log wrote them, as {@code COPY … TO} would write them (the values'
     * text forms come from the same output functions, in a session of the same settings), in key
     * order: without a read of the table. A key of one integer column is sorted here; any other is
     * put in order by {@code serverOrder}, which gives the positions of the keys (their COPY text
     * lines) as the table's {@code ORDER BY} sorts them, or null where it cannot: a text key's order
     * is its collation's, which only the server knows. Empty unless the log kept every row's values
     * in the table's columns ({@link LoggedKeys#rows}).
     */
    static OptionalLong writeRows(KeyedTable keyed, LoggedKeys keys, OutputStream out, Function<List<String>, int[]> serverOrder) {
        Optional<List<LoggedKeys.Row>> rows = keys.rows(keyed.table().columns());
        if (rows.isEmpty()) return OptionalLong.empty();
        List<LoggedKeys.Row> found = rows.get();
        boolean integerKey = KeyBucket.byValue(keyed.keyTypes()); // one integer column
        int[] order = integerKey ? integerOrder(found) : serverOrder.apply(found.stream().map(LoggedKeys.Row::key).toList());
        if (order == null) return OptionalLong.empty();
        try {
            OutputStream lines = new java.io.BufferedOutputStream(out, 1 << 16);
            for (int at : order) {
                lines.write(found.get(at).line());
                lines.write('\n');
            }
            lines.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing the changed rows of " + keyed.table().name() + ": " + e.getMessage(), e);
        }
        return OptionalLong.of(order.length);
    }

    /**
     * The positions of {@code keys} (key lines: each key column's COPY text, joined by tabs) in the
     * order the table's reads sort them ({@code ORDER BY} its key columns, each in its own collation),
     * sorted by the server, which alone knows a collation's order; null where a key column's collation
     * is not deterministic (two different keys may sort as equal, in either order).
     */
    static int[] serverOrder(Connection c, SourceTable table, List<String> keys) throws SQLException {
        int n = table.primaryKey().size();
        String[][] columns = new String[n][keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            byte[] bytes = keys.get(k).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            FieldBounds fields = new FieldBounds(n - 1);
            fields.locate(bytes, 0, bytes.length);
            for (int i = 0; i < n; i++) columns[i][k] = PgCopyText.field(bytes, fields.starts[i], fields.ends[i]);
        }
        List<String> collations = new ArrayList<>();
        // collisdeterministic came with PostgreSQL 12: read through to_jsonb, an 11's collations are all deterministic
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN co.oid IS NULL THEN '' ELSE quote_ident(cn.nspname) || '.' || "
                + "quote_ident(co.collname) END, coalesce((to_jsonb(co) ->> 'collisdeterministic')::boolean, true) FROM unnest(?::text[]) WITH ORDINALITY AS k(name, at) "
                + "JOIN pg_attribute a ON a.attrelid = ?::regclass AND a.attname = k.name LEFT JOIN pg_collation co ON co.oid = a.attcollation "
                + "LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace ORDER BY k.at")) {
            ps.setArray(1, c.createArrayOf("text", table.primaryKey().toArray()));
            ps.setString(2, table.name().sql());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getBoolean(2)) return null;
                    collations.add(rs.getString(1));
                }
            }
        }
        StringBuilder sql = new StringBuilder("SELECT u.at FROM unnest(");
        for (int i = 0; i < n; i++) sql.append(i == 0 ? "" : ", ").append("CAST(? AS text[])::").append(table.typeOf(table.primaryKey().get(i))).append("[]");
        sql.append(") WITH ORDINALITY AS u(");
        for (int i = 0; i < n; i++) sql.append('k').append(i).append(", ");
        sql.append("at) ORDER BY ");
        for (int i = 0; i < n; i++) {
            sql.append(i == 0 ? "" : ", ").append("u.k").append(i);
            if (!collations.get(i).isEmpty()) sql.append(" COLLATE ").append(collations.get(i));
        }
        int[] order = new int[keys.size()];
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < n; i++) ps.setArray(i + 1, c.createArrayOf("text", columns[i]));
            try (ResultSet rs = ps.executeQuery()) {
                int rank = 0;
                while (rs.next()) order[rank++] = rs.getInt(1) - 1;
                if (rank != order.length) return null;
            }
        }
        return order;
    }

    /**
     * The positions of the rows in the order of their integer keys, or null if two have the same.
     * Where the keys' spread leaves room beside it for a row's position (ids below 2^42 apart for 2M
     * rows), each key's offset and its row's position are packed into one long and sorted once;
     * else the keys are sorted and each row is put at its key's rank. Sorting 100,000 row objects by
     * a comparator took 40 ms, and the ranks' binary searches most of another 45 ms
     * (bench/RESULTS.md).
     */
    static int[] integerOrder(List<LoggedKeys.Row> rows) {
        int n = rows.size();
        long[] keys = new long[n];
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            long key = Long.parseLong(rows.get(i).key());
            keys[i] = key;
            min = Math.min(min, key);
            max = Math.max(max, key);
        }
        int positionBits = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
        long spread = max - min; // negative when it overflows
        if (n == 0 || spread < 0 || spread >= 1L << (63 - positionBits)) return rankedOrder(keys);
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) packed[i] = (keys[i] - min) << positionBits | i;
        java.util.Arrays.sort(packed);
        long position = (1L << positionBits) - 1;
        int[] order = new int[n];
        for (int r = 0; r < n; r++) {
            if (r > 0 && packed[r] >>> positionBits == packed[r - 1] >>> positionBits) return null; // not one text per key
            order[r] = (int) (packed[r] & position);
        }
        return order;
    }

    private static int[] rankedOrder(long[] keys) {
        long[] sorted = keys.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) if (sorted[i] == sorted[i - 1]) return null;
        int[] order = new int[keys.length];
        for (int i = 0; i < keys.length; i++) order[java.util.Arrays.binarySearch(sorted, keys[i])] = i;
        return order;
    }

    /** A condition on {@code src}: its key is one of those the log says are in the table now. */
    static String keysIn(KeyedTable keyed, LoggedKeys keys, boolean standardStrings) {
        int n = keyed.quotedKeys().size();
        StringBuilder[] arrays = new StringBuilder[n];
        for (int i = 0; i < n; i++) arrays[i] = new StringBuilder("{");
        keys.forEach((line, before, after) -> {
            if (!after) return;
            byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            FieldBounds fields = new FieldBounds(n - 1);
            fields.locate(bytes, 0, bytes.length);
            for (int i = 0; i < n; i++) {
                String v = PgCopyText.field(bytes, fields.starts[i], fields.ends[i]);
                StringBuilder a = arrays[i];
                if (a.length() > 1) a.append(',');
                a.append('"').append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        });
        StringBuilder unnest = new StringBuilder();
        for (int i = 0; i < n; i++) {
            unnest.append(i == 0 ? "" : ", ").append(PostgresSource.literal(arrays[i].append('}').toString(), standardStrings))
                    .append("::").append(keyed.keyTypes().get(i)).append("[]");
        }
        // one column: = ANY, which a B-tree searches for each key in order; several: a join with the keys' columns
        if (n == 1) return keyed.quotedKeys().get(0) + " = ANY(" + unnest + ")";
        return "(" + String.join(", ", keyed.quotedKeys()) + ") IN (SELECT * FROM unnest(" + unnest + "))";
    }

    /**
     * From the keys at {@code then} and the keys the log says changed since: each key now in the
     * table that was not then counted in, each that was and is not counted out, each now in the
     * table counted as changed; as {@link PostgresSource#keyBuckets} counts them (by {@link LineKeyCounting}).
     */
    static KeyBuckets bucketsAfter(KeyedTable keyed, LoggedKeys keys, KeyBuckets then) {
        int[] keyAt = new int[keyed.keyTypes().size()];
        for (int i = 0; i < keyAt.length; i++) keyAt[i] = i;
        LineKeyCounting added = new LineKeyCounting(then.bucketing(), keyAt, keyed.keyTypes());
        LineKeyCounting removed = new LineKeyCounting(then.bucketing(), keyAt, keyed.keyTypes());
        LineKeyCounting written = new LineKeyCounting(then.bucketing(), keyAt, keyed.keyTypes());
        LineCounter in = added.counter(), out = removed.counter(), changed = written.counter();
        keys.forEach((line, before, after) -> {
            byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (after && !before) in.line(bytes, 0, bytes.length);
            if (before && !after) out.line(bytes, 0, bytes.length);
            if (after) changed.line(bytes, 0, bytes.length);
        });
        KeyBuckets plus = added.result(), minus = removed.result(), writes = written.result();
        int n = then.bucketing().buckets();
        long[] counts = new long[n];
        String[] digests = new String[n];
        for (int b = 0; b < n; b++) {
            counts[b] = then.counts()[b] + plus.counts()[b] - minus.counts()[b];
            boolean same = plus.counts()[b] == 0 && minus.counts()[b] == 0; // no key added or removed: its sum is the same
            digests[b] = same ? then.digests()[b] : cutover.connector.KeyDigests.plusMinus(then.digests()[b], plus.digests()[b], minus.digests()[b]);
        }
        return new KeyBuckets(then.bucketing(), counts, digests, writes.counts(), writes.digests());
    }
}
