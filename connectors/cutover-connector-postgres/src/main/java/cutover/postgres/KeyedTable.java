package cutover.postgres;

import java.util.List;

/** A table with a primary key of bucketed types: its key columns quoted for SQL over {@code src}, their types, and their positions in a COPY line. */
record KeyedTable(SourceTable table, List<String> quotedKeys, List<String> keyTypes, int[] keyAt) {}
