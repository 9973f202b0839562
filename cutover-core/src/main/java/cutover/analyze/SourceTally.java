package cutover.analyze;

import cutover.connector.RecordReader;
import cutover.model.EntityName;
import cutover.model.Record;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The tallies of every entity met in one split (or, after merging, in several), by entity name. */
final class SourceTally {
    private final AnalyzeOptions options;
    final Map<EntityName, EntityTally> entities = new TreeMap<>();
    long unreadableWithoutEntity;
    final List<UnreadableSample> unreadableWithoutEntitySamples = new ArrayList<>();

    SourceTally(AnalyzeOptions options) {
        this.options = options;
    }

    EntityTally entity(EntityName name) {
        return entities.computeIfAbsent(name, n -> new EntityTally(n, options));
    }

    /** Adds one item; returns its entity (null when the source could not tell it). */
    EntityName add(RecordReader.Item item, KeyHasher hasher) {
        if (item instanceof RecordReader.Ok ok) {
            Record r = ok.record();
            entity(r.entity()).add(r, hasher);
            return r.entity();
        }
        RecordReader.Unreadable u = (RecordReader.Unreadable) item;
        if (u.entity() == null) {
            unreadableWithoutEntity++;
            EntityTally.offerSample(unreadableWithoutEntitySamples, u);
            return null;
        }
        entity(u.entity()).addUnreadable(u);
        return u.entity();
    }

    void merge(SourceTally other) {
        other.entities.forEach((name, tally) -> {
            EntityTally mine = entities.get(name);
            if (mine == null) entities.put(name, tally);
            else mine.merge(tally);
        });
        unreadableWithoutEntity += other.unreadableWithoutEntity;
        other.unreadableWithoutEntitySamples.forEach(s -> EntityTally.offerSample(unreadableWithoutEntitySamples, s));
    }
}
