package cutover.backup;

import cutover.connector.ChangeTracking;
import cutover.connector.CopyTextFormat;
import cutover.model.Value;

import java.util.EnumMap;
import java.util.Map;

/**
 * A part's tally of value kinds that also gives each line to a key counter: the keys of a table read
 * whole, counted for the next backup, or of a change layer, checked against the source's buckets
 * ({@link LayerCheck}). One class wherever keys are counted, so that {@link CopyPartStream}'s call of
 * the tally sees the same class in a full backup and in the layers after it (a second class there
 * sent its compiled code back to the interpreter in a process's first incremental).
 */
final class KeyCountingTally implements CopyTextFormat.KindTally {
    private final CopyTextFormat.KindTally kinds;
    private final ChangeTracking.LineCounter keys;

    KeyCountingTally(CopyTextFormat.KindTally kinds, ChangeTracking.LineCounter keys) {
        this.kinds = kinds;
        this.keys = keys;
    }

    @Override
    public void line(byte[] line, int offset, int length) {
        kinds.line(line, offset, length);
        keys.line(line, offset, length);
    }

    @Override
    public Map<String, EnumMap<Value.Kind, Long>> counts() {
        return kinds.counts();
    }
}
