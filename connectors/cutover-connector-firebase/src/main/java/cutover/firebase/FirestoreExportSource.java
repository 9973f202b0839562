package cutover.firebase;

import cutover.connector.EntityInfo;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.EntityName;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The documents of a Firestore JSON export (a file or a folder of files). Each file is one split,
 * its id the file's relative name. Counts need a full pass over the files; it is made once, on the
 * first call that needs it, and kept.
 */
final class FirestoreExportSource implements Source {
    private final List<ExportFiles.ExportFile> files;
    private List<FileScan> scans;

    FirestoreExportSource(List<ExportFiles.ExportFile> files) {
        this.files = List.copyOf(files);
    }

    /** What one pass over a file found. */
    record FileScan(ExportFiles.ExportFile file, ExportFormat format, Map<EntityName, long[]> countAndBytes, long documents) {}

    private synchronized List<FileScan> scans() {
        if (scans == null) {
            List<FileScan> out = new ArrayList<>();
            for (ExportFiles.ExportFile f : files) out.add(scan(f));
            scans = List.copyOf(out);
        }
        return scans;
    }

    private static FileScan scan(ExportFiles.ExportFile f) {
        ExportFormat format = FormatDetector.detect(f.path());
        Map<EntityName, long[]> counts = new TreeMap<>();
        long documents = 0;
        try (ExportStream stream = ExportStream.open(f.path(), f.relativeName(), format)) {
            for (ExportStream.Parsed parsed = stream.next(); parsed != null; parsed = stream.next()) {
                long[] c = counts.computeIfAbsent(parsed.entity(), e -> new long[2]);
                c[0]++;
                c[1] += parsed.bytes();
                documents++;
            }
        }
        return new FileScan(f, format, counts, documents);
    }

    @Override
    public List<EntityInfo> entities() {
        Map<EntityName, long[]> total = new TreeMap<>();
        for (FileScan s : scans()) {
            s.countAndBytes().forEach((entity, c) -> {
                long[] t = total.computeIfAbsent(entity, e -> new long[2]);
                t[0] += c[0];
                t[1] += c[1];
            });
        }
        List<EntityInfo> out = new ArrayList<>();
        total.forEach((entity, c) -> out.add(new EntityInfo(entity, c[0], c[1], List.of())));
        return out;
    }

    @Override
    public List<Split> splits(int parallelism) {
        List<Split> out = new ArrayList<>();
        for (FileScan s : scans()) {
            out.add(new Split(s.file().relativeName(), s.countAndBytes().keySet(), s.documents(),
                    s.file().relativeName() + " (" + s.format().label() + " format)"));
        }
        return out;
    }

    @Override
    public RecordReader read(Split split, Position from) {
        ExportFiles.ExportFile file = files.stream().filter(f -> f.relativeName().equals(split.id())).findFirst()
                .orElseThrow(() -> new CutoverException(ErrorCode.SOURCE_CHANGED,
                        "the export no longer has the file " + split.id() + "; start the run again from the beginning"));
        ExportFormat format = FormatDetector.detect(file.path());
        return new FileRecordReader(file.path(), ExportStream.open(file.path(), file.relativeName(), format), from);
    }
}
