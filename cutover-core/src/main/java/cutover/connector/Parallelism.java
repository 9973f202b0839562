package cutover.connector;

/** How many readers or writers a command runs at once when it is not told. */
public final class Parallelism {
    private Parallelism() {}

    /**
     * One per core, and at least two: a database answers one query while the next is sent, so two
     * streams keep even a one-core machine busy.
     */
    public static final int DEFAULT = Math.max(2, Runtime.getRuntime().availableProcessors());
}
