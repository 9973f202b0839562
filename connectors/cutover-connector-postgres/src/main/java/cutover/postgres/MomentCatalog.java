package cutover.postgres;

import cutover.connector.CopyShape;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the catalog said of the schema's tables while one moment is held: a backup run asks for a
 * table's columns, key and COPY shape at several of its steps (listing, splitting, deciding what
 * changed, reading), each a round trip or two; it reads its rows at one moment, and reads the
 * catalog once for it too. A new moment starts a new one.
 */
final class MomentCatalog {
    private static final String ALL = "";

    private final Map<String, Map<String, SourceTable>> tables = new ConcurrentHashMap<>();
    private final Map<String, Optional<CopyShape>> shapes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> deterministicKeys = new ConcurrentHashMap<>();

    /** The tables {@code read} gives for {@code only} (null: all), read once; one table is taken from all where those were read. */
    Map<String, SourceTable> tables(String only, Function<String, Map<String, SourceTable>> read) {
        Map<String, SourceTable> all = tables.get(ALL);
        if (only != null && all != null) return all.containsKey(only) ? Map.of(only, all.get(only)) : Map.of();
        return once(tables, only == null ? ALL : only, () -> java.util.Collections.unmodifiableMap(read.apply(only))); // shared by the run's steps
    }

    /** The COPY shape of {@code table}, read once. */
    Optional<CopyShape> shape(String table, Supplier<Optional<CopyShape>> read) {
        return once(shapes, table, read);
    }

    /**
     * The COPY shape of {@code table}; where none is known yet, {@code readAll} reads every table's
     * at once (one query, not a round trip or two a table: 2 s of a thousand tables' backup).
     */
    Optional<CopyShape> shapeAmongAll(String table, Supplier<Map<String, CopyShape>> readAll) {
        Optional<CopyShape> known = shapes.get(table);
        if (known != null) return known;
        if (shapes.putIfAbsent(ALL, Optional.empty()) == null) readAll.get().forEach((name, shape) -> shapes.putIfAbsent(name, Optional.of(shape)));
        return shapes.getOrDefault(table, null);
    }

    /** Whether every key column of {@code table} has a deterministic collation, read once (asked when deciding, and by each layer's check). */
    boolean deterministicKeys(String table, Supplier<Boolean> read) {
        return once(deterministicKeys, table, read);
    }

    /**
     * Not {@code computeIfAbsent}: that would hold the map's lock while the catalog is read, and a
     * caller holding the pool's last connection, waiting on that lock, would stop the reader too.
     * Two threads asking at once both read; the first answer stays.
     */
    private static <T> T once(Map<String, T> answers, String key, Supplier<T> read) {
        T known = answers.get(key);
        if (known != null) return known;
        T answer = read.get();
        T first = answers.putIfAbsent(key, answer);
        return first != null ? first : answer;
    }
}
