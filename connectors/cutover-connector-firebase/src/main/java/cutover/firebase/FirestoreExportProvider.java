package cutover.firebase;

import cutover.connector.Connector;
import cutover.connector.ConnectorProvider;
import cutover.connector.Location;
import cutover.connector.Setting;
import cutover.connector.Settings;

import java.util.List;
import java.util.Set;

/**
 * Opens {@code firestore-export:PATH}, where PATH is a .json export file or a folder of them
 * (read recursively, one split per file). The format of each file is detected: see
 * {@link ExportFormat}.
 */
public final class FirestoreExportProvider implements ConnectorProvider {
    public static final String SCHEME = "firestore-export";

    @Override
    public Set<String> schemes() { return Set.of(SCHEME); }

    @Override
    public List<Setting> settings() { return List.of(); }

    @Override
    public String recordedAs(Location location) {
        return Location.ofFile(location.scheme(), ExportFiles.pathOf(location));
    }

    @Override
    public Connector open(Location location, Settings settings) {
        return FirestoreExportConnector.ofJson(location, ExportFiles.pathOf(location));
    }
}
