package cutover.connector;

import java.util.Objects;

/** A column as a copy format gives it: its name and its type as the database names it ({@code int8}, {@code timestamptz}). */
public record CopyColumn(String name, String type) {
    public CopyColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
