package cutover.firebase;

import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A Firestore managed export (what {@code gcloud firestore export} writes to a bucket, copied to
 * disk): every {@code output-N} file under the folder is one split, its id the file's path
 * relative to the folder. Counts come from one pass over the files, made once and kept.
 */
final class FirestoreManagedExportSource implements Source {
    static final String DESCRIPTION = "Firestore managed export: LevelDB log of EntityProto records";

    private final Path root;
    private final List<Path> outputs;
    private List<Scan> scans;

    private record Scan(Path file, String id, Map<EntityName, long[]> countAndBytes, long documents) {}

    FirestoreManagedExportSource(Path root) {
        this.root = root;
        this.outputs = outputs(root);
    }

    private static List<Path> outputs(Path root) {
        if (!Files.isDirectory(root)) {
            throw new CutoverException(ErrorCode.SOURCE_NOT_FOUND, "no managed export at " + root + ": give the export's folder");
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> found = walk.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().matches("output-\\d+"))
                    .sorted().toList();
            if (found.isEmpty()) {
                throw new CutoverException(ErrorCode.SOURCE_NOT_FOUND, "no output-N files under " + root
                        + ": is it the folder that holds NAME.overall_export_metadata?");
            }
            return found;
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.SOURCE_IO, "cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private String idOf(Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private synchronized List<Scan> scans() {
        if (scans == null) {
            List<Scan> out = new ArrayList<>();
            for (Path f : outputs) {
                Map<EntityName, long[]> counts = new TreeMap<>();
                long documents = 0;
                try (ManagedExportStream stream = new ManagedExportStream(f)) {
                    for (ExportStream.Parsed p = stream.next(); p != null; p = stream.next()) {
                        long[] c = counts.computeIfAbsent(p.entity(), e -> new long[2]);
                        c[0]++;
                        c[1] += p.bytes();
                        documents++;
                    }
                }
                out.add(new Scan(f, idOf(f), counts, documents));
            }
            scans = List.copyOf(out);
        }
        return scans;
    }

    @Override
    public List<EntityInfo> entities() {
        return EntityTotals.of(scans().stream().map(Scan::countAndBytes).toList());
    }

    @Override
    public List<Split> splits(int parallelism) {
        List<Split> out = new ArrayList<>();
        for (Scan s : scans()) out.add(new Split(s.id(), s.countAndBytes().keySet(), s.documents(), s.id() + " (" + DESCRIPTION + ")"));
        return out;
    }

    @Override
    public RecordReader read(Split split, Position from) {
        Path file = outputs.stream().filter(f -> idOf(f).equals(split.id())).findFirst()
                .orElseThrow(() -> new CutoverException(ErrorCode.SOURCE_CHANGED,
                        "the export no longer has the file " + split.id() + "; start the run again from the beginning"));
        return new FileRecordReader(file, new ManagedExportStream(file), from);
    }
}
