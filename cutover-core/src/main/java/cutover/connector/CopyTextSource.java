package cutover.connector;

import cutover.model.EntityName;

import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * A source that can also give a table's rows in its database's bulk text format ({@link CopyTextFormat}),
 * far cheaper to produce and to store than records decoded one value at a time: a backup keeps those
 * bytes as they are. The rows and their order are exactly those {@link Source#read} gives the split.
 */
public interface CopyTextSource extends Source {
    CopyTextFormat copyFormat();

    /**
     * The entity's columns in the order its lines hold them, or empty when the entity is read as
     * records only (a table without a primary key, or with a column type the format does not decode).
     */
    Optional<List<CopyColumn>> copyColumns(EntityName entity);

    /**
     * Writes the split's rows (of one entity that has {@link #copyColumns}) in key order, one line
     * each, at the held moment if one is ({@link Source#holdAtThisMoment()}); returns how many.
     */
    long copyOut(Split split, OutputStream out);
}
