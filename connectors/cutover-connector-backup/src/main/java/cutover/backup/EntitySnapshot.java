package cutover.backup;

import cutover.connector.CopyShape;
import cutover.model.EntityName;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One entity as a snapshot holds it: its records as one or more parts, each a canonical record
 * stream (docs/backup-format.md, "Record streams"), cut into {@code chunks} (all parts' chunks, in
 * order); {@code bytes} and {@code records} are the parts' sums. {@code fields} maps each field name
 * seen, in first-seen order, to the value kinds seen for it, and {@code kindCounts} (manifest version
 * 2) counts them. Records the source could not decode are counted in {@code unreadable}, with a few
 * samples (key and reason), since they cannot be kept.
 *
 * <p>A version-1 manifest has no {@code parts}: its entity is one stream, and {@code digest} is that
 * stream's SHA-256. With parts, {@code digest} is the SHA-256 of the parts' digests (32 raw bytes
 * each, in order). {@code sourceDigest}, when present, is the source database's digest of the table
 * these records are ({@link SourceDigest}): a later backup reuses the entity while it is the same.
 * {@code copyText}, when present (manifest version 3), says its parts are not record streams but
 * rows in a database's bulk text format, laid out as it says. {@code changes}, when present (manifest
 * version 4), is how the source tells the table's changes since this snapshot, and the layers of
 * changes stored after its base parts ({@link ChangeTrack}). {@code chunkList}, when present
 * (manifest version 6), says the first of {@code chunks} are kept in a list file of their own
 * ({@link ChunkList}): in memory {@code chunks} is always the whole list; the manifest holds only
 * the ids after the listed ones ({@link #asWritten()}, {@link #withListedChunks}). {@code nullableColumns},
 * when present, are the columns the source's schema lets hold NULL, whether or not a row does, so
 * that a restore makes them nullable (absent where the source declares no schema, as documents).
 */
public record EntitySnapshot(String name, List<String> keyColumns, long records, long bytes, String digest,
                             Map<String, List<String>> fields, List<String> chunks, long unreadable,
                             List<String> unreadableSamples, List<EntityPart> parts,
                             Map<String, Map<String, Long>> kindCounts, SourceDigest sourceDigest, CopyShape copyText,
                             ChangeTrack changes, cutover.model.NativeDefinition definition, ChunkList chunkList,
                             List<String> nullableColumns) {
    public EntitySnapshot {
        nullableColumns = nullableColumns == null ? null : List.copyOf(nullableColumns); // absent where the source declares none
        keyColumns = List.copyOf(keyColumns);
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        chunks = List.copyOf(chunks);
        unreadableSamples = List.copyOf(unreadableSamples);
        parts = parts == null ? null : List.copyOf(parts); // absent in version-1 manifests
        kindCounts = kindCounts == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(kindCounts));
    }

    public EntitySnapshot(String name, List<String> keyColumns, long records, long bytes, String digest,
                          Map<String, List<String>> fields, List<String> chunks, long unreadable, List<String> unreadableSamples,
                          List<EntityPart> parts, Map<String, Map<String, Long>> kindCounts) {
        this(name, keyColumns, records, bytes, digest, fields, chunks, unreadable, unreadableSamples, parts, kindCounts, null, null, null, null, null, null);
    }

    public EntitySnapshot(String name, List<String> keyColumns, long records, long bytes, String digest,
                          Map<String, List<String>> fields, List<String> chunks, long unreadable, List<String> unreadableSamples,
                          List<EntityPart> parts, Map<String, Map<String, Long>> kindCounts, SourceDigest sourceDigest, CopyShape copyText) {
        this(name, keyColumns, records, bytes, digest, fields, chunks, unreadable, unreadableSamples, parts, kindCounts, sourceDigest, copyText, null, null, null, null);
    }

    public EntitySnapshot(String name, List<String> keyColumns, long records, long bytes, String digest,
                          Map<String, List<String>> fields, List<String> chunks, long unreadable, List<String> unreadableSamples,
                          List<EntityPart> parts, Map<String, Map<String, Long>> kindCounts, SourceDigest sourceDigest, CopyShape copyText,
                          ChangeTrack changes) {
        this(name, keyColumns, records, bytes, digest, fields, chunks, unreadable, unreadableSamples, parts, kindCounts, sourceDigest, copyText, changes, null, null, null);
    }

    /** The same entity, known to be the records of the source table that has this digest. */
    EntitySnapshot withSourceDigest(SourceDigest d) {
        return new EntitySnapshot(name, keyColumns, records, bytes, digest, fields, chunks, unreadable, unreadableSamples, parts, kindCounts, d, copyText, changes, definition, chunkList, nullableColumns);
    }

    /** The same entity, its changes tracked as {@code track} says. */
    EntitySnapshot withChanges(ChangeTrack track) {
        return new EntitySnapshot(name, keyColumns, records, bytes, digest, fields, chunks, unreadable, unreadableSamples, parts, kindCounts, sourceDigest, copyText, track, definition, chunkList, nullableColumns);
    }

    /** The same entity, its table defined as {@code d} says (read again by each backup, reused or not). */
    EntitySnapshot withDefinition(cutover.model.NativeDefinition d) {
        return new EntitySnapshot(name, keyColumns, records, bytes, digest, fields, chunks, unreadable, unreadableSamples, parts, kindCounts, sourceDigest, copyText, changes, d, chunkList, nullableColumns);
    }

    /** The same entity, its source's schema letting {@code columns} hold NULL (read again by each backup, reused or not). */
    EntitySnapshot withNullableColumns(List<String> columns) {
        return new EntitySnapshot(name, keyColumns, records, bytes, digest, fields, chunks, unreadable, unreadableSamples, parts, kindCounts, sourceDigest, copyText, changes, definition, chunkList, columns);
    }

    /** The same entity, its first {@code list.chunks()} chunks kept in the list file {@code list} names (null: all in the manifest). */
    EntitySnapshot withChunkList(ChunkList list) {
        return new EntitySnapshot(name, keyColumns, records, bytes, digest, fields, chunks, unreadable, unreadableSamples, parts, kindCounts, sourceDigest, copyText, changes, definition, list, nullableColumns);
    }

    /** The entity as its manifest holds it: of its chunks, only those after the listed ones. */
    EntitySnapshot asWritten() {
        if (chunkList == null) return this;
        return new EntitySnapshot(name, keyColumns, records, bytes, digest, fields, chunks.subList(chunkList.chunks(), chunks.size()),
                unreadable, unreadableSamples, parts, kindCounts, sourceDigest, copyText, changes, definition, chunkList, nullableColumns);
    }

    /** The entity as read from its manifest ({@link #asWritten()}), with the ids its list file holds put before the rest. */
    EntitySnapshot withListedChunks(List<String> listed) {
        List<String> all = new java.util.ArrayList<>(listed.size() + chunks.size());
        all.addAll(listed);
        all.addAll(chunks);
        return new EntitySnapshot(name, keyColumns, records, bytes, digest, fields, all, unreadable, unreadableSamples, parts, kindCounts, sourceDigest, copyText, changes, definition, chunkList, nullableColumns);
    }

    /** How many of its chunks are its base parts' (all of them when it has no change layers): what a chunk list holds. */
    int baseChunks() {
        return layered() ? firstChunkOf(changes.layers().get(0).rowsPart()) : chunks.size();
    }

    /** Whether the part holds keys of a change layer, not rows: it is read to apply the layer, never restored as rows. */
    public boolean isKeysPart(int part) {
        return changes != null && changes.layers().stream().anyMatch(l -> l.keysPart() == part);
    }

    /** Whether the entity has change layers to apply over its base parts. */
    public boolean layered() {
        return changes != null && !changes.layers().isEmpty();
    }

    /** An entity written as one stream, as version-1 manifests hold it. */
    public EntitySnapshot(String name, List<String> keyColumns, long records, long bytes, String digest,
                          Map<String, List<String>> fields, List<String> chunks, long unreadable, List<String> unreadableSamples) {
        this(name, keyColumns, records, bytes, digest, fields, chunks, unreadable, unreadableSamples, null, null, null, null, null, null, null, null);
    }

    public EntityName entityName() { return EntityName.of(name); }

    /** The parts, or for a version-1 entity the one stream it is. */
    public List<EntityPart> streamParts() {
        return parts != null ? parts : List.of(new EntityPart(records, bytes, digest, chunks.size()));
    }

    /** The index in {@link #chunks()} of the part's first chunk. */
    public int firstChunkOf(int part) {
        int first = 0;
        for (int i = 0; i < part; i++) first += streamParts().get(i).chunks();
        return first;
    }

    /** What is wrong with the parts against the entity's own totals, or null when they agree. */
    String partsProblem() {
        if (parts == null) return null;
        if (parts.isEmpty()) return "it has no parts";
        String layers = layersProblem();
        if (layers != null) return layers;
        long r = 0, b = 0, c = 0;
        for (EntityPart p : parts) {
            r += p.records();
            b += p.bytes();
            c += p.chunks();
        }
        long lines = changes != null ? changes.storedRecords() : records; // with layers, the rows they hold are fewer than the lines stored
        if (r != lines || b != bytes || c != chunks.size()) {
            return "its parts add up to " + r + " records, " + b + " bytes, " + c + " chunks; the entity says " + lines
                    + " records, " + bytes + " bytes, " + chunks.size() + " chunks";
        }
        String ofParts = digestOfParts(parts);
        return ofParts.equals(digest) ? null : "the SHA-256 of its parts' digests is " + ofParts + "; the manifest says " + digest;
    }

    /** What is wrong with the change layers' parts and buckets, or null: each layer's parts follow the base and the layer before, in order. */
    private String layersProblem() {
        if (changes == null || changes.layers().isEmpty()) return null;
        if (copyText == null) return "it has change layers but its parts are not bulk text";
        int next = 1; // the first layer's rows part comes after the base's parts, at least one; a later one right after the layer before
        boolean first = true;
        for (ChangeTrack.ChangeLayer l : changes.layers()) {
            if ((first ? l.rowsPart() < next : l.rowsPart() != next) || l.rowsPart() >= parts.size() || (l.keysPart() >= 0 && l.keysPart() != l.rowsPart() + 1)
                    || l.keysPart() >= parts.size() || (l.keysPart() < 0) != (l.movedBuckets().length == 0)) {
                return "its change layer " + l + " does not follow its base and the layer before among its " + parts.size() + " parts";
            }
            for (int bucket : l.movedBuckets()) {
                if (bucket < 0 || bucket >= changes.buckets()) return "its change layer " + l + " names bucket " + bucket + " of " + changes.buckets();
            }
            next = (l.keysPart() >= 0 ? l.keysPart() : l.rowsPart()) + 1;
            first = false;
        }
        return next == parts.size() ? null : "its last change layer ends before its last part";
    }

    /** SHA-256 of the parts' digests, 32 raw bytes each, in order. */
    static String digestOfParts(List<EntityPart> parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (EntityPart p : parts) sha.update(HexFormat.of().parseHex(p.digest()));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IllegalArgumentException e) {
            return "(a part's digest is not hex)";
        }
    }
}
