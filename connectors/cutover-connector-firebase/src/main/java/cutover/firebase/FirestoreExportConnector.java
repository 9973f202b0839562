package cutover.firebase;

import cutover.connector.Capability;
import cutover.connector.Connector;
import cutover.connector.DocumentTarget;
import cutover.connector.Location;
import cutover.connector.Source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Firestore export (JSON or managed), offered as a {@link Source}; a JSON export file (a path
 * ending in .json, there or not yet) also as a {@link DocumentTarget}, which a restore writes. The
 * source is opened when first asked for, so that a file not written yet can be a target. Holds no
 * open file between reads.
 */
final class FirestoreExportConnector implements Connector {
    private final Location location;
    private final Supplier<Source> opener;
    private final Path targetFile; // null: not a target
    private Source source;

    FirestoreExportConnector(Location location, Supplier<Source> opener, Path targetFile) {
        this.location = location;
        this.opener = opener;
        this.targetFile = targetFile;
    }

    /** A JSON export's connector: a target where the path names a .json file that is not a folder. */
    static FirestoreExportConnector ofJson(Location location, Path path) {
        boolean target = path.getFileName() != null && path.getFileName().toString().endsWith(".json") && !Files.isDirectory(path);
        return new FirestoreExportConnector(location, () -> new FirestoreExportSource(ExportFiles.list(path)), target ? path : null);
    }

    @Override
    public Location location() { return location; }

    @Override
    public <C extends Capability> Optional<C> capability(Class<C> type) {
        if (type == Source.class) return Optional.of(type.cast(source()));
        if (type == DocumentTarget.class && targetFile != null) return Optional.of(type.cast(new FirestoreExportTarget(targetFile, FirestoreExportTarget.SORT_MEMORY)));
        return Optional.empty();
    }

    @Override
    public Optional<String> whyNot(Class<? extends Capability> type) {
        if (type == Source.class || targetFile != null) return Optional.empty();
        return Optional.of("a Firestore export is written (as a restore's target) only as one JSON file: name a path ending in .json"
                + " that is not a folder, e.g. firestore-export:./restored.json");
    }

    private synchronized Source source() {
        if (source == null) source = opener.get(); // fails here, naming the path, where there is no export
        return source;
    }

    @Override
    public void close() {
        // readers close their own files
    }
}
