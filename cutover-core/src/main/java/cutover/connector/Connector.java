package cutover.connector;

import java.util.Optional;

/**
 * An open endpoint. It offers some capabilities ({@link Source}, {@link Sink}); a command asks for
 * the one it needs, so a missing capability is found when a plan is checked, before a row moves.
 */
public interface Connector extends AutoCloseable {
    Location location();

    <C extends Capability> Optional<C> capability(Class<C> type);

    /** Why this location does not offer {@code type}, where the connector can say (a path of the wrong kind); else empty. */
    default Optional<String> whyNot(Class<? extends Capability> type) {
        return Optional.empty();
    }

    /** Releases connections and files; idempotent. */
    @Override
    void close();
}
