package cutover.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A snapshot of one schema goes back into that schema, its name whole (a space was written as +, which a location reads as itself). */
class SchemaOfSnapshotTest {
    @Test
    void theSnapshotsSchemaIsAddedWhereTheTargetNamesNone() {
        String source = "postgresql://u@h/app?schema=Sch%20%22%C3%AB%22%20x";
        assertThat(SchemaOfSnapshot.target(source, "postgresql://u@h/copy")).isEqualTo("postgresql://u@h/copy?schema=Sch%20%22%C3%AB%22%20x");
        assertThat(SchemaOfSnapshot.target(source, "postgresql://u@h/copy?sslmode=disable"))
                .isEqualTo("postgresql://u@h/copy?sslmode=disable&schema=Sch%20%22%C3%AB%22%20x");
        assertThat(SchemaOfSnapshot.target(source, "postgresql://u@h/copy?schema=public")).isEqualTo("postgresql://u@h/copy?schema=public");
        assertThat(SchemaOfSnapshot.target("postgresql://u@h/app", "postgresql://u@h/copy")).isEqualTo("postgresql://u@h/copy");
        assertThat(SchemaOfSnapshot.target(source, "sqlite:./x.db")).isEqualTo("sqlite:./x.db");
    }
}
