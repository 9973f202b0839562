package cutover.sqlite;

import cutover.connector.Capability;
import cutover.connector.Connector;
import cutover.connector.Location;
import cutover.connector.Sink;
import cutover.connector.Source;

import java.util.Optional;

/**
 * A SQLite file as a source and as a sink. Nothing is opened until a capability is used: as a
 * source the file must exist (and is never changed), as a sink it is created when missing (and
 * removed on close where nothing was written into it).
 */
final class SqliteConnector implements Connector {
    private final Location location;
    private final SqliteSource source;
    private final SqliteSink sink;

    private final SqliteDatabase db;

    SqliteConnector(Location location, SqliteDatabase db, long splitRows) {
        this.location = location;
        this.db = db;
        this.source = new SqliteSource(db, splitRows);
        this.sink = new SqliteSink(db);
    }

    @Override
    public Location location() { return location; }

    @Override
    public <C extends Capability> Optional<C> capability(Class<C> type) {
        if (type == Source.class) return Optional.of(type.cast(source));
        if (type == Sink.class) return Optional.of(type.cast(sink));
        return Optional.empty();
    }

    @Override
    public void close() {
        source.close();
        sink.close();
        db.removeIfMadeEmpty();
    }
}
