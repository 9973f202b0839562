package cutover.backup;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes what no snapshot needs, in an order that keeps the repository whole at every step
 * (docs/backup-format.md, "Write order"): first new packs holding the still-needed chunks of
 * partly used packs, then one new index of everything kept, then the old index files, and only
 * then the packs nothing indexes any more. A crash at any point leaves a repository that checks
 * clean, with at worst unreferenced packs or a chunk indexed twice, which the next prune removes.
 */
final class Pruner {
    private final Repository.Internals repo;
    private final List<Snapshot> snapshots;

    Pruner(Repository.Internals repo, List<Snapshot> snapshots) {
        this.repo = repo;
        this.snapshots = snapshots;
    }

    PruneResult run() {
        RepoFiles files = repo.files();
        Index index = repo.loadIndex();
        Set<BlobId> needed = new HashSet<>();
        for (Snapshot s : snapshots) {
            for (String c : s.chunkIds()) { // records' and files' chunks alike
                BlobId id = BlobId.parse(c);
                if (!index.contains(id)) {
                    throw new CutoverException(ErrorCode.BACKUP_CORRUPT, "snapshot " + s.shortId() + ": chunk " + c
                            + " is in no index; prune stops before deleting anything. Run `cutover backup check --read-data`.");
                }
                needed.add(id);
            }
        }

        List<PackWriter.Written> kept = new ArrayList<>();
        List<BlobId> toRepack = new ArrayList<>();
        long chunksRemoved = 0;
        for (Map.Entry<BlobId, List<BlobId>> pack : index.packs().entrySet()) {
            List<PackWriter.Entry> keep = new ArrayList<>();
            for (BlobId blob : pack.getValue()) {
                BlobLocation at = index.get(blob);
                if (at.pack().equals(pack.getKey()) && needed.contains(blob)) {
                    keep.add(new PackWriter.Entry(blob, at.offset(), at.length(), at.rawLength()));
                }
            }
            chunksRemoved += pack.getValue().size() - keep.size();
            if (keep.size() == pack.getValue().size()) kept.add(new PackWriter.Written(pack.getKey(), keep, -1));
            else if (!keep.isEmpty()) toRepack.add(pack.getKey());
        }
        int repacked = toRepack.size();
        kept.addAll(repack(index, toRepack, needed));

        BlobId newIndex = repo.envelope().writeNamed(RepoFiles.INDEX, "index", Index.fileOf(kept));
        for (BlobId old : index.files()) {
            if (!old.equals(newIndex)) files.delete(files.index(old));
        }
        Set<BlobId> keptPacks = new HashSet<>();
        kept.forEach(w -> keptPacks.add(w.id()));
        long freed = 0;
        int deleted = 0;
        for (BlobId pack : files.listPacks()) {
            if (keptPacks.contains(pack)) continue;
            freed += sizeOf(files.pack(pack));
            files.delete(files.pack(pack));
            deleted++;
        }
        // last: a list file names chunks only, and a crash before this step leaves lists nothing names, which check reports as garbage
        int listsDeleted = 0;
        for (BlobId list : ChunkLists.unnamed(files, snapshots)) {
            freed += sizeOf(files.chunkList(list));
            files.delete(files.chunkList(list));
            listsDeleted++;
        }
        for (Path temp : files.list(files.root().resolve(RepoFiles.TMP))) files.delete(temp);
        for (PackWriter.Written w : kept) if (w.size() > 0) freed -= w.size();
        return new PruneResult(snapshots.size(), keptPacks.size(), deleted, repacked, chunksRemoved, listsDeleted, freed);
    }

    /** Copies the needed chunks of these packs into new packs, each proven by decrypting it first. */
    private List<PackWriter.Written> repack(Index index, List<BlobId> packs, Set<BlobId> needed) {
        List<PackWriter.Written> written = new ArrayList<>();
        if (packs.isEmpty()) return written;
        PackWriter out = null;
        try (BlobReader reader = new BlobReader(repo.files(), index, repo.keys())) {
            for (BlobId pack : packs) {
                for (BlobId blob : index.packs().get(pack)) {
                    BlobLocation at = index.get(blob);
                    if (!at.pack().equals(pack) || !needed.contains(blob)) continue;
                    byte[] sealed = reader.readSealed(blob, at);
                    reader.decode(blob, at, sealed); // never copy a damaged chunk over a whole one
                    if (out == null) out = new PackWriter(repo.files(), repo.keys());
                    out.add(blob, sealed, sealed.length, at.rawLength());
                    if (out.size() >= repo.options().packSize()) {
                        written.add(out.finish());
                        out = null;
                    }
                }
            }
            if (out != null) {
                written.add(out.finish());
                out = null;
            }
            return written;
        } finally {
            if (out != null) out.close();
        }
    }

    private long sizeOf(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return 0;
        }
    }
}
