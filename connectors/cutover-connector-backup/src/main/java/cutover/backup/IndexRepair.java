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
 *
 * <p>With read-data, every chunk of a pack is also decrypted and hashed, and a pack whose bytes
 * changed is salvaged as restic's {@code repair packs} does: its chunks that still read are stored
 * again in new packs, it is deleted once the new index names them, and those that do not read are
 * left out and named. The next backup of a source that still holds their data then stores them
 * again under the same ids (a chunk's id is the hash of its content), not reusing the damaged copy,
 * and every snapshot that needs them reads again.
 */
final class IndexRepair {
    private final Repository.Internals repo;

    IndexRepair(Repository.Internals repo) {
        this.repo = repo;
    }

    IndexRepairResult run(RepoLock lock, boolean readData) {
        RepoFiles files = repo.files();
        List<BlobId> oldFiles = files.listIds(RepoFiles.INDEX);
        Found found = new Found(Index.loadReadable(files, repo.envelope())); // what the old index files that still open say
        if (readData) {
            try (ChunkStore salvage = new ChunkStore(files, repo.keys(), repo.sealingKit(), Index::new, repo.options().packSize(),
                    repo.options().zstdLevel(), 1)) {
                readPacks(found, salvage);
                found.packs.addAll(salvage.finish());
            }
        } else {
            readPacks(found, null);
        }
        lock.requireHeld("write the rebuilt index");
        BlobId written = repo.envelope().writeNamed(RepoFiles.INDEX, "index", Index.fileOf(found.packs));
        for (BlobId pack : found.salvaged) files.delete(files.pack(pack)); // what still read is in the new packs the index names
        int replaced = 0;
        for (BlobId old : oldFiles) {
            if (old.equals(written)) continue; // the same packs as one file already listed: kept
            files.delete(files.index(old));
            replaced++;
        }
        return new IndexRepairResult(found.packs.size(), found.chunks, replaced, found.unreadable, found.damaged);
    }

    /** What the packs on disk hold, as the rebuilt index will say. */
    private static final class Found {
        final Index before;
        final List<PackWriter.Written> packs = new ArrayList<>();
        final Map<String, String> unreadable = new TreeMap<>();
        final Map<String, String> damaged = new TreeMap<>();
        final List<BlobId> salvaged = new ArrayList<>();
        long chunks;

        Found(Index before) {
            this.before = before;
        }
    }

    /** Reads each pack's header; with {@code salvage} (read-data), a pack whose bytes changed is salvaged into it. */
    private void readPacks(Found found, ChunkStore salvage) {
        RepoFiles files = repo.files();
        for (BlobId pack : files.listPacks()) {
            List<PackWriter.Entry> entries;
            try {
                entries = PackHeader.read(files, repo.keys(), files.pack(pack));
            } catch (CutoverException e) {
                // a damaged header, not necessarily damaged chunks: what an old index file says of the pack stays
                entries = entriesOf(found.before, pack);
                found.unreadable.put(pack.hex(), e.getMessage() + (entries.isEmpty() ? "" : "; its " + entries.size()
                        + " chunks stay indexed as the old index said (`backup check --read-data` proves them)"));
                if (entries.isEmpty()) continue;
            }
            if (salvage != null && !files.sha256(files.pack(pack)).equals(pack.hex())) {
                found.chunks += salvage(pack, entries, found.damaged, salvage);
                found.salvaged.add(pack);
                continue;
            }
            try {
                found.packs.add(new PackWriter.Written(pack, entries, Files.size(files.pack(pack))));
            } catch (java.io.IOException e) {
                throw files.io("cannot read " + files.relative(files.pack(pack)), e);
            }
            found.chunks += entries.size();
        }
    }

    /**
     * Stores again, into {@code store}'s new packs, each chunk of the changed pack that decrypts and
     * hashes to its id; puts each other one in {@code damaged} with why. Returns how many were stored.
     */
    private long salvage(BlobId pack, List<PackWriter.Entry> entries, Map<String, String> damaged, ChunkStore store) {
        long stored = 0;
        try (BlobReader reader = new BlobReader(repo.files(), null, repo.keys())) {
            for (PackWriter.Entry e : entries) {
                BlobLocation at = new BlobLocation(pack, e.offset(), e.length(), e.rawLength());
                byte[] plain;
                try {
                    plain = reader.decode(e.id(), at, reader.readSealed(e.id(), at));
                } catch (CutoverException broken) {
                    damaged.put(e.id().hex(), broken.getMessage());
                    continue;
                }
                store.store(store.stage(plain, 0, plain.length));
                stored++;
            }
        }
        return stored;
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
