package cutover.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a backup of a folder ({@code --files}) does not keep, as warnings: symbolic links (not
 * followed, not kept) and empty folders (a snapshot holds files only), which a restore would not
 * bring back. A few are named, with how many there are.
 */
final class FolderLeftOut {
    private static final int NAMED = 5;

    private FolderLeftOut() {}

    static List<String> of(Path folder) {
        List<String> links = new ArrayList<>(), empty = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.forEach(p -> {
                if (Files.isSymbolicLink(p)) links.add(folder.relativize(p).toString());
                else if (!p.equals(folder) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && isEmpty(p)) empty.add(folder.relativize(p).toString());
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of(); // the backup itself names a folder it cannot list
        }
        List<String> out = new ArrayList<>();
        if (!links.isEmpty()) out.add(named(links, "symbolic link") + " under " + folder + " not kept (links are not followed)");
        if (!empty.isEmpty()) out.add(named(empty, "empty folder") + " under " + folder + " not kept (a snapshot holds files)");
        return out;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> in = Files.list(dir)) {
            return in.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static String named(List<String> paths, String what) {
        List<String> sorted = paths.stream().sorted().toList();
        String some = String.join(", ", sorted.subList(0, Math.min(NAMED, sorted.size())));
        return Counted.of(sorted.size(), what) + " (" + some + (sorted.size() > NAMED ? ", …" : "") + ")";
    }
}
