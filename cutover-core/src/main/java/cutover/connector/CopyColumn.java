package cutover.connector;

import java.util.Objects;

/** A column as a copy format gives it: its name and its type as the database names it ({@code int8}, {@code timestamptz}). */
public record CopyColumn(String name, String type) {
    public CopyColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    // Written out, as CopyShape's: a record's own equals links through invokedynamic on its first call.
    @Override
    public boolean equals(Object o) {
        return o instanceof CopyColumn c && name.equals(c.name) && type.equals(c.type);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + type.hashCode();
    }
}
