package cutover.verify;

import cutover.model.Record;

/**
 * A row read for a row-level comparison, with the hash its side's digest gave it; {@code given}: the
 * row as its side gave it, where {@code row} holds the values as compared (normalized by the
 * verify rules): what a restore would write.
 */
public record HashedRow(Record row, long hash, Record given) {
    public HashedRow(Record row, long hash) {
        this(row, hash, row);
    }
}
