package cutover.postgres;

import cutover.connector.Connector;
import cutover.connector.ConnectorProvider;
import cutover.connector.Location;
import cutover.connector.Setting;
import cutover.connector.Settings;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.List;
import java.util.Set;

/**
 * PostgreSQL and Supabase, as a source and as a sink: {@code postgresql://user:pass@host:5432/db?schema=public}
 * (also {@code postgres://}). Query parameters other than {@code schema} go to pgjdbc
 * ({@code sslmode=require}).
 */
public final class PostgresProvider implements ConnectorProvider {
    private static final Set<String> SCHEMES = Set.of("postgresql", "postgres");

    public static final Setting SCHEMA = Setting.of("schema", Setting.Type.STRING, "public",
            "The schema tables without a schema in their name live in (as a source: the schema read). "
                    + "A ?schema= in the location takes precedence.");
    public static final Setting POOL_SIZE = Setting.of("pool-size", Setting.Type.INT, "8",
            "Most connections open at once; one per parallel writer or reader, plus one.");
    public static final Setting CONNECT_TIMEOUT = Setting.of("connect-timeout", Setting.Type.INT, "10",
            "Seconds to wait for a connection before the target counts as unreachable.");
    public static final Setting SPLIT_ROWS = Setting.of("split-rows", Setting.Type.INT, "100000",
            "As a source: tables with fewer (estimated) rows are read as one split; larger ones are cut into key ranges.");
    public static final Setting FETCH_SIZE = Setting.of("fetch-size", Setting.Type.INT, "1000",
            "As a source: rows fetched per round trip by the server-side cursor.");
    public static final Setting FOLLOW_CHANGES = Setting.of("follow-changes", Setting.Type.STRING, "",
            "As a source backed up: the name of a logical replication slot (and of a publication) through which a backup "
                    + "learns the rows changed since the previous one from the write-ahead log instead of scanning its tables; "
                    + "created on first use, needs wal_level = logical. Empty: changes are found by scans.");
    public static final Setting FOLLOW_CHANGES_WAIT = Setting.of("follow-changes-wait", Setting.Type.INT, "30",
            "With follow-changes: seconds a backup waits for the transactions running when it starts to end (its moment's "
                    + "place in the log needs it); past that, this backup finds the changes by scans instead.");
    public static final Setting PASSWORD = Setting.secret("password",
            "The password, when it is not in the location (keeps it out of shell history).");

    /** Whether {@code location} is a PostgreSQL server on this machine's loopback (see {@link PgLocation#onThisMachine}). */
    public static boolean onThisMachine(Location location) {
        return SCHEMES.contains(location.scheme()) && PgLocation.parse(location).onThisMachine();
    }

    /** Whether {@code location} is a PostgreSQL database named with several schemas ({@code ?schema=auth,public}: a {@link cutover.connector.SchemaSet}). */
    public static boolean namesSeveralSchemas(Location location) {
        if (!SCHEMES.contains(location.scheme())) return false;
        try {
            String written = PgLocation.parse(location).schemaAsWritten();
            return written != null && written.contains(",");
        } catch (CutoverException e) {
            return false; // opening it says what is wrong with it
        }
    }

    @Override
    public Set<String> schemes() { return SCHEMES; }

    @Override
    public List<Setting> settings() { return List.of(SCHEMA, POOL_SIZE, CONNECT_TIMEOUT, SPLIT_ROWS, FETCH_SIZE, FOLLOW_CHANGES, FOLLOW_CHANGES_WAIT, PASSWORD); }

    @Override
    public Connector open(Location location, Settings settings) {
        PgLocation where = PgLocation.parse(location);
        int poolSize = positive(settings, POOL_SIZE);
        int connectTimeout = positive(settings, CONNECT_TIMEOUT);
        int splitRows = positive(settings, SPLIT_ROWS);
        int fetchSize = positive(settings, FETCH_SIZE);
        List<String> schemas = where.schemaAsWritten() != null ? PgLocation.schemas(location, where.schemaAsWritten(), true)
                : PgLocation.schemas(location, settings.get(SCHEMA), false);
        String schema = schemas.get(0);
        String password = where.password() != null ? where.password() : settings.get(PASSWORD.name()).orElse(null);
        String follow = settings.get(FOLLOW_CHANGES);
        int wait = positive(settings, FOLLOW_CHANGES_WAIT);
        if (!follow.isEmpty()) {
            ChangeLog.requireSlotName(follow);
            if (schemas.size() > 1) {
                throw new CutoverException(ErrorCode.USAGE, location.redacted() + " names " + schemas.size() + " schemas: following the log"
                        + " (--follow-changes) reads one schema's changes; back up several without it, or each schema with a slot of its own");
            }
        }
        Pool pool = Pool.open(where, password, poolSize, connectTimeout);
        return new PostgresConnector(location, pool, schemas, splitRows, fetchSize, follow.isEmpty() ? null : new ChangeLog(pool, follow, schema, wait));
    }

    private static int positive(Settings settings, Setting setting) {
        int v = settings.getInt(setting);
        if (v < 1) throw new CutoverException(ErrorCode.SETTING_INVALID, "setting " + setting.name() + " must be at least 1, found " + v);
        return v;
    }
}
