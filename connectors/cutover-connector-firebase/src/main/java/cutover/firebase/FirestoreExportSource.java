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
import java.util.Optional;
import java.util.Set;
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

    /** Each file of a folder is an export of its own: one document may be in two of them (a file finds its own repeats). */
    @Override
    public boolean keysMayRepeat(cutover.model.EntityName entity) {
        return files.size() > 1;
    }

    @Override
    public List<EntityInfo> entities() {
        return EntityTotals.of(scans().stream().map(FileScan::countAndBytes).toList());
    }

    /** Counts only once a scan was made (by {@link #entities()}): a migration reads each file once. */
    @Override
    public synchronized Optional<List<EntityInfo>> quickEstimates() {
        return scans == null ? Optional.empty() : Optional.of(entities());
    }

    /**
     * One split per file. Without a scan made already, the splits come from each file's first bytes
     * (its format) and say neither their entities nor their counts: those are found while reading.
     */
    @Override
    public List<Split> splits(int parallelism) {
        List<Split> out = new ArrayList<>();
        List<FileScan> known;
        synchronized (this) {
            known = scans;
        }
        if (known != null) {
            for (FileScan s : known) {
                out.add(new Split(s.file().relativeName(), s.countAndBytes().keySet(), s.documents(), description(s.file(), s.format())));
            }
        } else {
            for (ExportFiles.ExportFile f : files) out.add(new Split(f.relativeName(), Set.of(), -1, description(f, FormatDetector.detect(f.path()))));
        }
        return out;
    }

    private static String description(ExportFiles.ExportFile file, ExportFormat format) {
        return file.relativeName() + " (" + format.label() + " format)";
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
