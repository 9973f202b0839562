package cutover.postgres;

import cutover.connector.Capability;
import cutover.connector.Connector;
import cutover.connector.Location;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.verify.Digests;

import java.util.Optional;

/** An open PostgreSQL database: a {@link Source}, a {@link Sink} and {@link Digests} sharing one connection pool. */
final class PostgresConnector implements Connector {
    private final Location location;
    private final Pool pool;
    private final PostgresSink sink;
    private final PostgresSource source;
    private final PostgresDigests digests;
    private final ChangeLog log;

    PostgresConnector(Location location, Pool pool, String schema, int splitRows, int fetchSize, ChangeLog log) {
        this.location = location;
        this.pool = pool;
        this.sink = new PostgresSink(pool, schema);
        this.source = new PostgresSource(pool, schema, splitRows, fetchSize, log);
        this.digests = new PostgresDigests(pool, schema, fetchSize);
        this.log = log;
    }

    @Override
    public Location location() { return location; }

    @Override
    public <C extends Capability> Optional<C> capability(Class<C> type) {
        if (type == Sink.class) return Optional.of(type.cast(sink));
        if (type == Source.class) return Optional.of(type.cast(source));
        if (type == Digests.class) return Optional.of(type.cast(digests));
        return Optional.empty();
    }

    @Override
    public void close() {
        if (log != null) log.close(); // a read ahead's replication session
        pool.close();
    }
}
