package cutover.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * A table's definition as its own database gives it (column types, defaults, sequences, indexes,
 * constraints), in a format only the connector of that database reads: {@code format} names it and
 * its version ({@code postgresql/table/1}). A backup keeps it beside the rows, so that a restore into
 * the same kind of database makes the table again whole, not only from the kinds of its values.
 */
public record NativeDefinition(String format, JsonNode body) {
    public NativeDefinition {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(body, "body");
        body = body.deepCopy(); // a JsonNode is mutable; the definition is not
    }
}
