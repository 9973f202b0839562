package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL table backed up with the command line, changed a little and backed up again (the
 * second snapshot stores little), restored into another database, and compared row by row.
 */
class BackupRestoreIT {
    private static final String SRC = "cutover_it_backup_src";
    private static final String DST = "cutover_it_backup_dst";
    private static final String OLD = "cutover_it_backup_old";

    @TempDir static Path dir;

    @BeforeAll
    static void databases() throws Exception {
        LocalPostgres.recreate(SRC, DST, OLD);
        LocalPostgres.sql(SRC, "create table accounts (id bigint primary key, email text not null, balance numeric(12,2), active boolean,"
                        + " created timestamptz, note text)",
                "insert into accounts select g, 'user' || g || '@example.com', (g * 7.31)::numeric(12,2), g % 3 = 0,"
                        + " timestamptz '2024-01-01 00:00:00+00' + g * interval '17 minutes', case when g % 5 = 0 then null else md5(g::text) end"
                        + " from generate_series(1, 5000) g");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST, OLD);
    }

    private static List<String> rows(String database) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = LocalPostgres.connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, email, balance::text, active, created, note from accounts order by id")) {
            while (rs.next()) {
                out.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getObject(4) + "|"
                        + rs.getObject(5, java.time.OffsetDateTime.class).toInstant() + "|" + rs.getString(6));
            }
        }
        return out;
    }

    @Test
    void aTableIsBackedUpIncrementallyAndRestoredIntoAnotherDatabase() throws Exception {
        TestRepository repository = TestRepository.init(dir, "incremental");
        Path repo = repository.path();
        String state = dir.resolve("state").toString();
        String[] repoArgs = repository.args();

        CliRun first = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--tag", "before-migration", "--json", "--state", state}, repoArgs);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        JsonNode firstJson = Json.MAPPER.readTree(first.out());
        assertThat(firstJson.get("records").asLong()).isEqualTo(5000);
        assertThat(firstJson.get("entities").get("accounts").get("stored").asText()).isEqualTo("postgresql/copy-text/1");

        LocalPostgres.sql(SRC, "update accounts set note = 'changed' where id = 2500");
        CliRun second = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--json", "--state", state}, repoArgs);
        assertThat(second.exitCode()).as(second.toString()).isZero();
        long addedSecond = Json.MAPPER.readTree(second.out()).get("addedBytes").asLong();
        assertThat(addedSecond).isLessThan(firstJson.get("addedBytes").asLong() / 10);

        assertThat(Json.MAPPER.readTree(second.out()).get("unchanged")).isEmpty(); // a row changed: read again

        // nothing changed since: the table's digest in PostgreSQL is the one stored with it, so it is not read
        CliRun third = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--json", "--state", state}, repoArgs);
        assertThat(third.exitCode()).as(third.toString()).isZero();
        JsonNode thirdJson = Json.MAPPER.readTree(third.out());
        assertThat(thirdJson.get("unchanged").toString()).isEqualTo("[\"accounts\"]");
        assertThat(thirdJson.get("addedBytes").asLong()).isZero();
        assertThat(thirdJson.get("records").asLong()).isEqualTo(5000);

        CliRun snapshots = CliRun.of(new String[] {"snapshots", "--json"}, repoArgs);
        assertThat(snapshots.exitCode()).as(snapshots.toString()).isZero();
        assertThat(Json.MAPPER.readTree(snapshots.out()).get("snapshots")).hasSize(3);

        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--state", state, "--json"}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(rows(DST)).hasSize(5000).containsExactlyElementsOf(rows(SRC));
        // stored as PostgreSQL's COPY text, into a table the restore created: loaded as it is, no record decoded
        JsonNode restored = Json.MAPPER.readTree(restore.out());
        assertThat(restored.get("splitsCopiedAsText").asInt()).isEqualTo(restored.get("splits").asInt()).isPositive();
        // made as the source defined it (DefinedRestoreIT): nothing it lacks to warn of
        assertThat(restored.get("warnings")).isEmpty();

        CliRun check = CliRun.of(new String[] {"backup", "check", "--read-data"}, repoArgs);
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.out()).contains("no problems");

        Path wrong = dir.resolve("wrong");
        Files.writeString(wrong, "not it");
        CliRun refused = CliRun.of("snapshots", "--repo", repo.toString(), "--password-file", wrong.toString());
        assertThat(refused.exitCode()).isEqualTo(8);
        assertThat(refused.err()).contains("BACKUP_PASSPHRASE").doesNotContain("\tat ").doesNotContain("not it");
    }

    /**
     * Backup and restore open the database while the repository's key is derived: a repository
     * that does not open is reported as before, whatever the database does, and a database that
     * does not open is reported once the repository has.
     */
    @Test
    void theRepositoryAndTheDatabaseOpenedTogetherEachReportTheirOwnFailure() throws Exception {
        TestRepository both = TestRepository.init(dir, "both");
        Path repo = both.path(), password = both.passwordFile();
        Path wrong = dir.resolve("wrong-both");
        Files.writeString(wrong, "not this one\n");
        String state = dir.resolve("state-both").toString();
        String nobody = "postgresql://postgres@127.0.0.1:1/nobody"; // nothing listens on port 1: refused at once
        assertThat(CliRun.of("backup", LocalPostgres.location(SRC), "--repo", repo.toString(), "--password-file", password.toString(),
                "--state", state, "--quiet").exitCode()).isZero();
        // the full backup counted the keys in the lines it read, the next one in the database: the same counts, so nothing changed
        CliRun again = CliRun.of("backup", LocalPostgres.location(SRC), "--repo", repo.toString(), "--password-file", password.toString(),
                "--state", state, "--json");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(Json.MAPPER.readTree(again.out()).get("unchanged").toString()).isEqualTo("[\"accounts\"]");

        CliRun sourceDown = CliRun.of("backup", nobody, "--repo", repo.toString(), "--password-file", password.toString(), "--state", state);
        assertThat(sourceDown.exitCode()).as(sourceDown.toString()).isEqualTo(4);
        assertThat(sourceDown.err()).contains("SOURCE_IO", "127.0.0.1:1").doesNotContain("\tat "); // the source's failure, not a target's
        CliRun wrongKeySourceDown = CliRun.of("backup", nobody, "--repo", repo.toString(), "--password-file", wrong.toString(), "--state", state);
        assertThat(wrongKeySourceDown.exitCode()).as(wrongKeySourceDown.toString()).isEqualTo(8);
        assertThat(wrongKeySourceDown.err()).contains("BACKUP_PASSPHRASE");

        CliRun targetDown = CliRun.of("restore", "latest", nobody, "--repo", repo.toString(), "--password-file", password.toString(), "--state", state);
        assertThat(targetDown.exitCode()).as(targetDown.toString()).isEqualTo(5);
        assertThat(targetDown.err()).contains("TARGET_UNREACHABLE", "127.0.0.1:1").doesNotContain("\tat ");
        CliRun wrongKeyTargetDown = CliRun.of("restore", "latest", nobody, "--repo", repo.toString(), "--password-file", wrong.toString(), "--state", state);
        assertThat(wrongKeyTargetDown.exitCode()).as(wrongKeyTargetDown.toString()).isEqualTo(8);
        CliRun noSnapshot = CliRun.of("restore", "0123abcd", LocalPostgres.location(DST), "--repo", repo.toString(), "--password-file", password.toString(),
                "--state", state);
        assertThat(noSnapshot.exitCode()).as(noSnapshot.toString()).isEqualTo(8);
        assertThat(noSnapshot.err()).contains("0123abcd");
    }

    @Test
    void aSnapshotIsRestoredOverTheTablesItCameFromWhateverTheirNarrowerTypes() throws Exception {
        // the old backend's own schema: integer and smallint keys and counts, bounded text and numbers
        LocalPostgres.sql(OLD, "create table stock (id integer primary key, qty smallint not null, sku varchar(12), price numeric(8,2))",
                "insert into stock select g, g % 300, 'sku-' || g, g / 4.0 from generate_series(1, 2000) g");
        List<String> before = stock();
        String state = dir.resolve("state-over").toString();
        String[] repoArgs = TestRepository.init(dir, "over").args();
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(OLD), "--quiet", "--state", state}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();

        LocalPostgres.sql(OLD, "delete from stock where id % 7 = 0", "update stock set qty = 0, sku = null where id % 11 = 0");
        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(OLD), "--only", "stock", "--state", state}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.out()).contains("2,000 written").contains("0 dead-lettered");
        assertThat(restore.out()).as("over the tables it came from: nothing made").doesNotContain("tables made by this restore");
        assertThat(stock()).containsExactlyElementsOf(before);
    }

    private static List<String> stock() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = LocalPostgres.connect(OLD); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, qty, sku, price::text from stock order by id")) {
            while (rs.next()) out.add(rs.getInt(1) + "|" + rs.getInt(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
        }
        return out;
    }

    @Test
    void aFolderIsBackedUpBesideTheRecordsAndRestoredToAnotherFolder() throws Exception {
        Path storage = dir.resolve("storage");
        Files.createDirectories(storage.resolve("avatars"));
        Files.writeString(storage.resolve("avatars/u_1.png"), "not really a png ".repeat(2000));
        Files.writeString(storage.resolve("terms.txt"), "terms\n");
        String[] repoArgs = TestRepository.init(dir, "files").args();
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--files", storage.toString(), "--json",
                "--state", dir.resolve("state").toString()}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        JsonNode json = Json.MAPPER.readTree(backup.out());
        assertThat(json.get("files").asInt()).isEqualTo(2);
        assertThat(json.get("records").asLong()).isEqualTo(5000);

        Path restored = dir.resolve("restored-files");
        CliRun restore = CliRun.of(new String[] {"restore", "latest", "--files-to", restored.toString(), "--state", dir.resolve("state").toString()}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(Files.readString(restored.resolve("avatars/u_1.png"))).isEqualTo(Files.readString(storage.resolve("avatars/u_1.png")));
        assertThat(Files.readString(restored.resolve("terms.txt"))).isEqualTo("terms\n");
        CliRun check = CliRun.of(new String[] {"backup", "check", "--read-data"}, repoArgs);
        assertThat(check.exitCode()).as(check.toString()).isZero();
    }
}
