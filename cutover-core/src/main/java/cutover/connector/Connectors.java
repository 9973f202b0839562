package cutover.connector;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds connector providers through {@link ServiceLoader} and opens a location with the one that
 * claims its scheme. Two providers claiming one scheme is a packaging error and fails at once,
 * rather than one winning silently by priority.
 */
public final class Connectors {
    private final Map<String, ConnectorProvider> byScheme;

    private Connectors(Map<String, ConnectorProvider> byScheme) {
        this.byScheme = Map.copyOf(byScheme);
    }

    public static Connectors discover() {
        return of(ServiceLoader.load(ConnectorProvider.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    public static Connectors of(List<ConnectorProvider> providers) {
        Map<String, ConnectorProvider> byScheme = new HashMap<>();
        for (ConnectorProvider p : providers) {
            for (String scheme : p.schemes()) {
                ConnectorProvider previous = byScheme.putIfAbsent(scheme, p);
                if (previous != null) {
                    throw new CutoverException(ErrorCode.CONNECTOR_DUPLICATE_SCHEME, "scheme '" + scheme + "' is claimed by both "
                            + previous.getClass().getName() + " and " + p.getClass().getName() + "; remove one from the class path");
                }
            }
        }
        return new Connectors(byScheme);
    }

    public ConnectorProvider provider(String scheme) {
        ConnectorProvider p = byScheme.get(scheme);
        if (p == null) {
            throw new CutoverException(ErrorCode.CONNECTOR_UNKNOWN_SCHEME,
                    "no connector for scheme '" + scheme + "'; known schemes: " + new TreeSet<>(byScheme.keySet()));
        }
        return p;
    }

    public Connector open(Location location, Settings settings) {
        return provider(location.scheme()).open(location, settings);
    }

    public Connector open(String location) {
        return open(Location.parse(location), Settings.EMPTY);
    }

    /** The capability, or an error that says which connector lacks it. */
    public static <C extends Capability> C require(Connector connector, Class<C> type) {
        return connector.capability(type).orElseThrow(() -> new CutoverException(ErrorCode.CAPABILITY_MISSING,
                connector.location().redacted() + " cannot be used as a " + type.getSimpleName().toLowerCase(java.util.Locale.ROOT)
                        + connector.whyNot(type).map(why -> ": " + why).orElse(" (its connector does not offer that)")));
    }

    public java.util.Set<String> schemes() { return new TreeSet<>(byScheme.keySet()); }
}
