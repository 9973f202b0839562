package cutover.migrate;

import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.connector.TargetInfo;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.model.Key;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transactional sink in memory for testing the pipeline: a batch and its checkpoint commit
 * atomically under one lock, as a database transaction would. Faults can be injected before or after
 * the commit. Rows are kept by table and key, and every upsert is counted, so a test can tell a
 * duplicate write from a lost one.
 */
class MemorySink implements Sink {
    final Map<String, TreeMap<Key, Record>> tables = new HashMap<>();
    final Map<String, Map<String, Checkpoint>> checkpoints = new HashMap<>();
    /** Key claims by run, then table and key digest: the holder. */
    final Map<String, Map<String, String>> claims = new HashMap<>();
    final AtomicInteger writes = new AtomicInteger();
    /** Fail the Nth write (1-based) before committing, with this code; 0 = never. */
    volatile int failBeforeCommitAt;
    volatile int failAfterCommitAt;
    volatile ErrorCode failure = ErrorCode.TARGET_UNREACHABLE;
    /** Always fail every write (a target that stays down). */
    volatile boolean down;
    /** Goes down for good once this many writes were attempted; 0 = never. */
    volatile int downAfterWrites;
    int rowsOverwritten;
    /** A rule the table holds that the sink's check does not know (a CHECK constraint): a batch with such a row is refused whole. */
    volatile java.util.function.Predicate<Record> refuses = r -> false;
    /** Whether the sink says its tables have rules of their own (as a table with a CHECK constraint would). */
    volatile boolean hasRules;
    /** How many times refused() was asked. */
    final AtomicInteger probes = new AtomicInteger();

    @Override
    public TargetInfo describe() { return new TargetInfo("memory", "1", "main", Map.of(), false); }

    @Override
    public synchronized List<String> prepare(String runId, List<Table> defs, boolean create) {
        for (Table t : defs) tables.computeIfAbsent(t.name(), n -> new TreeMap<>());
        return List.of();
    }

    @Override
    public Optional<RecordError> check(Table table, Record row) {
        for (var e : row.fields().entrySet()) {
            if (e.getValue() instanceof Value.Text t && t.value().indexOf('\0') >= 0) {
                return Optional.of(RecordError.of(ErrorCode.RECORD_INVALID_TEXT, e.getKey(), "text contains NUL"));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> rulesOfItsOwn(List<Table> defs) {
        return hasRules ? List.of("the memory tables have a rule of their own") : List.of();
    }

    @Override
    public synchronized Map<String, Checkpoint> checkpoints(String runId) {
        if (down) throw new CutoverException(ErrorCode.TARGET_UNREACHABLE, "down");
        return Map.copyOf(checkpoints.getOrDefault(runId, Map.of()));
    }

    @Override
    public synchronized void forgetCheckpoints(String runId, java.util.Set<String> splitIds) {
        Map<String, Checkpoint> ofRun = checkpoints.get(runId);
        if (ofRun != null) splitIds.forEach(ofRun::remove);
    }

    @Override
    public synchronized void resetCheckpoints(String runId) {
        checkpoints.remove(runId);
        claims.remove(runId);
    }

    @Override
    public SinkWriter writer(String runId, String splitId, List<Table> defs) {
        return new SinkWriter() {
            @Override
            public void write(List<Record> rows, Checkpoint checkpoint) {
                write(rows, List.of(), checkpoint);
            }

            @Override
            public void write(List<Record> rows, List<KeyClaim> keyClaims, Checkpoint checkpoint) {
                synchronized (MemorySink.this) {
                    Map<String, String> held = claims.computeIfAbsent(runId, id -> new HashMap<>());
                    Map<String, String> claimedNow = new HashMap<>();
                    Map<Integer, String> taken = new TreeMap<>();
                    for (int i = 0; i < keyClaims.size(); i++) {
                        KeyClaim c = keyClaims.get(i);
                        String id = c.table() + "\0" + c.key();
                        String holder = held.get(id);
                        if (holder == null) holder = claimedNow.putIfAbsent(id, c.holder());
                        if (holder != null && !holder.equals(c.holder())) taken.put(i, holder);
                    }
                    if (!taken.isEmpty()) throw new KeysTaken(taken);
                    int n = writes.incrementAndGet();
                    if (downAfterWrites > 0 && n >= downAfterWrites) down = true;
                    if (down || n == failBeforeCommitAt) throw new CutoverException(failure, "simulated failure before commit of write " + n);
                    for (Record r : rows) {
                        if (refuses.test(r)) throw new CutoverException(ErrorCode.TARGET_ROWS_REFUSED, "the table refused row " + r.key(), null, false);
                    }
                    for (Record r : rows) {
                        if (tables.get(r.entity().value()).put(r.key(), r) != null) rowsOverwritten++;
                    }
                    checkpoints.computeIfAbsent(runId, id -> new HashMap<>()).put(splitId, checkpoint);
                    held.putAll(claimedNow);
                    if (n == failAfterCommitAt) throw new CutoverException(failure, "simulated connection loss after commit of write " + n);
                }
            }

            @Override
            public Map<Integer, RecordError> refused(List<List<Record>> groups) {
                probes.incrementAndGet();
                Map<Integer, RecordError> out = new TreeMap<>();
                for (int i = 0; i < groups.size(); i++) {
                    for (Record r : groups.get(i)) {
                        if (refuses.test(r)) out.put(i, RecordError.of(ErrorCode.RECORD_REJECTED_BY_TARGET, null, "refused by the table's rule: " + r.key()));
                    }
                }
                return out;
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public synchronized List<String> finish(String runId, List<Table> defs) {
        claims.remove(runId);
        return List.of();
    }

    synchronized List<Record> rows(String table) { return new ArrayList<>(tables.get(table).values()); }
}
