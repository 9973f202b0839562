package cutover.connector;

/**
 * A source held at one moment: while it is open, every reader and digest the source's connector
 * opens sees the data as it was when it was taken, whatever is written meanwhile (a database's
 * exported snapshot, as {@code pg_dump} takes one). Closing it lets readers see the present again.
 */
public interface PointInTime extends AutoCloseable {
    /** What the moment is called where it was taken (a database's snapshot id), for the log. */
    String id();

    @Override
    void close();
}
