package cutover.firebase;

import cutover.connector.Connector;
import cutover.connector.ConnectorProvider;
import cutover.connector.Location;
import cutover.connector.Source;
import cutover.connector.Setting;
import cutover.connector.Settings;

import java.util.List;
import java.util.Set;

/**
 * Opens {@code firestore-managed-export:FOLDER}, a Firestore managed export copied from its bucket
 * ({@code gsutil cp -r gs://bucket/EXPORT FOLDER}): the {@code output-N} files under FOLDER are
 * read, one split each.
 */
public final class FirestoreManagedExportProvider implements ConnectorProvider {
    public static final String SCHEME = "firestore-managed-export";

    @Override
    public Set<String> schemes() { return Set.of(SCHEME); }

    @Override
    public List<Setting> settings() { return List.of(); }

    @Override
    public java.util.Optional<String> readOnly() {
        return java.util.Optional.of("Cutover reads Google's managed exports (gcloud firestore export) but does not write them: give"
                + " firestore-export:FILE.json instead (the format firestore-import tools load), or a database");
    }

    @Override
    public String recordedAs(Location location) {
        return Location.ofFile(location.scheme(), ExportFiles.pathOf(location));
    }

    @Override
    public Connector open(Location location, Settings settings) {
        Source source = new FirestoreManagedExportSource(ExportFiles.pathOf(location)); // a folder that must be there: checked now
        return new FirestoreExportConnector(location, () -> source, null);
    }
}
