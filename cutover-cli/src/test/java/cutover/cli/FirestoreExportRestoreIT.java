package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Snapshots restored into a node-firestore-import-export file ({@code firestore-export:x.json}) that cannot be written whole as they are. */
class FirestoreExportRestoreIT {
    private static final String SRC = "cutover_it_fixfs_infinity";

    @TempDir static Path dir;

    @BeforeAll
    static void database() throws Exception {
        LocalPostgres.recreate(SRC);
        LocalPostgres.sql(SRC, "create table events (id int primary key, at timestamptz, day date)",
                "insert into events values (1, '2026-01-02 03:04:05+00', '2026-01-02'), (2, 'infinity', '2026-01-02'),"
                        + " (3, '2026-01-02 03:04:05+00', '-infinity'), (4, '0001-01-01 00:00:00+00', '9999-12-31')");
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        LocalPostgres.drop(SRC);
    }

    /**
     * PostgreSQL's infinity and -infinity are times no Firestore timestamp or date holds (years 1 to
     * 9999): their records go to the dead-letter file, naming the field and the value, as a restore
     * into SQLite sets them aside; the rest are written, and the restore exits 1.
     */
    @Test
    void aTimeOutsideFirestoresYearsSetsItsRecordAsideAndTheRestAreWritten() throws Exception {
        String[] repoArgs = TestRepository.init(dir, "infinity").args();
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC)}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        Path export = dir.resolve("events.json");

        CliRun restore = CliRun.of(new String[] {"restore", "latest", "firestore-export:" + export, "--json",
                "--state", dir.resolve("state-infinity").toString()}, repoArgs);

        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(1);
        JsonNode result = Json.MAPPER.readTree(restore.out());
        assertThat(result.get("written").asLong()).isEqualTo(2);
        assertThat(result.get("deadLettered").asLong()).isEqualTo(2);
        List<JsonNode> dead = Files.readAllLines(Path.of(result.get("deadLetterFile").asText())).stream().map(l -> {
            try {
                return Json.MAPPER.readTree(l);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertThat(dead).extracting(n -> n.get("key").asText() + " " + n.get("field").asText() + " " + n.get("code").asText())
                .containsExactlyInAnyOrder("2 at RECORD_VALUE_OUT_OF_RANGE", "3 day RECORD_VALUE_OUT_OF_RANGE");
        assertThat(dead).anySatisfy(n -> assertThat(n.get("reason").asText()).contains("timestamp +1000000000-", "outside the years"));
        assertThat(dead).anySatisfy(n -> assertThat(n.get("reason").asText()).contains("date -999999999-01-01", "0001-01-01 to 9999-12-31"));
        assertThat(dead).allSatisfy(n -> assertThat(n.has("record")).as("the record as read, for the dead-letter file").isTrue());

        String written = Files.readString(export);
        assertThat(written).doesNotContain("31556889832845599").doesNotContain("-999999999").contains("\"1\"", "\"4\"")
                .doesNotContain("\"2\":").doesNotContain("\"3\":");
    }
}
