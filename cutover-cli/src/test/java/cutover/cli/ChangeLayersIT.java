package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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
 * Backups of a live PostgreSQL database after small changes store only the rows changed since the
 * last snapshot (and, where rows were deleted, the keys left): docs/backup-format.md "Change
 * layers". Each snapshot, restored, must be exactly the tables as they were at its moment: rows
 * updated, inserted, deleted, deleted and inserted again, written by a transaction still open while
 * a backup ran, and frozen by VACUUM since.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChangeLayersIT {
    static final String SRC = "cutover_it_layers_src";
    static final String DST = "cutover_it_layers_dst";

    @TempDir Path dir;
    private int restores; // each restore its own state: a snapshot restored twice is restored anew

    /** The server the tables are on. */
    LocalPostgres.Server server() { return LocalPostgres.MAIN; }

    /** How the backups are asked to find changes (here: by scans, the default). */
    List<String> backupArgs() { return List.of(); }

    @BeforeAll
    void databases() throws Exception {
        server().recreate(SRC, DST);
        server().sql(SRC, "create table orders (id bigint primary key, customer text not null, total numeric(12,2), note text)",
                "insert into orders select g, 'c' || (g % 97), g * 1.25, case when g % 7 = 0 then null else 'note ' || g end"
                        + " from generate_series(1, 20000) g",
                // text keys with what COPY escapes (tab, newline, backslash) and non-ASCII: the bucket of a key is computed in SQL and in Java
                "create table tags (name text primary key, uses int not null)",
                "insert into tags select 'tag' || g || case g % 4 when 0 then E'\\t' when 1 then E'\\\\x' when 2 then 'é' else E'\\n' end, g"
                        + " from generate_series(1, 3000) g",
                "analyze");
    }

    @AfterAll
    void dropDatabases() throws Exception {
        server().drop(SRC, DST);
    }

    List<String> rows(String database) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = server().connect(database); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select id, customer, total::text, note from orders order by id")) {
                while (rs.next()) out.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
            }
            try (ResultSet rs = st.executeQuery("select name, uses from tags order by name collate \"C\"")) {
                while (rs.next()) out.add(rs.getString(1) + "|" + rs.getInt(2));
            }
        }
        return out;
    }

    @Test
    void eachSnapshotRestoresTheTablesAsTheyWereAtItsMoment() throws Exception {
        String state = dir.resolve("state").toString();
        String[] repoArgs = TestRepository.init(dir, "layers").args();

        JsonNode full = backup(state, repoArgs, 2);
        assertThat(full.get("changesOnly")).isEmpty();
        List<String> atFull = rows(SRC);

        // updates, appended and re-inserted keys, a range deleted, text keys deleted and added
        server().sql(SRC, "update orders set total = total + 1 where id % 157 = 3",
                "insert into orders select g, 'new', 1, 'appended' from generate_series(20001, 20050) g",
                "delete from orders where id between 500 and 540",
                "delete from orders where id = 9000", "insert into orders values (9000, 'again', 2, 'deleted, then inserted again')",
                "delete from tags where uses % 500 = 0", "insert into tags values (E'new\\ttag', 1), ('ünïcode', 2)",
                "update tags set uses = uses + 1 where uses % 300 = 1");
        // a transaction still open while the next backup runs: not in it, and in the one after
        try (Connection open = server().connect(SRC)) {
            open.setAutoCommit(false);
            try (Statement st = open.createStatement()) {
                st.execute("update orders set note = 'written while a backup ran' where id = 77");
                st.execute("insert into orders values (30000, 'late', 3, 'inserted while a backup ran')");
            }
            // two tables, four readers: each table's changed rows are copied while its keys are counted
            JsonNode second = backup(state, repoArgs, 4);
            assertThat(second.get("changesOnly").toString()).contains("orders").contains("tags");
            assertThat(second.get("entities").get("orders").get("changeLayers").asInt()).isEqualTo(1);
            assertThat(second.get("addedBytes").asLong()).isLessThan(full.get("addedBytes").asLong() / 5);
            assertThat(restored(second, state, repoArgs)).containsExactlyElementsOf(rows(SRC));
            open.commit();
        }
        List<String> atSecond = rows(DST);

        // rows changed since, then frozen: a frozen row keeps its xmin, so it is still told apart
        server().sql(SRC, "update orders set customer = 'frozen after' where id in (5, 15000)", "delete from orders where id = 20050");
        server().sql(SRC, "vacuum freeze orders");
        JsonNode third = backup(state, repoArgs, 2); // two readers, both deciding: the changed rows are copied after
        assertThat(third.get("entities").get("orders").get("changeLayers").asInt()).isEqualTo(2);
        List<String> now = rows(SRC);
        assertThat(now).contains("77|c77|96.25|written while a backup ran").contains("30000|late|3.00|inserted while a backup ran");
        assertThat(restored(third, state, repoArgs)).containsExactlyElementsOf(now);
        layersAreOneSplitThatResumesWhereItStopped(third.get("shortId").asText());

        // nothing changed: the tables are not read, and no layer is added
        JsonNode fourth = backup(state, repoArgs, 4); // the changed rows copied beside (none) are let go
        assertThat(fourth.get("unchanged").toString()).contains("orders").contains("tags");
        assertThat(fourth.get("entities").get("orders").get("changeLayers").asInt()).isEqualTo(2);

        // earlier snapshots still restore to their own moments
        assertThat(restored(full, state, repoArgs)).containsExactlyElementsOf(atFull);
        JsonNode secondAgain = Json.MAPPER.readTree(CliRun.of(new String[] {"snapshots", "--json"}, repoArgs).out()).get("snapshots").get(1);
        assertThat(restored(secondAgain, state, repoArgs)).containsExactlyElementsOf(atSecond);

        CliRun check = CliRun.of(new String[] {"backup", "check", "--read-data"}, repoArgs);
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.out()).contains("no problems");

        // deletes scattered over the whole table: a layer would list most of its keys, so it is read whole again
        server().sql(SRC, "delete from orders where id % 40 = 1");
        JsonNode scattered = backup(state, repoArgs, 4);
        assertThat(scattered.get("entities").get("orders").get("changeLayers").asInt()).isZero();
        assertThat(scattered.get("readWhole").get("orders").asText()).isEqualTo("a layer of its changes would hold more than a fifth of its rows");
        assertThat(scattered.get("readWhole").has("tags")).as("not read whole, or read whole with nothing to compare").isFalse();
        assertThat(restored(scattered, state, repoArgs)).containsExactlyElementsOf(rows(SRC));

        // the snapshots a layered one was built on are forgotten and pruned: it keeps their chunks, and still restores
        CliRun forget = CliRun.of(new String[] {"forget", "--keep-last", "3", "--prune"}, repoArgs);
        assertThat(forget.exitCode()).as(forget.toString()).isZero();
        assertThat(Json.MAPPER.readTree(CliRun.of(new String[] {"snapshots", "--json"}, repoArgs).out()).get("snapshots")).hasSize(3);
        assertThat(restored(third, state, repoArgs)).containsExactlyElementsOf(now);
        CliRun checkAfterPrune = CliRun.of(new String[] {"backup", "check", "--read-data"}, repoArgs);
        assertThat(checkAfterPrune.exitCode()).as(checkAfterPrune.toString()).isZero();

        // restored elsewhere, record by record (no COPY text): the same rows
        Path sqlite = dir.resolve("layered.db");
        CliRun toSqlite = CliRun.of(new String[] {"restore", third.get("shortId").asText(), "sqlite:" + sqlite, "--state", state + "-sqlite", "--json"},
                repoArgs);
        assertThat(toSqlite.exitCode()).as(toSqlite.toString()).isZero();
        List<String> inSqlite = new ArrayList<>();
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + sqlite); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, customer, note from orders order by id")) {
            while (rs.next()) inSqlite.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
        }
        assertThat(inSqlite).containsExactlyElementsOf(now.stream().filter(r -> r.matches("^\\d+\\|.*"))
                .map(r -> r.split("\\|", -1)).map(f -> f[0] + "|" + f[1] + "|" + f[3]).toList());
    }

    /**
     * An entity's layers are one split, the last layer first, after a split per base part; read
     * from a position (as a resumed restore reads it) it gives the rest of what it gives from the start.
     */
    private void layersAreOneSplitThatResumesWhereItStopped(String snapshot) {
        cutover.backup.Repository repo = cutover.backup.Repository.open(dir.resolve("layers-repo"), "layers passphrase");
        cutover.backup.SnapshotSource source = repo.source(repo.snapshot(snapshot));
        List<String> ids = source.splits(2).stream().map(cutover.connector.Split::id).toList();
        assertThat(ids.stream().filter(id -> id.endsWith("orders#layers"))).hasSize(1);
        assertThat(ids.stream().filter(id -> id.endsWith("tags#layers"))).hasSize(1);
        assertThat(ids.indexOf(ids.stream().filter(id -> id.endsWith("orders#layers")).findFirst().orElseThrow()))
                .as("after the base parts").isGreaterThan(ids.indexOf(ids.stream().filter(id -> id.contains("orders#part-")).findFirst().orElseThrow()));
        for (cutover.connector.Split split : source.splits(2)) {
            if (!split.id().endsWith("#layers")) continue;
            List<String> whole = keysRead(source, split, 0);
            assertThat(whole).as(split.id()).isNotEmpty().doesNotHaveDuplicates();
            int half = whole.size() / 2;
            assertThat(keysRead(source, split, half)).as(split.id() + " from " + half).containsExactlyElementsOf(whole.subList(half, whole.size()));
        }
        // a partial restore's reading (lines skipped before they are decoded, in base parts merged with layers and in the layers)
        cutover.backup.KeyGlob glob = cutover.backup.KeyGlob.of("*1?");
        cutover.backup.KeyFilteredSource matching = new cutover.backup.KeyFilteredSource(source, glob);
        int matched = 0;
        for (cutover.connector.Split split : source.splits(2)) {
            List<String> expected = keysRead(source, split, 0).stream().filter(glob::matches).toList();
            List<String> read = new ArrayList<>();
            try (cutover.connector.RecordReader reader = matching.read(split, cutover.connector.Position.START)) {
                for (cutover.connector.RecordReader.Item item = reader.next(); item != null; item = reader.next()) {
                    read.add(((cutover.connector.RecordReader.Ok) item).record().key().toString());
                }
            }
            assertThat(read).as(split.id() + " where the key matches " + glob.pattern()).containsExactlyElementsOf(expected);
            matched += read.size();
        }
        assertThat(matched).isGreaterThan(100);
    }

    private static List<String> keysRead(cutover.backup.SnapshotSource source, cutover.connector.Split split, long from) {
        List<String> out = new ArrayList<>();
        try (cutover.connector.RecordReader reader = source.read(split, new cutover.connector.Position(from, ""))) {
            for (cutover.connector.RecordReader.Item item = reader.next(); item != null; item = reader.next()) {
                out.add(((cutover.connector.RecordReader.Ok) item).record().key().toString());
            }
            assertThat(reader.position().ordinal()).isEqualTo(from + out.size());
        }
        return out;
    }

    @Test
    void aTableSwappedForAnotherOfTheSameNameIsReadWhole() throws Exception {
        String src = "cutover_it_swap_src", dst = "cutover_it_swap_dst";
        server().recreate(src, dst);
        // the same keys in both: their key counts and digests are equal, so only the tables' identity tells them apart
        server().sql(src, "create table a (id int primary key, v text)", "insert into a select g, 'was a' from generate_series(1, 1000) g",
                "create table b (id int primary key, v text)", "insert into b select g, 'was b' from generate_series(1, 1000) g", "analyze");
        String[] repoArgs = TestRepository.init(dir, "swap").args();
        List<String> args = new ArrayList<>(List.of("backup", server().location(src), "--json", "--state", dir.resolve("swap-state").toString()));
        args.addAll(backupArgs());
        assertThat(CliRun.of(args.toArray(String[]::new), repoArgs).exitCode()).isZero();

        server().sql(src, "alter table a rename to c", "alter table b rename to a", "alter table c rename to b");
        CliRun second = CliRun.of(args.toArray(String[]::new), repoArgs);
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(Json.MAPPER.readTree(second.out()).get("unchanged")).isEmpty();
        CliRun restore = CliRun.of(new String[] {"restore", "latest", server().location(dst), "--state", dir.resolve("swap-restore").toString()}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try (Connection c = server().connect(dst); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select (select string_agg(distinct v, ',') from a), (select string_agg(distinct v, ',') from b)")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("was b");
            assertThat(rs.getString(2)).isEqualTo("was a");
        }
        server().drop(src, dst);
    }

    /**
     * What rows read as may change without a row being written: a column dropped and added again
     * under its name (its rows NULL, or its new default), an enum's label renamed, a composite's
     * attribute added. Each is read again (an acceptance run's: the rows were reused, the dropped
     * values restored, and a renamed label made the snapshot unrestorable).
     */
    @Test
    void rowsThatReadOtherwiseWithoutBeingWrittenAreReadAgain() throws Exception {
        String src = "cutover_it_relabel_src", dst = "cutover_it_relabel_dst";
        server().recreate(src, dst);
        server().sql(src, "create type mood as enum ('sad', 'ok')", "create type point2 as (x int, y int)",
                "create table t (id int primary key, m mood, p point2, meta jsonb)", // meta last: added again, it is in its place
                "insert into t select g, 'sad', row(g, g)::point2, jsonb_build_object('old', g) from generate_series(1, 1000) g", "analyze");
        String[] repoArgs = TestRepository.init(dir, "relabel").args();
        List<String> args = new ArrayList<>(List.of("backup", server().location(src), "--json", "--state", dir.resolve("relabel-state").toString()));
        backupArgs().forEach(a -> args.add(a.replace("cutover_it_layers", "cutover_it_relabel"))); // a slot is one database's: its own

        CliRun first = CliRun.of(args.toArray(String[]::new), repoArgs);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        for (String change : List.of("alter table t drop column meta, add column meta jsonb default '{\"new\": true}'",
                "alter type mood rename value 'sad' to 'happy'", "alter type point2 add attribute z int")) {
            server().sql(src, change);
            CliRun again = CliRun.of(args.toArray(String[]::new), repoArgs);
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(Json.MAPPER.readTree(again.out()).get("unchanged")).as(change).isEmpty();
        }
        CliRun restore = CliRun.of(new String[] {"restore", "latest", server().location(dst), "--state", dir.resolve("relabel-restore").toString()}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try (Connection c = server().connect(dst); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*), string_agg(distinct meta::text, ','), string_agg(distinct m::text, ','),"
                     + " count(*) filter (where p::text = '(' || id || ',' || id || ',)') from t")) {
            rs.next();
            assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))).containsExactly("1000", "{\"new\": true}", "happy", "1000");
        }
        server().drop(src, dst);
    }

    /** Settings of the source a backup made through the API opens: how it finds changes, as {@link #backupArgs} tells the command. */
    java.util.Map<String, String> sourceSettings() { return java.util.Map.of(); }

    /**
     * A change layer is proven against the keys its source counted at the backup's moment before it
     * is stored: a source that leaves a changed row out of the layer's rows, or a key out of a moved
     * bucket's list (a fault put between the backup and the real source), gets its table read whole
     * instead, the run saying why; the next backup layers on that snapshot again, and each restores
     * the table as it was.
     */
    @Test
    void aLayerThatIsNotWhatTheSourceCountedIsReadWholeInstead() throws Exception {
        String src = "cutover_it_disproved_src", dst = "cutover_it_disproved_dst";
        server().recreate(src, dst);
        server().sql(src, "create table items (id bigint primary key, name text, n int)",
                "insert into items select g, 'item ' || g, g % 7 from generate_series(1, 20000) g", "analyze");
        Path path = dir.resolve("disproved-repo");
        cutover.backup.Repository repo = cutover.backup.Repository.init(path, "disproved passphrase", cutover.backup.RepositoryOptions.forCommands());
        String[] repoArgs = {"--repo", path.toString(), "--password-file", Files.writeString(dir.resolve("disproved-password"), "disproved passphrase\n").toString()};
        cutover.model.EntityName items = cutover.model.EntityName.of("items");
        backupThrough(repo, src, null);

        server().sql(src, "update items set n = n + 1 where id % 97 = 0");
        cutover.backup.Repository.BackupBuilder second = repo.backup().source(server().location(src)).readers(2);
        cutover.backup.Snapshot rowLeftOut = backupThrough(second, src, "copyChangedSince");
        assertThat(second.readWhole().get(items)).startsWith("its change layer's rows are not the changes the source counted: key bucket ")
                .endsWith("key bucket 0 holds 4 changed rows where the source counted 5"); // 97 of 97, 194, … 485, in keys 1-511
        assertThat(rowLeftOut.entity(items).orElseThrow().changes().layers()).isEmpty();
        assertThat(restoredItems(rowLeftOut, dst, repoArgs)).containsExactlyElementsOf(items(src));

        server().sql(src, "delete from items where id between 100 and 120", "update items set name = 'moved' where id % 101 = 0");
        cutover.backup.Repository.BackupBuilder third = repo.backup().source(server().location(src)).readers(2);
        cutover.backup.Snapshot keyLeftOut = backupThrough(third, src, "copyKeysIn");
        assertThat(third.readWhole().get(items)).startsWith("its change layer's keys are not the keys the source counted: key bucket ")
                .endsWith("key bucket 0 lists 489 keys where the source counted 490"); // 1-511 but 100-120, less the first
        assertThat(keyLeftOut.entity(items).orElseThrow().changes().layers()).isEmpty();
        assertThat(restoredItems(keyLeftOut, dst, repoArgs)).containsExactlyElementsOf(items(src));

        // the keys the read-whole table was tracked with are right: the next backup adds a layer, and it restores
        server().sql(src, "update items set n = 0 where id % 89 = 0", "delete from items where id = 5000");
        cutover.backup.Repository.BackupBuilder fourth = repo.backup().source(server().location(src)).readers(2);
        cutover.backup.Snapshot layered = backupThrough(fourth, src, null);
        assertThat(fourth.readWhole()).isEmpty();
        assertThat(layered.entity(items).orElseThrow().changes().layers()).hasSize(1);
        assertThat(restoredItems(layered, dst, repoArgs)).containsExactlyElementsOf(items(src));
        server().drop(src, dst);
    }

    private cutover.backup.Snapshot backupThrough(cutover.backup.Repository repo, String database, String faulty) throws Exception {
        return backupThrough(repo.backup().source(server().location(database)).readers(2), database, faulty);
    }

    /** A backup through {@code builder} of the database's source, whose method {@code faulty} (when not null) leaves out the first line it writes. */
    private cutover.backup.Snapshot backupThrough(cutover.backup.Repository.BackupBuilder builder, String database, String faulty) throws Exception {
        try (cutover.connector.Connector c = Endpoints.openSource(server().location(database), 4, sourceSettings())) {
            cutover.connector.Source real = Endpoints.require(c, cutover.connector.Source.class);
            return builder.from(faulty == null ? real : firstLineLeftOut(real, faulty));
        }
    }

    /** The source, but its method {@code method} (one that writes lines to its last argument and returns how many) leaves out the first. */
    private static cutover.connector.Source firstLineLeftOut(cutover.connector.Source real, String method) {
        return (cutover.connector.Source) java.lang.reflect.Proxy.newProxyInstance(ChangeLayersIT.class.getClassLoader(),
                new Class<?>[] {cutover.connector.ChangeTracking.class}, (proxy, m, args) -> {
                    boolean leaveOut = m.getName().equals(method);
                    if (leaveOut) args[args.length - 1] = new FirstLineLeftOut((java.io.OutputStream) args[args.length - 1]);
                    try {
                        Object result = m.invoke(real, args);
                        return leaveOut && ((FirstLineLeftOut) args[args.length - 1]).leftOut ? (Long) result - 1 : result;
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static final class FirstLineLeftOut extends java.io.FilterOutputStream {
        boolean leftOut;

        FirstLineLeftOut(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws java.io.IOException {
            if (leftOut) out.write(b);
            else if (b == '\n') leftOut = true;
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            for (int i = off; i < off + len && !leftOut; i++, off++, len--) write(b[i]);
            if (leftOut && len > 0) out.write(b, off, len);
        }
    }

    private List<String> items(String database) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = server().connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, name, n from items order by id")) {
            while (rs.next()) out.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getInt(3));
        }
        return out;
    }

    private List<String> restoredItems(cutover.backup.Snapshot snapshot, String dst, String[] repoArgs) throws Exception {
        server().recreate(dst);
        CliRun restore = CliRun.of(new String[] {"restore", snapshot.shortId(), server().location(dst), "--state",
                dir.resolve("disproved-restore-" + restores++).toString()}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        return items(dst);
    }

    JsonNode backup(String state, String[] repoArgs, int parallel) throws Exception {
        List<String> args = new ArrayList<>(List.of("backup", server().location(SRC), "--json", "--state", state, "--parallel", String.valueOf(parallel)));
        args.addAll(backupArgs());
        CliRun run = CliRun.of(args.toArray(String[]::new), repoArgs);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return Json.MAPPER.readTree(run.out());
    }

    /** The snapshot restored into a new database, by COPY text where it can: its rows. */
    List<String> restored(JsonNode snapshot, String state, String[] repoArgs) throws Exception {
        server().recreate(DST);
        CliRun restore = CliRun.of(new String[] {"restore", snapshot.get("shortId").asText(), server().location(DST), "--state",
                state + "-restore-" + restores++, "--json"}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        JsonNode result = Json.MAPPER.readTree(restore.out());
        assertThat(result.get("splitsCopiedAsText").asInt()).isEqualTo(result.get("splits").asInt());
        return rows(DST);
    }
}
