package cutover.cli;

import cutover.connector.Capability;
import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.Location;
import cutover.connector.Settings;

/**
 * Opens the endpoints a command names. A password may be left out of a location and given in the
 * environment instead ({@code CUTOVER_SOURCE_PASSWORD}, {@code CUTOVER_TARGET_PASSWORD}), so that it
 * appears neither in the shell history nor in the plan.
 */
final class Endpoints {
    private static final Connectors CONNECTORS = Connectors.discover();

    private Endpoints() {}

    static Connector openSource(String location) {
        return open(location, "CUTOVER_SOURCE_PASSWORD");
    }

    static Connector openTarget(String location) {
        return open(location, "CUTOVER_TARGET_PASSWORD");
    }

    static <C extends Capability> C require(Connector connector, Class<C> capability) {
        return Connectors.require(connector, capability);
    }

    private static Connector open(String location, String passwordVariable) {
        Settings settings = Settings.EMPTY;
        String password = System.getenv(passwordVariable);
        if (password != null && !password.isEmpty()) settings = settings.with("password", password);
        return CONNECTORS.open(Location.parse(location), settings);
    }
}
