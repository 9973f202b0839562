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
 * read is named and left as it is, its chunks indexed as an old index file that still opens placed
 * them (a damaged header need not mean damaged chunks; check --read-data proves each); where none
 * does, its chunks are lost, and check then says which snapshots need them.
 */
final class IndexRepair {
    private final Repository.Internals repo;

    IndexRepair(Repository.Internals repo) {
        this.repo = repo;
    }

    IndexRepairResult run(RepoLock lock) {
        RepoFiles files = repo.files();
        List<BlobId> oldFiles = files.listIds(RepoFiles.INDEX);
        Index before = Index.loadReadable(files, repo.envelope()); // what the old index files that still open say
        List<PackWriter.Written> packs = new ArrayList<>();
        Map<String, String> unreadable = new TreeMap<>();
        long chunks = 0;
        for (BlobId pack : files.listPacks()) {
            List<PackWriter.Entry> entries;
            try {
                entries = PackHeader.read(files, repo.keys(), files.pack(pack));
            } catch (CutoverException e) {
                // a damaged header, not necessarily damaged chunks: what an old index file says of the pack stays
                entries = entriesOf(before, pack);
                unreadable.put(pack.hex(), e.getMessage() + (entries.isEmpty() ? "" : "; its " + entries.size()
                        + " chunks stay indexed as the old index said (`backup check --read-data` proves them)"));
                if (entries.isEmpty()) continue;
            }
            try {
                packs.add(new PackWriter.Written(pack, entries, Files.size(files.pack(pack))));
            } catch (java.io.IOException e) {
                throw files.io("cannot read " + files.relative(files.pack(pack)), e);
            }
            chunks += entries.size();
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

    /** The blobs an index places in the pack, in their order in it. */
    private static List<PackWriter.Entry> entriesOf(Index index, BlobId pack) {
        List<PackWriter.Entry> out = new ArrayList<>();
        for (BlobId blob : index.packs().getOrDefault(pack, List.of())) {
            BlobLocation at = index.get(blob);
            if (at != null && at.pack().equals(pack)) out.add(new PackWriter.Entry(blob, at.offset(), at.length(), at.rawLength()));
        }
        out.sort(java.util.Comparator.comparingLong(PackWriter.Entry::offset));
        return out;
    }
}
