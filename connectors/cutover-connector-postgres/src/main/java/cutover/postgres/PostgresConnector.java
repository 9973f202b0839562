package cutover.postgres;

import cutover.connector.Capability;
import cutover.connector.Connector;
import cutover.connector.Location;
import cutover.connector.PointInTime;
import cutover.connector.SchemaSet;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.verify.Digests;

import java.util.List;
import java.util.Optional;

/**
 * An open PostgreSQL database: a {@link Source}, a {@link Sink} and {@link Digests} of one schema
 * sharing one connection pool; or, where the location names several schemas, a {@link SchemaSet}
 * of them, and nothing else (only a backup reads several).
 */
final class PostgresConnector implements Connector {
    private final Location location;
    private final Pool pool;
    private final List<String> schemas;
    private final int splitRows;
    private final int fetchSize;
    private final PostgresSink sink;
    private final PostgresSource source;
    private final PostgresDigests digests;
    private final ChangeLog log;
    /** False for a schema of a set ({@link SchemaSet#ofSchema}): the set's connector closes the pool. */
    private final boolean ownsPool;

    PostgresConnector(Location location, Pool pool, List<String> schemas, int splitRows, int fetchSize, ChangeLog log) {
        this(location, pool, schemas, schemas, splitRows, fetchSize, log, true);
    }

    private PostgresConnector(Location location, Pool pool, List<String> schemas, List<String> readTogether, int splitRows, int fetchSize,
                              ChangeLog log, boolean ownsPool) {
        this.location = location;
        this.pool = pool;
        this.schemas = List.copyOf(schemas);
        this.splitRows = splitRows;
        this.fetchSize = fetchSize;
        this.log = log;
        this.ownsPool = ownsPool;
        String schema = schemas.get(0);
        boolean one = schemas.size() == 1;
        this.sink = one ? new PostgresSink(pool, schema) : null;
        this.source = one ? new PostgresSource(pool, schema, readTogether, splitRows, fetchSize, log) : null;
        this.digests = one ? new PostgresDigests(pool, schema, fetchSize) : null;
    }

    @Override
    public Location location() { return location; }

    @Override
    public <C extends Capability> Optional<C> capability(Class<C> type) {
        if (schemas.size() > 1) return type == SchemaSet.class ? Optional.of(type.cast(new Schemas())) : Optional.empty();
        if (type == Sink.class) return Optional.of(type.cast(sink));
        if (type == Source.class) return Optional.of(type.cast(source));
        if (type == Digests.class) return Optional.of(type.cast(digests));
        return Optional.empty();
    }

    @Override
    public Optional<String> whyNot(Class<? extends Capability> type) {
        if (schemas.size() == 1 || type == SchemaSet.class) return Optional.empty();
        return Optional.of("it names " + schemas.size() + " schemas (?schema=" + String.join(",", schemas) + "), which only a backup reads,"
                + " each schema a snapshot of its own; name one");
    }

    @Override
    public void close() {
        if (log != null) log.close(); // a read ahead's replication session
        if (ownsPool) pool.close();
    }

    /** The schemas of the location, each read as a connector of its own on this one's pool. */
    private final class Schemas implements SchemaSet {
        @Override
        public List<String> schemas() { return schemas; }

        @Override
        public Connector ofSchema(String schema) {
            if (!schemas.contains(schema)) throw new IllegalArgumentException("schema " + schema + " is not one of " + schemas);
            return new PostgresConnector(PgLocation.naming(location, schema), pool, List.of(schema), schemas, splitRows, fetchSize, null, false);
        }

        @Override
        public PointInTime holdAtThisMoment() {
            PostgresSource.requireSchemas(pool, schemas); // each run: one dropped since the first stores nothing
            return pool.holdForAll(() -> PostgresSource.tablesToLock(pool, schemas));
        }
    }
}
