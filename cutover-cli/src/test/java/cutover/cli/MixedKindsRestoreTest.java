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

    /**
     * A SQLite table without a primary key is read keyed by its rowid, and made again so: no column
     * added (it came back with a {@code rowid} text key column, which the application's inserts left
     * NULL and SQLite refused), each row at its rowid, equal rows and all. Over a table with rows, as
     * the original file, it is refused (rows keyed by their place match none of the table's own:
     * VACUUM renumbers such rowids), until the table is emptied.
     */
    @Test
    void aSqliteTableWithoutAKeyComesBackAsItWas() throws Exception {
        Path source = dir.resolve("log.db"), restored = dir.resolve("log-restored.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE log (at TEXT, msg TEXT, n INTEGER)");
            s.execute("INSERT INTO log VALUES ('2024-01-01', 'same', 1), ('2024-01-01', 'same', 1), (NULL, NULL, NULL), ('2024-01-02', 'b', 7)");
            s.execute("DELETE FROM log WHERE n IS NULL"); // rowids 1, 2, 4: the gap is kept
        }
        TestRepository repo = TestRepository.init(dir, "log");
        String state = dir.resolve("state").toString();
        CliRun backup = CliRun.of(new String[] {"backup", "sqlite:" + source, "--state", state}, repo.args());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        CliRun restore = CliRun.of(new String[] {"restore", "latest", "sqlite:" + restored, "--state", state}, repo.args());
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored); Statement s = c.createStatement()) {
            var columns = s.executeQuery("SELECT group_concat(name, ',') FROM pragma_table_info('log')");
            assertThat(columns.getString(1)).isEqualTo("at,msg,n");
            var rs = s.executeQuery("SELECT group_concat(rowid || ':' || msg, ' ') FROM (SELECT rowid, msg FROM log ORDER BY rowid)");
            assertThat(rs.getString(1)).isEqualTo("1:same 2:same 4:b");
            s.execute("INSERT INTO log (msg) VALUES ('the app writes on')"); // names no key, as before
        }
        CliRun verify = CliRun.of("verify", "sqlite:" + source, "sqlite:" + restored, "--tables", "log", "--state", state);
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.out()).contains("0 missing, 1 extra, 0 changed");

        // a migration into SQLite too: its plan checks against the table it made (it said the rowid column was missing),
        // and run again over it emptied, it writes it again
        Path migrated = dir.resolve("log-migrated.db");
        java.nio.file.Path plan = CliRun.plan("sqlite:" + source, "sqlite:" + migrated, dir.resolve("log-plan.yaml"));
        assertThat(CliRun.of("migrate", plan.toString(), "--no-backup", "--state", state).exitCode()).isZero();
        CliRun check = CliRun.of("plan", "check", plan.toString());
        assertThat(check.exitCode()).as(check.toString()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + migrated); Statement s = c.createStatement()) {
            s.execute("DELETE FROM log");
        }
        CliRun restart = CliRun.of("migrate", plan.toString(), "--no-backup", "--restart", "--state", state);
        assertThat(restart.exitCode()).as(restart.toString()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + migrated); Statement s = c.createStatement()) {
            assertThat(s.executeQuery("SELECT group_concat(rowid) FROM log").getString(1)).isEqualTo("1,2,4");
        }

        CliRun over = CliRun.of(new String[] {"restore", "latest", "sqlite:" + source, "--state", state, "--dry-run"}, repo.args());
        assertThat(over.exitCode()).as(over.toString()).isEqualTo(5);
        assertThat(over.err()).contains("table log has rows");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
            s.execute("DELETE FROM log");
        }
        CliRun emptied = CliRun.of(new String[] {"restore", "latest", "sqlite:" + source, "--state", state}, repo.args());
        assertThat(emptied.exitCode()).as(emptied.toString()).isZero();
        CliRun same = CliRun.of("verify", "sqlite:" + source, "sqlite:" + restored, "--tables", "log", "--state", state);
        assertThat(same.out()).contains("0 missing, 1 extra, 0 changed"); // the application's row alone
    }

    /**
     * A table without a primary key whose columns take the names rowid and oid is keyed by its rowid
     * as _rowid_, which the plan keeps (snake case made it rowid, the real column's name: its values
     * were taken for the rowids, the rows with NULL or repeated values set aside; a sweep's finding).
     */
    @Test
    void aTableWhoseColumnsTakeRowidAndOidComesBackWhole() throws Exception {
        Path source = dir.resolve("shadowed.db"), restored = dir.resolve("shadowed-restored.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (rowid INTEGER, oid INTEGER, v TEXT)");
            s.execute("INSERT INTO t VALUES (5, 1, 'a'), (5, 2, 'b'), (NULL, 3, 'c'), (7, 4, 'd')");
        }
        TestRepository repo = TestRepository.init(dir, "shadowed");
        String state = dir.resolve("state").toString();
        assertThat(CliRun.of(new String[] {"backup", "sqlite:" + source, "--state", state}, repo.args()).exitCode()).isZero();
        CliRun restore = CliRun.of(new String[] {"restore", "latest", "sqlite:" + restored, "--state", state}, repo.args());
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT group_concat(_rowid_ || ':' || coalesce(rowid, 'null') || ':' || oid || v, ' ') FROM (SELECT _rowid_, * FROM t ORDER BY _rowid_)");
            assertThat(rs.getString(1)).isEqualTo("1:5:1a 2:5:2b 3:null:3c 4:7:4d");
        }
    }
}
