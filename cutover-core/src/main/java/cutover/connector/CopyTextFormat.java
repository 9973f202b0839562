package cutover.connector;

import cutover.model.EntityName;
import cutover.model.Record;
import cutover.model.Value;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A database's own bulk text format (PostgreSQL's COPY text): one line per row, ended by {@code \n}.
 * A backup stores a table's rows in it as the database wrote them, without decoding them, and reads
 * them back into records through this, found by {@link #named(String)} (the connector that wrote
 * them need not be open). Implementations are stateless; their decoders are for one thread.
 */
public interface CopyTextFormat {
    /** The format's name with its version, stored with the rows ({@code postgresql/copy-text/1}). */
    String name();

    /**
     * A decoder of one entity's lines into records, keyed by {@code keyColumns}; with none (a table
     * without a primary key), by the line's number among those it decoded, from 1.
     */
    LineDecoder decoder(EntityName entity, List<CopyColumn> columns, List<String> keyColumns);

    /**
     * The plan type a column of this format's {@code type} is read as (the kind of value its decoder
     * gives, {@code jsonb} for JSON and arrays), or empty when the format does not know the type.
     */
    default Optional<cutover.model.ColumnType> columnType(String type) {
        return Optional.empty();
    }

    /** A tally of the value kinds each column holds, line by line, without decoding the values where the type tells. */
    KindTally tally(List<CopyColumn> columns);

    /**
     * Reads the key of lines laid out as {@code columns}, or empty when this format cannot bucket
     * the key's types ({@link ChangeTracking}). Lines of the key columns alone are read by the
     * reader of those columns.
     */
    default Optional<KeyReader> keyReader(List<CopyColumn> columns, List<String> keyColumns) {
        return Optional.empty();
    }

    /**
     * Decodes the key of lines laid out as {@code columns} from its fields alone, equal to the key of
     * the record {@link #decoder} makes of the same line; empty when this format cannot. Lets a
     * reader that wants some keys only skip the other lines without decoding them.
     */
    default Optional<KeyDecoder> keyDecoder(List<CopyColumn> columns, List<String> keyColumns) {
        return Optional.empty();
    }

    /** The key of a line, decoded as the line's record would have it; for one thread. */
    interface KeyDecoder {
        /** Throws {@link IllegalArgumentException} naming what is wrong with the line. */
        cutover.model.Key key(byte[] line, int offset, int length);
    }

    /** The key of a line, as written, and its bucket; for one thread. */
    interface KeyReader {
        /**
         * The key fields as the line holds them, tab-separated, one char per byte: one database writes
         * one key the same way every time, so equal keys are equal strings.
         */
        String key(byte[] line, int offset, int length);

        /** {@code key(line, offset, length).hashCode()}, without making the string: most lines' keys need no more. */
        default int keyHash(byte[] line, int offset, int length) {
            return key(line, offset, length).hashCode();
        }

        /** The key's bucket, the one the source counted it in. */
        int bucket(byte[] line, int offset, int length, ChangeTracking.Bucketing bucketing);

        /**
         * Compares keys, as {@link #key} gives them, in the order the source sorted its lines by (a
         * database's {@code ORDER BY} of the key), where this format can tell that order by itself;
         * null where it cannot (a text key sorts by its collation, which only the database knows).
         */
        default java.util.Comparator<String> order() {
            return null;
        }
    }

    /** Turns one line (without its {@code \n}) into a record; throws {@link IllegalArgumentException} naming what is wrong with it. */
    interface LineDecoder {
        Record decode(byte[] line, int offset, int length);
    }

    /** Counts, per column, the kinds of the values of the lines given, as the decoder would give them. */
    interface KindTally {
        void line(byte[] line, int offset, int length);

        /** Per column, in column order: each kind seen and how often (NULL included). */
        Map<String, EnumMap<Value.Kind, Long>> counts();
    }

    /**
     * The format of that name among those on the class path. Found once, then kept: a restore asks
     * for every part it opens (a layered table, for each layer beside each part), and each look-up
     * read the service files from the jar again (30–50 ms of a 1M-row restore's split threads).
     */
    static Optional<CopyTextFormat> named(String name) {
        return CopyTextFormats.named(name);
    }
}
