package cutover.firebase;

import cutover.connector.Location;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of an export location: one .json file, or every .json file under a folder, sorted by
 * their name relative to the folder (with '/' separators), which is also the stable split id.
 */
final class ExportFiles {
    private ExportFiles() {}

    record ExportFile(Path path, String relativeName) {}

    /** The path a location names: {@code firestore-export:///abs} as well as {@code firestore-export:/abs}. */
    static Path pathOf(Location location) {
        String rest = location.rest();
        return Path.of(rest.startsWith("//") ? rest.substring(2) : rest);
    }

    static List<ExportFile> list(Path location) {
        if (Files.isRegularFile(location)) return List.of(new ExportFile(location, location.getFileName().toString()));
        if (!Files.isDirectory(location)) {
            throw new CutoverException(ErrorCode.SOURCE_NOT_FOUND, "no export at " + location + ": it is neither a .json file nor a folder");
        }
        List<ExportFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(location)) {
            walk.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json"))
                    .forEach(f -> files.add(new ExportFile(f, location.relativize(f).toString().replace(java.io.File.separatorChar, '/'))));
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.SOURCE_IO, "cannot list " + location + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) throw new CutoverException(ErrorCode.SOURCE_NOT_FOUND, "no .json files in " + location);
        files.sort(java.util.Comparator.comparing(ExportFile::relativeName));
        return List.copyOf(files);
    }
}
