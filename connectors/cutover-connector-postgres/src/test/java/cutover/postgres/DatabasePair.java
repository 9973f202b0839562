package cutover.postgres;

import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.verify.Digests;

/**
 * Two scratch databases of the test server, each opened as a connector and asked for its
 * {@link Digests}: the source (a) and the target (b) of the verify tests. Closing it closes the
 * connectors before dropping the databases.
 */
final class DatabasePair implements AutoCloseable {
    final TestDatabase a = new TestDatabase();
    final TestDatabase b = new TestDatabase();
    private final Connector ca = a.open();
    private final Connector cb = b.open();
    final Digests da = Connectors.require(ca, Digests.class);
    final Digests db = Connectors.require(cb, Digests.class);

    @Override
    public void close() {
        ca.close();
        cb.close();
        a.close();
        b.close();
    }
}
