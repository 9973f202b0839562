package cutover.cli;

import cutover.connector.Capability;
import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.Location;
import cutover.connector.Settings;
import cutover.postgres.PostgresProvider;

/**
 * Opens the endpoints a command names. A password may be left out of a location and given in the
 * environment instead ({@code CUTOVER_SOURCE_PASSWORD}, {@code CUTOVER_TARGET_PASSWORD}), so that it
 * appears neither in the shell history nor in the plan.
 */
final class Endpoints {
    private static final Connectors CONNECTORS = Connectors.discover();

    private Endpoints() {}

    static Connector openSource(String location) {
        return open(location, "CUTOVER_SOURCE_PASSWORD", 0);
    }

    /** The source, for a command that holds up to {@code connections} of its connections at once. */
    static Connector openSource(String location, int connections) {
        return open(location, "CUTOVER_SOURCE_PASSWORD", connections);
    }

    static Connector openTarget(String location) {
        return open(location, "CUTOVER_TARGET_PASSWORD", 0);
    }

    /** The target, for a command that holds up to {@code connections} of its connections at once. */
    static Connector openTarget(String location, int connections) {
        return open(location, "CUTOVER_TARGET_PASSWORD", connections);
    }

    static <C extends Capability> C require(Connector connector, Class<C> capability) {
        return Connectors.require(connector, capability);
    }

    /**
     * Opens the endpoint; where its connector pools connections (PostgreSQL), with room for
     * {@code connections} at once: a reader or writer that found the pool full would wait only the
     * connect timeout (10 s) for one, then fail, however healthy the server.
     */
    private static Connector open(String location, String passwordVariable, int connections) {
        Settings settings = Settings.EMPTY;
        String password = System.getenv(passwordVariable);
        if (password != null && !password.isEmpty()) settings = settings.with("password", password);
        int pooled = Integer.parseInt(PostgresProvider.POOL_SIZE.defaultValue());
        if (connections > pooled) settings = settings.with(PostgresProvider.POOL_SIZE.name(), String.valueOf(connections));
        return CONNECTORS.open(Location.parse(location), settings);
    }
}
