package cutover.backup;

import cutover.connector.Position;
import cutover.error.CutoverException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Proves a repository, going on past each problem so that one run names everything broken.
 * Structure: every index and manifest opens and matches its name; every pack the index lists is
 * there and its own header agrees with the index; every chunk a snapshot needs is indexed in a
 * pack that is long enough. With read-data also: every pack's bytes hash to its name, every blob
 * decrypts and hashes to its id, and every snapshot's entities read back to their digest and count.
 */
final class Checker {
    private final Repository.Internals repo;
    private final Repository repository;
    private final List<CheckProblem> problems = new ArrayList<>();

    Checker(Repository.Internals repo, Repository repository) {
        this.repo = repo;
        this.repository = repository;
    }

    CheckResult run(boolean readData) {
        RepoFiles files = repo.files();
        Index index = new Index();
        List<BlobId> indexFiles = files.listIds(RepoFiles.INDEX);
        for (BlobId file : indexFiles) {
            try {
                index.add(file, repo.envelope().readNamed(files.index(file), "index", IndexFile.class), files);
            } catch (CutoverException e) {
                problems.add(new CheckProblem(null, null, null, "index/" + file.hex(), e.getMessage()));
            }
        }
        List<Snapshot> snapshots = new ArrayList<>();
        Set<String> listsProven = new HashSet<>(); // each list read from disk once per check, whichever snapshots name it
        List<BlobId> snapshotFiles = files.listIds(RepoFiles.SNAPSHOTS);
        for (BlobId id : snapshotFiles) {
            try {
                snapshots.add(repository.readSnapshot(id, listsProven));
            } catch (CutoverException e) {
                problems.add(new CheckProblem(id.shortHex(), null, null, "snapshots/" + id.hex(), e.getMessage()));
            }
        }

        Set<BlobId> onDisk = new HashSet<>(files.listPacks());
        Map<BlobId, String> brokenPacks = checkPacks(index, onDisk, readData);
        Set<BlobId> brokenBlobs = readData ? checkBlobs(index, brokenPacks) : Set.of();
        for (Snapshot s : snapshots) checkSnapshot(s, index, brokenPacks, brokenBlobs, readData);

        List<String> unreferenced = onDisk.stream().filter(p -> !index.packs().containsKey(p)).sorted()
                .map(p -> files.relative(files.pack(p))).toList();
        // named by the snapshots read (each list read and proven as its snapshot was)
        List<String> unnamedLists = ChunkLists.unnamed(files, snapshots).stream().map(l -> files.relative(files.chunkList(l))).toList();
        int temps = files.list(files.root().resolve(RepoFiles.TMP)).size();
        // every snapshot checked, those that do not read too (each named among the problems)
        return new CheckResult(readData, snapshotFiles.size(), indexFiles.size(), index.packs().size(), index.blobIds().size(),
                problems, unreferenced, unnamedLists, temps);
    }

    /** Returns the packs that cannot be read at all, with why. */
    private Map<BlobId, String> checkPacks(Index index, Set<BlobId> onDisk, boolean readData) {
        RepoFiles files = repo.files();
        Map<BlobId, String> broken = new HashMap<>();
        for (var pack : index.packs().entrySet()) {
            BlobId id = pack.getKey();
            Path path = files.pack(id);
            String name = files.relative(path);
            if (!onDisk.contains(id)) {
                broken.put(id, "the pack file is missing");
                problems.add(new CheckProblem(null, null, null, name, "the pack file is missing (the index lists " + pack.getValue().size() + " chunks in it)"));
                continue;
            }
            try {
                List<PackWriter.Entry> header = PackHeader.read(files, repo.keys(), path);
                Map<BlobId, PackWriter.Entry> byId = new HashMap<>();
                header.forEach(e -> byId.put(e.id(), e));
                for (BlobId blob : pack.getValue()) {
                    PackWriter.Entry e = byId.get(blob);
                    BlobLocation at = index.get(blob);
                    if (e == null) {
                        problems.add(new CheckProblem(null, null, blob.hex(), name, "the index lists this chunk in the pack, its header does not"));
                    } else if (at.pack().equals(id) && (e.offset() != at.offset() || e.length() != at.length() || e.rawLength() != at.rawLength())) {
                        problems.add(new CheckProblem(null, null, blob.hex(), name, "the index and the pack header disagree on where the chunk is"));
                    }
                }
            } catch (CutoverException e) {
                broken.put(id, e.getMessage());
                problems.add(new CheckProblem(null, null, null, name, e.getMessage()));
                continue;
            }
            if (readData) {
                String actual = files.sha256(path);
                if (!actual.equals(id.hex())) {
                    problems.add(new CheckProblem(null, null, null, name, "its SHA-256 is " + actual + ", not its name: the file was changed"));
                }
            }
        }
        return broken;
    }

