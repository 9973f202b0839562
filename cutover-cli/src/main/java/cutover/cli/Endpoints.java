package cutover.cli;

import cutover.connector.Capability;
import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.Location;
import cutover.connector.Settings;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.error.Waiting;
import cutover.postgres.PostgresProvider;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Opens the endpoints a command names. A password may be left out of a location and given in the
 * environment instead ({@code CUTOVER_SOURCE_PASSWORD}, {@code CUTOVER_TARGET_PASSWORD}), so that it
 * appears neither in the shell history nor in the plan.
 */
final class Endpoints {
    private static final Connectors CONNECTORS = Connectors.discover();

    private Endpoints() {}

    static Connector openSource(String location) {
        return openSource(location, 0);
    }

    /** The source, for a command that holds up to {@code connections} of its connections at once. */
    static Connector openSource(String location, int connections) {
        return openSource(location, connections, Map.of());
    }

    /** The same, with connector settings of the command's ({@code follow-changes} of a backup). */
    static Connector openSource(String location, int connections, Map<String, String> settings) {
        try {
            return open(location, "CUTOVER_SOURCE_PASSWORD", connections, settings);
        } catch (CutoverException e) {
            throw asSource(e);
        }
    }

    /**
     * A database connector reports a failure to connect as its target's (exit 5): it does not know
     * which end it was opened as. A source that cannot be reached or refuses the credentials is
     * the source's failure (exit 4), and a user must not be sent to fix the wrong database. Whether
     * trying again can help stays as the connector said (a missing database: never).
     */
    private static CutoverException asSource(CutoverException e) {
        ErrorCode code = switch (e.code()) {
            case TARGET_UNREACHABLE -> ErrorCode.SOURCE_IO;
            case TARGET_AUTH -> ErrorCode.SOURCE_AUTH;
            default -> null;
        };
        return code == null ? e : new CutoverException(code, e.getMessage(), e, e.retryable());
    }

    /**
     * The other way round: a target read as a source (verify's second side, migrate's rollback point
     * of it) fails as a source's (SOURCE_IO), which is the target's failure (exit 5), so named.
     */
    static CutoverException asTarget(CutoverException e, String message) {
        ErrorCode code = switch (e.code()) {
            case SOURCE_IO, SOURCE_CHANGED -> ErrorCode.TARGET_READ_FAILED; // a table gone while read: read again
            case SOURCE_AUTH -> ErrorCode.TARGET_AUTH;
            default -> e.code();
        };
        return code == e.code() && message.equals(e.getMessage()) ? e : new CutoverException(code, message, e, e.retryable());
    }

    /**
     * Where both sides are read as sources (verify; a restore's dry run), a connector names a failure
     * to read either as the source's (SOURCE_IO): one whose message names the target, and not the
     * source, is the target's. Verify's exit code is its 2 either way; the code is what a script and
     * the journal see.
     */
    static CutoverException asTargetWhereNamed(CutoverException e, String source, String target) {
        String atTarget = " on " + Location.redact(target) + " ", atSource = " on " + Location.redact(source) + " ";
        if (!e.getMessage().contains(atTarget) || e.getMessage().contains(atSource)) return e;
        return asTarget(e, e.getMessage());
    }

    static Connector openTarget(String location) {
        return openTarget(location, 0);
    }

    /** The target, for a command that holds up to {@code connections} of its connections at once. */
    static Connector openTarget(String location, int connections) {
        String scheme = Location.parse(location).scheme();
        CONNECTORS.provider(scheme).readOnly().ifPresent(why -> {
            throw new CutoverException(ErrorCode.CAPABILITY_MISSING, scheme + ": cannot be written to: " + why);
        });
        return open(location, "CUTOVER_TARGET_PASSWORD", connections, Map.of());
    }

    /** Why the target's kind does not delete rows by key, known before it is opened; empty where it may, or where only opening it tells. */
    static java.util.Optional<String> cannotDeleteRows(String location) {
        return CONNECTORS.provider(Location.parse(location).scheme()).cannotDeleteRows();
    }

    /** The source, opened on a thread of its own while the caller goes on (see {@link Opening}). */
    static Opening openSourceBeside(String location, int connections) {
        return openSourceBeside(location, connections, Map.of());
    }

    static Opening openSourceBeside(String location, int connections, Map<String, String> settings) {
        return new Opening(() -> openSource(location, connections, settings), "source");
    }

    /** The target, opened on a thread of its own while the caller goes on (see {@link Opening}). */
    static Opening openTargetBeside(String location, int connections) {
        return new Opening(() -> openTarget(location, connections), "target");
    }

    /**
     * An endpoint being opened while the command does work that does not need it yet: a backup or
     * a restore derives the repository's key (scrypt, ~0.5 s in a fresh JVM) while connecting,
     * loading the driver and reading the catalog take their own ~0.2 s. {@link #take} hands the
     * connector over, or throws what opening it threw; closing an Opening not taken (the command
     * failed first) closes its connector whenever it is ready, without waiting for it.
     */
    static final class Opening implements AutoCloseable {
        private final CompletableFuture<Connector> connector;
        private final String what;
        private boolean taken;

        private Opening(Supplier<Connector> open, String what) {
            this.what = what;
            this.connector = CompletableFuture.supplyAsync(open, task -> {
                Thread t = new Thread(task, "cutover-open-" + what);
                t.setDaemon(true); // a failed command exits without waiting for a slow server
                t.start();
            });
        }

        /** The open connector, which the caller now closes; waits for it. */
        Connector take() {
            taken = true;
            return Waiting.on(connector, "opening the " + what);
        }

        @Override
        public void close() {
            if (!taken) connector.thenAccept(Connector::close); // a failure to open needs no closing
        }
    }

    static <C extends Capability> C require(Connector connector, Class<C> capability) {
        return Connectors.require(connector, capability);
    }

    /**
     * Opens the endpoint; where its connector pools connections (PostgreSQL), with room for
     * {@code connections} at once: a reader or writer that found the pool full would wait only the
     * connect timeout (10 s) for one, then fail, however healthy the server.
     */
    /** The location as a backup records its source ({@link cutover.connector.ConnectorProvider#recordedAs}): a file's path absolute. */
    static String recordedAs(String location) {
        Location parsed = Location.parse(location);
        return CONNECTORS.provider(parsed.scheme()).recordedAs(parsed);
    }

    private static Connector open(String location, String passwordVariable, int connections, Map<String, String> given) {
        Settings settings = new Settings(given);
        String password = System.getenv(passwordVariable);
        if (password != null && !password.isEmpty()) settings = settings.with("password", password);
        int pooled = Integer.parseInt(PostgresProvider.POOL_SIZE.defaultValue());
        if (connections > pooled) settings = settings.with(PostgresProvider.POOL_SIZE.name(), String.valueOf(connections));
        return CONNECTORS.open(Location.parse(location), settings);
    }
}
