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

    /**
     * A SQLite table restored into SQLite (its old kind of backend) keeps its name and its columns'
     * (an application queries them so): they were put in snake case, as a document's fields are
     * (UserProfiles.firstName came back as user_profiles.first_name).
     */
    @Test
    void aSqliteTableRestoredKeepsItsNames() throws Exception {
        Path source = dir.resolve("app.db"), restored = dir.resolve("restored.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE \"UserProfiles\" (id INTEGER PRIMARY KEY, \"firstName\" TEXT NOT NULL, \"Last Seen\" TEXT)");
            s.execute("INSERT INTO \"UserProfiles\" VALUES (1, 'Ann', 'today'), (2, 'Bob', NULL)");
        }
        TestRepository repo = TestRepository.init(dir, "names");
        String state = dir.resolve("state").toString();
        CliRun backup = CliRun.of(new String[] {"backup", "sqlite:" + source, "--state", state}, repo.args());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        CliRun restore = CliRun.of(new String[] {"restore", "latest", "sqlite:" + restored, "--state", state}, repo.args());
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT id, \"firstName\", \"Last Seen\" FROM \"UserProfiles\" ORDER BY id")) {
            StringBuilder rows = new StringBuilder();
            while (rs.next()) rows.append(rs.getLong(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(3)).append(';');
            assertThat(rows.toString()).isEqualTo("1 Ann today;2 Bob null;");
        }
    }
}
