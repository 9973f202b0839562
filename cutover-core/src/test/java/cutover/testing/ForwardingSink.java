package cutover.testing;

import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.connector.TargetInfo;
import cutover.error.RecordError;
import cutover.model.Record;
import cutover.model.Table;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A sink that passes every call to another: a test takes it as it is to hide what else the other
 * can do (its COPY text side), or extends it to add or change one thing.
 */
public class ForwardingSink implements Sink {
    protected final Sink sink;

    public ForwardingSink(Sink sink) { this.sink = sink; }

    @Override public TargetInfo describe() { return sink.describe(); }
    @Override public List<String> prepare(String runId, List<Table> tables, boolean create) { return sink.prepare(runId, tables, create); }
    @Override public Optional<RecordError> check(Table table, Record row) { return sink.check(table, row); }
    @Override public Map<String, Checkpoint> checkpoints(String runId) { return sink.checkpoints(runId); }
    @Override public void resetCheckpoints(String runId) { sink.resetCheckpoints(runId); }
    @Override public void forgetCheckpoints(String runId, java.util.Set<String> splitIds) { sink.forgetCheckpoints(runId, splitIds); }
    @Override public SinkWriter writer(String runId, String splitId, List<Table> tables) { return sink.writer(runId, splitId, tables); }
    @Override public List<String> finish(String runId, List<Table> tables) { return sink.finish(runId, tables); }
}
