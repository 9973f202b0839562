package cutover.backup;

import cutover.error.CutoverException;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds the index from the packs' own headers, as restic's {@code repair index} does, for an index
 * file that is damaged or lost: every pack whose header reads is indexed again, whatever the old
 * index files said. One new index file is written, then the old ones are deleted, so a crash between
 * leaves chunks indexed twice (check accepts that; prune keeps one). A pack whose header does not
 * read is named and left as it is: its chunks are lost, and check then says which snapshots need them.
 */
final class IndexRepair {
    private final Repository.Internals repo;

    IndexRepair(Repository.Internals repo) {
        this.repo = repo;
    }

    IndexRepairResult run(RepoLock lock) {
        RepoFiles files = repo.files();
        List<BlobId> oldFiles = files.listIds(RepoFiles.INDEX);
        List<PackWriter.Written> packs = new ArrayList<>();
        Map<String, String> unreadable = new TreeMap<>();
        long chunks = 0;
        for (BlobId pack : files.listPacks()) {
            try {
                List<PackWriter.Entry> entries = PackHeader.read(files, repo.keys(), files.pack(pack));
                packs.add(new PackWriter.Written(pack, entries, Files.size(files.pack(pack))));
                chunks += entries.size();
            } catch (CutoverException | java.io.IOException e) {
                unreadable.put(pack.hex(), e.getMessage());
            }
        }
        lock.requireHeld("write the rebuilt index");
        BlobId written = repo.envelope().writeNamed(RepoFiles.INDEX, "index", Index.fileOf(packs));
        int replaced = 0;
        for (BlobId old : oldFiles) {
            if (old.equals(written)) continue; // the same packs as one file already listed: kept
            files.delete(files.index(old));
            replaced++;
        }
        return new IndexRepairResult(packs.size(), chunks, replaced, unreadable);
    }
}
