package cutover.connector;

import java.util.List;
import java.util.Set;

/**
 * Opens connectors for the schemes it claims. Listed in
 * {@code META-INF/services/cutover.connector.ConnectorProvider} and found by {@link Connectors}.
 */
public interface ConnectorProvider {
    /** The schemes this provider opens, lower case: {@code postgresql}, {@code postgres}. */
    Set<String> schemes();

    /** The settings it understands, for {@code cutover help connector} and validation. */
    List<Setting> settings();

    /**
     * Why this provider's locations cannot be written to (as a migration's or a restore's target), or
     * empty when they can: said before opening one, which for a source checks what is there.
     */
    default java.util.Optional<String> readOnly() {
        return java.util.Optional.empty();
    }

    /**
     * Why this provider's targets do not delete rows by key (a restore's {@code --delete}), said before
     * one is opened (opening a SQLite target makes its file); empty where they may, or where only the
     * opened target can tell.
     */
    default java.util.Optional<String> cannotDeleteRows() {
        return java.util.Optional.empty();
    }

    /**
     * The location as a backup's snapshot and the journal record their source: the same data however
     * the command named it, wherever it ran (a file's path made absolute: two projects' {@code
     * ./app.json} are two sources, whose snapshots forget's rules and {@code latest} keep apart).
     */
    default String recordedAs(Location location) {
        return location.raw();
    }

    /** Opens a connector. Fails with a {@link cutover.error.CutoverException} that names the (redacted) location. */
    Connector open(Location location, Settings settings);
}
