package cutover.verify;

import cutover.model.Record;

/** A row read for a row-level comparison, with the hash its side's digest gave it. */
public record HashedRow(Record row, long hash) {}
