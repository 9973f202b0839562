package cutover.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of PostgreSQL's logical replication output plugin {@code pgoutput}, protocol
 * version 1 (PostgreSQL's "Logical Replication Message Formats"), as far as a backup needs them:
 * transactions' bounds, relations, and the rows inserted, updated and deleted, in text form. Other
 * messages (types, origins, logical messages) are {@link Other}.
 */
final class PgOutput {
    private PgOutput() {}

    sealed interface Message permits Begin, Commit, Relation, Insert, Update, Delete, Truncate, Other {}

    /** A transaction begins; {@code finalLsn} is where its commit record is. */
    record Begin(long finalLsn, int xid) implements Message {}

    record Commit(long commitLsn, long endLsn) implements Message {}

    /**
     * A table as the changes after this message see it: sent before its first change in a session
     * and again whenever it changed. {@code replicaIdentity} is {@code relreplident} ('d', 'f', 'i', 'n').
     */
    record Relation(int oid, String schema, String name, char replicaIdentity, List<String> columns, List<Boolean> keyColumns) implements Message {}

    /** A row inserted: its columns in the relation's order. */
    record Insert(int relation, Tuple row) implements Message {}

    /**
     * A row updated; {@code old} (its key columns, or its whole row under {@code REPLICA IDENTITY
     * FULL}) is sent only when the key changed or the identity is full, else null.
     */
    record Update(int relation, Tuple old, Tuple row) implements Message {}

    /** A row deleted: its key columns (the others null), or its whole row under {@code REPLICA IDENTITY FULL}. */
    record Delete(int relation, Tuple old) implements Message {}

    record Truncate(List<Integer> relations) implements Message {}

    record Other(char kind) implements Message {}

    /** A row's columns: each a value in text form, null for SQL NULL, or {@link #UNCHANGED} for a TOASTed value not sent again. */
    record Tuple(List<String> values) {
        String value(int column) { return values.get(column); }
    }

    /** The stand-in for a column whose value was stored out of line and did not change (kind 'u'): not sent. */
    static final String UNCHANGED = new String("(unchanged TOAST value)"); // compared by identity

    static Message parse(ByteBuffer in) {
        char kind = (char) in.get();
        switch (kind) {
            case 'B': {
                long finalLsn = in.getLong();
                in.getLong(); // commit time
                return new Begin(finalLsn, in.getInt());
            }
            case 'C': {
                in.get(); // flags
                long commitLsn = in.getLong();
                long endLsn = in.getLong();
                return new Commit(commitLsn, endLsn);
            }
            case 'R': {
                int oid = in.getInt();
                String schema = string(in);
                String name = string(in);
                char identity = (char) in.get();
                int n = in.getShort();
                List<String> columns = new ArrayList<>(n);
                List<Boolean> key = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    key.add((in.get() & 1) != 0);
                    columns.add(string(in));
                    in.getInt(); // type oid
                    in.getInt(); // type modifier
                }
                return new Relation(oid, schema, name, identity, List.copyOf(columns), List.copyOf(key));
            }
            case 'I': {
                int relation = in.getInt();
                expect(in, 'N', "an insert");
                return new Insert(relation, tuple(in));
            }
            case 'U': {
                int relation = in.getInt();
                char next = (char) in.get();
                Tuple old = null;
                if (next == 'K' || next == 'O') {
                    old = tuple(in);
                    next = (char) in.get();
                }
                if (next != 'N') throw new IllegalArgumentException("an update's new row starts with 'N', not '" + next + "'");
                return new Update(relation, old, tuple(in));
            }
            case 'D': {
                int relation = in.getInt();
                char next = (char) in.get();
                if (next != 'K' && next != 'O') throw new IllegalArgumentException("a delete's old row starts with 'K' or 'O', not '" + next + "'");
                return new Delete(relation, tuple(in));
            }
            case 'T': {
                int n = in.getInt();
                in.get(); // options: CASCADE, RESTART IDENTITY
                List<Integer> relations = new ArrayList<>(n);
                for (int i = 0; i < n; i++) relations.add(in.getInt());
                return new Truncate(List.copyOf(relations));
            }
            default:
                return new Other(kind);
        }
    }

    private static Tuple tuple(ByteBuffer in) {
        int n = in.getShort();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            char kind = (char) in.get();
            switch (kind) {
                case 'n' -> values.add(null);
                case 'u' -> values.add(UNCHANGED);
                case 't' -> {
                    int length = in.getInt();
                    values.add(new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8));
                    in.position(in.position() + length);
                }
                default -> throw new IllegalArgumentException("a column of kind '" + kind + "' (only text columns are asked for)");
            }
        }
        return new Tuple(values);
    }

    private static String string(ByteBuffer in) {
        int start = in.position();
        while (in.get() != 0) {
            // up to the terminating zero
        }
        return new String(in.array(), in.arrayOffset() + start, in.position() - start - 1, StandardCharsets.UTF_8);
    }

    private static void expect(ByteBuffer in, char tag, String what) {
        char found = (char) in.get();
        if (found != tag) throw new IllegalArgumentException(what + "'s row starts with '" + tag + "', not '" + found + "'");
    }
}
