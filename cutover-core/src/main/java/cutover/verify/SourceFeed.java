package cutover.verify;

import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.migrate.RowChecks;
import cutover.migrate.RowMapper;
import cutover.model.EntityName;
import cutover.error.RecordError;
import cutover.model.Record;
import cutover.model.Table;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A {@link Source} read as a {@link RowFeed}: its splits in parallel, each record either mapped
 * through a plan into target rows (the source side of {@code verify plan.yaml}) or taken as it is
 * stored under a table name (a target, or two endpoints compared without a plan).
 */
public final class SourceFeed implements RowFeed {
    private final String description;
    private final Source source;
    private final RowMapper mapper;                  // null: records are taken as stored
    private final Map<EntityName, String> tables;    // as stored: entity → compared table
    private final Sink target;                       // checks mapped rows as a migration does; null: no check
    private final Map<String, Table> targetTables;
    private final int parallelism;
    private final java.util.Set<String> setAside;    // records a migration set aside when the target refused them: entity NUL key

    private SourceFeed(String description, Source source, RowMapper mapper, Map<EntityName, String> tables, Sink target, int parallelism,
                       java.util.Set<String> setAside) {
        this.setAside = setAside;
        this.description = description;
        this.source = source;
        this.mapper = mapper;
        this.tables = tables == null ? null : Map.copyOf(tables);
        this.target = target;
        this.targetTables = new HashMap<>();
        if (mapper != null) mapper.tables().forEach(t -> targetTables.put(t.name(), t));
        this.parallelism = Math.max(1, parallelism);
    }

    /**
     * Every record mapped through the plan; the rows' entities are the target tables. With a
     * {@code target}, a record whose row the target would refuse (text with NUL for PostgreSQL, a
     * number out of range) counts as refused, as the migration set it aside for the same reason.
     */
    public static SourceFeed mapped(String description, Source source, RowMapper mapper, Sink target, int parallelism) {
        return mapped(description, source, mapper, target, parallelism, java.util.Set.of());
    }

    /**
     * {@link #mapped}, where {@code setAside} (each {@link cutover.migrate.DeadLetterFile#recordName}) names the records a migration
     * set aside because the target refused their rows when written (a constraint of its own, which no
     * check foretells): they count as refused, not as missing.
     */
    public static SourceFeed mapped(String description, Source source, RowMapper mapper, Sink target, int parallelism, java.util.Set<String> setAside) {
        return new SourceFeed(description, source, mapper, null, target, parallelism, setAside);
    }

    /** The records of the given entities as stored, each under its compared table's name; other entities are not read. */
    public static SourceFeed asStored(String description, Source source, Map<EntityName, String> tables, int parallelism) {
        return new SourceFeed(description, source, null, tables, null, parallelism, java.util.Set.of());
    }

    /**
     * The source's entities not compared (as stored: not named; mapped: left out by the plan): not
     * split nor read (a split samples its table's keys, which a role that may not read the table
     * cannot; a restore of one table was refused for another's privileges, a verify by a plan for a
     * table the plan does not take).
     */
    private java.util.Set<EntityName> notCompared() {
        java.util.Set<EntityName> out = new java.util.HashSet<>();
        // mapped, every record is read unless the source names its entities cheaply (an export's would be a pass over it)
        List<cutover.connector.EntityInfo> named = mapper != null ? source.quickEstimates().orElse(List.of()) : source.quickEstimates().orElseGet(source::entities);
        for (cutover.connector.EntityInfo e : named) {
            if (mapper != null ? mapper.leavesOut(e.name()) : !tables.containsKey(e.name())) out.add(e.name());
        }
        return out;
    }

    @Override
    public String describe() { return description; }

    @Override
    public void read(Rows out) {
        List<Split> splits = new ArrayList<>();
        for (Split s : source.splitsExcept(parallelism, notCompared())) {
            if (tables == null || s.entities().stream().anyMatch(tables::containsKey)) splits.add(s);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, splits.size())), r -> {
            Thread t = new Thread(r, "verify-read");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Split s : splits) running.add(pool.submit(() -> readSplit(s, out)));
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    running.forEach(r -> r.cancel(true));
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new CutoverException(ErrorCode.INTERNAL, "reading " + description + " failed: " + e.getCause(), e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException(ErrorCode.INTERRUPTED, "interrupted while reading " + description, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Why the target would refuse one of a record's rows, if it would: the whole record was set aside then. */
    private Optional<RecordError> refusal(List<Record> rows) {
        return target == null ? Optional.empty() : RowChecks.refusal(target, targetTables, rows);
    }

    private boolean setAside(Record r) {
        return !setAside.isEmpty() && setAside.contains(cutover.migrate.DeadLetterFile.recordName(r.entity().value(), r.key().toString()));
    }

    private void readSplit(Split split, Rows out) {
        try (RecordReader reader = source.read(split, Position.START)) {
            RecordReader.Item item;
            while ((item = reader.next()) != null) {
                if (Thread.currentThread().isInterrupted()) return;
                if (item instanceof RecordReader.Unreadable u) {
                    out.refused(u.entity() == null ? "?" : u.entity().value(), u.key(), u.error().reason());
                } else {
                    Record r = ((RecordReader.Ok) item).record();
                    if (mapper == null) {
                        String table = tables.get(r.entity());
                        if (table != null) out.row(table, r);
                    } else if (setAside(r)) { // not mapped: it has no rows to compare
                        out.refused(r.entity().value(), r.key().toString(), "the migration set it aside after mapping it (its dead-letter file says why)");
                    } else {
                        RowMapper.Mapped mapped = mapper.mapGuarded(r);
                        if (mapped instanceof RowMapper.Rows rows) {
                            Optional<RecordError> refusal = refusal(rows.rows());
                            if (refusal.isPresent()) out.refused(r.entity().value(), r.key().toString(), refusal.get().reason());
                            else for (Record row : rows.rows()) out.row(row.entity().value(), row);
                        } else if (mapped instanceof RowMapper.Failed f) {
                            out.refused(r.entity().value(), r.key().toString(), f.error().reason());
                        }
                    }
                }
            }
        }
    }
}
