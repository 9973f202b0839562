package cutover.connector;

import java.util.Objects;

/**
 * Where a reader stands in a split: {@code ordinal} items consumed so far, and a source-specific
 * {@code token} that lets the source resume right there (the last key read, for a database; empty
 * for a file, which resumes by skipping {@code ordinal} items). A sink stores it as the split's
 * checkpoint in the same transaction as the batch it ends.
 */
public record Position(long ordinal, String token) {
    public static final Position START = new Position(0, "");

    public Position {
        if (ordinal < 0) throw new IllegalArgumentException("ordinal " + ordinal);
        Objects.requireNonNull(token, "token");
    }

    public boolean isStart() { return ordinal == 0; }
}
