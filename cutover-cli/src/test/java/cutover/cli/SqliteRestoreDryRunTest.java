package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore's dry run into SQLite tries the rows that would change in a transaction it rolls back,
 * as into PostgreSQL: a unique value another row holds and the target's own CHECK are foreseen as
 * refused, the target is as it was (Cutover's state tables not made either), and the restore then
 * sets aside those rows (it stopped at them: the last pass asked the SQLite writer for refusals
 * "or orphans", which it did not answer).
 */
class SqliteRestoreDryRunTest {
    @TempDir Path dir;

    @Test
    void theTrialForeseesWhatTheTargetsOwnRulesRefuse() throws Exception {
        Path source = dir.resolve("s.db"), target = dir.resolve("t.db");
        sql(source, "CREATE TABLE items (id INTEGER PRIMARY KEY, code TEXT, qty INTEGER)",
                "INSERT INTO items VALUES (1, 'a', 1), (2, 'taken', 1), (3, 'c', -1), (4, 'd', 4)");
        sql(target, "CREATE TABLE items (id INTEGER PRIMARY KEY, code TEXT UNIQUE, qty INTEGER CHECK (qty >= 0))",
                "INSERT INTO items VALUES (4, 'd', 0), (50, 'taken', 0)");
        TestRepository repo = TestRepository.init(dir, "trial");
        String state = dir.resolve("state").toString();
        CliRun backup = CliRun.of(new String[] {"backup", "sqlite:" + source, "--state", state}, repo.args());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();

        CliRun dry = CliRun.of(new String[] {"restore", "latest", "sqlite:" + target, "--dry-run", "--json", "--state", state}, repo.args());
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        JsonNode items = Json.MAPPER.readTree(dry.out()).get("tables").get("items");
        assertThat(java.util.List.of(items.get("insert").asLong(), items.get("update").asLong(), items.get("refused").asLong(),
                items.get("onlyInTarget").asLong())).containsExactly(1L, 1L, 2L, 1L);
        assertThat(rows(target)).isEqualTo("4 d 0;50 taken 0;");
        assertThat(tables(target)).as("nor Cutover's state tables").isEqualTo("items;");

        CliRun restore = CliRun.of(new String[] {"restore", "latest", "sqlite:" + target, "--json", "--state", state}, repo.args());
        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(1);
        assertThat(Json.MAPPER.readTree(restore.out()).get("deadLettered").asLong()).isEqualTo(2);
        assertThat(rows(target)).isEqualTo("1 a 1;4 d 4;50 taken 0;");
    }

    private static void sql(Path db, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String statement : statements) s.execute(statement);
        }
    }

    private static String tables(Path db) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            while (rs.next()) out.append(rs.getString(1)).append(';');
        }
        return out.toString();
    }

    private static String rows(Path db) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT id, code, qty FROM items ORDER BY id")) {
            while (rs.next()) out.append(rs.getLong(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getLong(3)).append(';');
        }
        return out.toString();
    }
}
