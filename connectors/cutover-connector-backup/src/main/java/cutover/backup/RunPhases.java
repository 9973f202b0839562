package cutover.backup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How long each step of one backup took, in the order they ran (taking the lock, the source's
 * moment, deciding what changed, reading, storing, letting go): shown with each scheduled run and
 * in {@code --json}, so that a slow run says where its time went.
 */
public final class RunPhases {
    private final Map<String, Long> millis = new LinkedHashMap<>();
    private long mark = System.nanoTime();

    /** Ends the step under way, counted as {@code phase} (added to it if it ran before). */
    synchronized void end(String phase) {
        long now = System.nanoTime();
        millis.merge(phase, (now - mark) / 1_000_000, Long::sum);
        mark = now;
    }

    /** Each step's milliseconds, in the order they first ran. */
    public synchronized Map<String, Long> millis() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(millis));
    }

    /** e.g. "lock 3, moment 41, deciding 180, reading 210, storing 92, releasing 4 ms". */
    public String describe() {
        StringJoiner out = new StringJoiner(", ", "", " ms");
        millis().forEach((phase, ms) -> out.add(phase + " " + ms));
        return out.toString();
    }
}
