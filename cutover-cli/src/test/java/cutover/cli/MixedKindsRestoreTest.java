package cutover.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SQLite column that holds blobs and text (SQLite lets a column hold any kind) is restored as text,
 * each value as its text: the restore says so, naming the column, rather than changing it quietly.
 */
class MixedKindsRestoreTest {
    @TempDir Path dir;

    @Test
    void aColumnOfSeveralKindsRestoredAsTextIsNamedInAWarning() throws Exception {
        Path source = dir.resolve("s.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, data BLOB)");
            s.execute("INSERT INTO items VALUES (1, x'00ff'), (2, 'text-in-blob'), (3, x'01')");
        }
        TestRepository repo = TestRepository.init(dir, "mixed");
        String state = dir.resolve("state").toString();
        CliRun backup = CliRun.of(new String[] {"backup", "sqlite:" + source, "--state", state}, repo.args());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        CliRun restore = CliRun.of(new String[] {"restore", "latest", "sqlite:" + dir.resolve("o.db"), "--state", state, "--json"}, repo.args());
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(Json.MAPPER.readTree(restore.out()).get("warnings").toString())
                .contains("restored as text").contains("items.data").contains("bytes 67%, text 33%");
    }
}
