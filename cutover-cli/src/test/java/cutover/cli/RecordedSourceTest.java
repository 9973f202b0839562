package cutover.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup records a file's location with its path absolute: two projects' {@code ./app.json},
 * backed up from their own folders into one repository, were one source, so forget's keep-last
 * would drop one project's only snapshot and {@code restore latest} picked the other's; and one
 * file named three ways was three sources.
 */
class RecordedSourceTest {
    private static final Path HERE = Path.of("").toAbsolutePath();

    @Test
    void aFilesLocationIsRecordedWithItsAbsolutePath() {
        String export = "firestore-export:" + HERE.resolve("app.json");
        assertThat(Endpoints.recordedAs("firestore-export:./app.json")).isEqualTo(export);
        assertThat(Endpoints.recordedAs("firestore-export:app.json")).isEqualTo(export);
        assertThat(Endpoints.recordedAs("firestore-export:sub/../app.json")).isEqualTo(export);
        assertThat(Endpoints.recordedAs("firestore-managed-export:./exports/x")).isEqualTo("firestore-managed-export:" + HERE.resolve("exports/x"));
        assertThat(Endpoints.recordedAs("sqlite:./app.db")).isEqualTo("sqlite:" + HERE.resolve("app.db"));
        assertThat(Endpoints.recordedAs("sqlite:///var/data/app.db")).isEqualTo("sqlite:/var/data/app.db");
    }

    @Test
    void aDatabasesLocationIsRecordedAsGiven() {
        assertThat(Endpoints.recordedAs("postgresql://app@db:5432/app?schema=auth")).isEqualTo("postgresql://app@db:5432/app?schema=auth");
    }
}
