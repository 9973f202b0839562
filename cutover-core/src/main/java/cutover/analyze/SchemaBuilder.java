package cutover.analyze;

import cutover.connector.EntityInfo;
import cutover.model.EntityName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns the merged tallies into the immutable {@link Schema}: resolves references and lists subcollections. */
final class SchemaBuilder {
    private final SourceTally tally;
    private final Map<EntityName, List<String>> keyColumns = new HashMap<>();
    private final Map<EntityName, List<String>> nullableColumns = new HashMap<>();
    /** Entities left unread: their keys are not known, so no reference into one is called dangling. */
    private final java.util.Set<EntityName> notRead;

    SchemaBuilder(SourceTally tally, List<EntityInfo> infos, java.util.Set<EntityName> notRead) {
        this.tally = tally;
        this.notRead = notRead;
        for (EntityInfo info : infos) {
            keyColumns.put(info.name(), info.keyColumns());
            if (info.nullableColumns() != null) nullableColumns.put(info.name(), info.nullableColumns());
        }
    }

    AnalyzeResult build(String source) {
        tally.entities.values().forEach(e -> e.keyHashes.sort());
        List<EntitySchema> entities = new ArrayList<>();
        List<EntityNotes> notes = new ArrayList<>();
        for (EntityTally e : tally.entities.values()) {
            List<FieldStats> fields = new ArrayList<>();
            for (FieldTally f : e.orderedFields()) fields.add(fieldStats(f));
            List<EntityName> children = tally.entities.keySet().stream()
                    .filter(n -> n.parent().map(e.name::equals).orElse(false)).toList();
            entities.add(new EntitySchema(e.name, e.count, e.bytes, keyColumns.getOrDefault(e.name, List.of()), children,
                    e.unreadable, fields, nullableColumns.get(e.name)));
            EntityNotes n = new EntityNotes(e.name, e.unreadableSamples, e.unlistedPaths(), e.unlistedCapped);
            if (!n.isEmpty()) notes.add(n);
        }
        return new AnalyzeResult(new Schema(source, entities), notes, tally.unreadableWithoutEntity, tally.unreadableWithoutEntitySamples);
    }

    private FieldStats fieldStats(FieldTally f) {
        List<FieldStats.ReferenceStats> refs = new ArrayList<>();
        f.references.forEach((target, r) -> refs.add(new FieldStats.ReferenceStats(target, r.count, dangling(target, r))));
        return new FieldStats(f.path, f.present, f.kindCounts(), f.hasInt() ? f.minInt : 0, f.hasInt() ? f.maxInt : 0,
                f.maxTextLength, f.maxArrayLength, refs, f.examples());
    }

    /** References into an entity the source does not have are not dangling; they are "not in source". */
    private long dangling(EntityName target, FieldTally.References refs) {
        EntityTally existing = tally.entities.get(target);
        if (existing == null || notRead.contains(target)) return 0;
        // both sorted, one merge pass: far fewer cache misses than a binary search per reference
        refs.targets.sort();
        LongList keys = existing.keyHashes;
        long missing = 0;
        int k = 0;
        for (int i = 0; i < refs.targets.size(); i++) {
            long wanted = refs.targets.get(i);
            while (k < keys.size() && keys.get(k) < wanted) k++;
            if (k == keys.size() || keys.get(k) != wanted) missing++;
        }
        return missing;
    }
}