    /** Decrypts and hashes every blob the index places in a readable pack; returns the ones that fail. */
    private Set<BlobId> checkBlobs(Index index, Map<BlobId, String> brokenPacks) {
        Set<BlobId> broken = new HashSet<>();
        try (BlobReader reader = new BlobReader(repo.files(), index, repo.keys())) {
            for (var pack : index.packs().entrySet()) {
                if (brokenPacks.containsKey(pack.getKey())) continue;
                for (BlobId blob : pack.getValue()) {
                    BlobLocation at = index.get(blob);
                    if (!at.pack().equals(pack.getKey())) continue; // a second copy; the first is checked where it is
                    try {
                        reader.decode(blob, at, reader.readSealed(blob, at));
                    } catch (CutoverException e) {
                        broken.add(blob);
                        problems.add(new CheckProblem(null, null, blob.hex(), repo.files().relative(repo.files().pack(at.pack())), e.getMessage()));
                    }
                }
            }
        }
        return broken;
    }

    private void checkSnapshot(Snapshot s, Index index, Map<BlobId, String> brokenPacks, Set<BlobId> brokenBlobs, boolean readData) {
        RepoFiles files = repo.files();
        for (EntitySnapshot e : s.entities()) {
            boolean whole = true;
            for (int i = 0; i < e.chunks().size(); i++) {
                BlobId chunk = BlobId.parse(e.chunks().get(i));
                BlobLocation at = index.get(chunk);
                String which = "chunk " + (i + 1) + " of " + e.chunks().size();
                if (at == null) {
                    problems.add(new CheckProblem(s.shortId(), e.name(), chunk.hex(), null, which + " is in no index"));
                    whole = false;
                } else if (brokenPacks.containsKey(at.pack())) {
                    problems.add(new CheckProblem(s.shortId(), e.name(), chunk.hex(), files.relative(files.pack(at.pack())),
                            which + " is in a pack that cannot be read: " + brokenPacks.get(at.pack())));
                    whole = false;
                } else if (brokenBlobs.contains(chunk)) {
                    problems.add(new CheckProblem(s.shortId(), e.name(), chunk.hex(), files.relative(files.pack(at.pack())),
                            which + " is damaged (see the chunk's own problem)"));
                    whole = false;
                }
            }
            if (readData && whole) readBack(s, e, index);
        }
        for (FileEntry f : s.files()) {
            boolean whole = true;
            for (int i = 0; i < f.chunks().size(); i++) {
                BlobId chunk = BlobId.parse(f.chunks().get(i));
                BlobLocation at = index.get(chunk);
                String which = "file " + f.path() + ", chunk " + (i + 1) + " of " + f.chunks().size();
                if (at == null) {
                    problems.add(new CheckProblem(s.shortId(), null, chunk.hex(), null, which + " is in no index"));
                    whole = false;
                } else if (brokenPacks.containsKey(at.pack()) || brokenBlobs.contains(chunk)) {
                    problems.add(new CheckProblem(s.shortId(), null, chunk.hex(), files.relative(files.pack(at.pack())), which + " is damaged or unreadable"));
                    whole = false;
                }
            }
            if (readData && whole) readBack(s, f, index);
        }
    }

    /** Reads the file back as a restore does: size and digest must match. */
    private void readBack(Snapshot s, FileEntry f, Index index) {
        try (FileRestorer r = new FileRestorer(s, new BlobReader(repo.files(), index, repo.keys()))) {
            r.stream(f, java.io.OutputStream.nullOutputStream());
        } catch (CutoverException ex) {
            problems.add(new CheckProblem(s.shortId(), null, null, null, ex.getMessage()));
        } catch (IOException ex) {
            throw new IllegalStateException(ex); // a null output stream does not fail
        }
    }

    /** Reads the entity's records back through the same reader a restore uses: digest and count must match. */
    private void readBack(Snapshot s, EntitySnapshot e, Index index) {
        for (int part = 0; part < e.streamParts().size(); part++) {
            try (BlobReader blobs = new BlobReader(repo.files(), index, repo.keys());
                 SnapshotRecordReader reader = new SnapshotRecordReader(s, e, part, blobs, Position.START)) {
                while (reader.next() != null) {
                    // every record decodes; the end proves the digest
                }
            } catch (CutoverException ex) {
                problems.add(new CheckProblem(s.shortId(), e.name(), null, null, ex.getMessage()));
                return; // the parts of a manifest that does not add up would each say so
            }
        }
    }

}
