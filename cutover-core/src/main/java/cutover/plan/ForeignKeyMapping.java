package cutover.plan;

import java.util.List;
import java.util.Objects;

/** {@code columns} of the entity's table refer to the primary key of table {@code references}. */
public record ForeignKeyMapping(List<String> columns, String references) {
    public ForeignKeyMapping {
        columns = List.copyOf(columns);
        Objects.requireNonNull(references, "references");
    }
}
