package cutover.postgres;

import java.util.List;

/**
 * A table with a primary key of bucketed types: its key columns quoted for SQL over {@code src},
 * their types, and their positions in a COPY line. The lists are copied into the JDK's immutable
 * lists, whatever list they came in: code compiled by a process's rehearsal of an incremental
 * ({@link LogReadingRehearsal}, whose lists are {@code List.of}) met an {@code ArrayList} in the
 * first real one and was thrown away there ({@code bucketsAfter}, a class check on {@code
 * keyTypes().size()}, JFR, seventeenth session), to be compiled again beside that run.
 */
record KeyedTable(SourceTable table, List<String> quotedKeys, List<String> keyTypes, int[] keyAt) {
    KeyedTable {
        quotedKeys = List.copyOf(quotedKeys);
        keyTypes = List.copyOf(keyTypes);
    }
}
