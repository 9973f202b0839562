package cutover.firebase;

import cutover.connector.Capability;
import cutover.connector.Connector;
import cutover.connector.Location;
import cutover.connector.Source;

import java.util.Optional;

/** A Firestore export (JSON or managed), offered as a {@link Source}. Holds no open file between reads. */
final class FirestoreExportConnector implements Connector {
    private final Location location;
    private final Source source;

    FirestoreExportConnector(Location location, Source source) {
        this.location = location;
        this.source = source;
    }

    @Override
    public Location location() { return location; }

    @Override
    public <C extends Capability> Optional<C> capability(Class<C> type) {
        return type == Source.class ? Optional.of(type.cast(source)) : Optional.empty();
    }

    @Override
    public void close() {
        // readers close their own files
    }
}
