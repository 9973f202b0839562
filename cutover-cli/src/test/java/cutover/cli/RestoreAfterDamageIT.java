package cutover.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore stopped by a damaged pack leaves tables begun (made as defined, their keys still to come).
 * Run again from an undamaged copy of the repository, it is the same restore, so it resumes and
 * finishes them; another snapshot meeting those tables is told which run made them and what to do.
 */
class RestoreAfterDamageIT {
    private static final String SRC = "cutover_it_damage_src";
    private static final String DST = "cutover_it_damage_dst";

    @TempDir static Path dir;

    @BeforeAll
    static void databases() throws Exception {
        LocalPostgres.recreate(SRC, DST);
        // an array column: a damaged chunk must stop the restore as such, not send its split record by record
        LocalPostgres.sql(SRC, "create table users (id bigint primary key, name text not null, tags text[])",
                "insert into users select g, 'user ' || g, array['t' || (g % 3)] from generate_series(1, 20000) g",
                "create table posts (id bigint primary key, user_id bigint references users (id), body text)",
                "insert into posts select g, 1 + g % 20000, md5(g::text) from generate_series(1, 20000) g");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST);
    }

    @Test
    void aRestoreStoppedByDamageResumesFromACopyOfTheRepository() throws Exception {
        TestRepository damaged = TestRepository.init(dir, "damaged");
        String state = dir.resolve("state").toString();
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--state", state}, damaged.args());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        Path copy = dir.resolve("copy-repo");
        LocalPostgres.copyFolder(damaged.path(), copy);
        Path pack;
        try (var packs = Files.walk(damaged.path().resolve("data"))) {
            pack = packs.filter(Files::isRegularFile).max(Comparator.comparingLong(RestoreAfterDamageIT::size)).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(pack);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(pack, bytes);

        CliRun stopped = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--state", state}, damaged.args());
        assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(8);
        assertThat(stopped.err()).contains("BACKUP_CORRUPT").doesNotContain("record by record");

        String[] copyArgs = {"--repo", copy.toString(), "--password-file", damaged.passwordFile().toString()};
        CliRun resumed = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--state", state}, copyArgs);
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        for (String table : List.of("users", "posts")) {
            assertThat(LocalPostgres.query(DST, "select count(*) || ':' || md5(string_agg(t::text, '|' order by id)) from " + table + " t"))
                    .as(table).isEqualTo(LocalPostgres.query(SRC, "select count(*) || ':' || md5(string_agg(t::text, '|' order by id)) from " + table + " t"));
            assertThat(LocalPostgres.query(DST, "select count(*) from pg_constraint where conrelid = '" + table + "'::regclass and contype = 'p'")).as(table).containsExactly("1");
        }
        assertThat(LocalPostgres.query(DST, "select count(*) from pg_constraint where conrelid = 'posts'::regclass and contype = 'f'")).containsExactly("1");

        // the copy's index damaged in turn: check names each kind of problem once, with how many chunks it meets, and points to the repair
        Path index;
        try (var files = Files.list(copy.resolve("index"))) {
            index = files.findFirst().orElseThrow();
        }
        byte[] indexBytes = Files.readAllBytes(index);
        indexBytes[40] ^= 0x01;
        Files.write(index, indexBytes);
        CliRun check = CliRun.of(new String[] {"backup", "check"}, copyArgs);
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(8);
        assertThat(check.out()).contains("more chunks like it").contains("backup repair index");
        assertThat(check.out().lines().count()).as(check.out()).isLessThan(12);
        CliRun repair = CliRun.of(new String[] {"backup", "repair", "index"}, copyArgs);
        assertThat(repair.exitCode()).as(repair.toString()).isZero();
        CliRun again = CliRun.of(new String[] {"backup", "check", "--read-data"}, copyArgs);
        assertThat(again.exitCode()).as(again.toString()).isZero();
    }

    @Test
    void tablesAStoppedRestoreBeganAreNamedWithTheRunThatMadeThem() throws Exception {
        String target = "cutover_it_damage_other";
        LocalPostgres.recreate(target);
        try {
            // a table as a stopped restore leaves it: made from its definition and recorded so, its key still to come
            LocalPostgres.sql(target, "create table users (id bigint not null, name text not null)", "insert into users values (1, 'user 1')",
                    "create schema cutover", "create table cutover.run_tables (run_id text not null, table_schema text not null, table_name text not null,"
                            + " fast_path boolean not null, created_at timestamptz not null default now(), defined boolean not null default false,"
                            + " primary key (run_id, table_schema, table_name))",
                    "insert into cutover.run_tables values ('m-stopped', 'public', 'users', true, now(), true)");
            TestRepository repo = TestRepository.init(dir, "other");
            String state = dir.resolve("other-state").toString();
            assertThat(CliRun.of(new String[] {"backup", LocalPostgres.location(SRC), "--state", state}, repo.args()).exitCode()).isZero();
            CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(target), "--only", "users", "--state", state}, repo.args());
            assertThat(restore.exitCode()).as(restore.toString()).isNotZero();
            assertThat(restore.err()).contains("it was made by run m-stopped, which stopped before adding its key");
        } finally {
            LocalPostgres.drop(target);
        }
    }

    /**
     * A Firestore snapshot with references is planned from its records, all of them (a part goes into
     * the tables a whole restore makes; the manifest does not say where references point): a damaged collection the restore does not take is planned from what could be read
     * of it, and said, rather than stopping the restore of a healthy one (acceptance run 24).
     */
    @Test
    void aHealthyCollectionIsRestoredBesideADamagedOne() throws Exception {
        String target = "cutover_it_damage_firestore";
        LocalPostgres.recreate(target);
        try {
            StringBuilder posts = new StringBuilder(), users = new StringBuilder();
            for (int i = 0; i < 300; i++) {
                posts.append(i == 0 ? "" : ",").append(String.format("\"p%04d\": {\"title\": \"post %d\", \"likes\": %d, \"author\": {\"__datatype__\": \"documentReference\", \"value\": \"users/u%03d\"},"
                        + " \"__collections__\": {}}", i, i, i % 7, i % 40));
            }
            for (int i = 0; i < 40; i++) {
                users.append(i == 0 ? "" : ",").append(String.format("\"u%03d\": {\"name\": \"user %d\", \"__collections__\": {}}", i, i));
            }
            Path postsOnly = dir.resolve("posts-only.json"), both = dir.resolve("both.json");
            Files.writeString(postsOnly, "{\"__collections__\": {\"posts\": {" + posts + "}}}");
            Files.writeString(both, "{\"__collections__\": {\"posts\": {" + posts + "}, \"users\": {" + users + "}}}");
            TestRepository repo = TestRepository.init(dir, "firestore-damaged");
            String state = dir.resolve("firestore-state").toString();
            // the posts' chunks go into the first backup's packs; the second stores only the users' beside them
            assertThat(CliRun.of(new String[] {"backup", "firestore-export:" + postsOnly, "--state", state}, repo.args()).exitCode()).isZero();
            List<Path> postsPacks;
            try (var packs = Files.walk(repo.path().resolve("data"))) {
                postsPacks = packs.filter(Files::isRegularFile).toList();
            }
            CliRun second = CliRun.of(new String[] {"backup", "firestore-export:" + both, "--state", state, "--json"}, repo.args());
            assertThat(second.exitCode()).as(second.toString()).isZero();
            String snapshot = Json.MAPPER.readTree(second.out()).get("id").asText();
            for (Path pack : postsPacks) {
                byte[] bytes = Files.readAllBytes(pack);
                bytes[bytes.length / 2] ^= 0x40;
                Files.write(pack, bytes);
            }

            CliRun usersOnly = CliRun.of(new String[] {"restore", snapshot, LocalPostgres.location(target), "--only", "users", "--json", "--state", state}, repo.args());
            assertThat(usersOnly.exitCode()).as(usersOnly.toString()).isZero();
            assertThat(Json.MAPPER.readTree(usersOnly.out()).get("warnings").toString()).contains("entity posts could not be read")
                    .contains("this restore does not take it");
            assertThat(LocalPostgres.count(target, "users")).isEqualTo(40);
            CliRun intoSqlite = CliRun.of(new String[] {"restore", snapshot, "sqlite:" + dir.resolve("users.db"), "--only", "users", "--dry-run", "--state", state},
                    repo.args());
            assertThat(intoSqlite.exitCode()).as(intoSqlite.toString()).isZero();

            // the damaged collection itself still stops its restore, naming where
            CliRun postsToo = CliRun.of(new String[] {"restore", snapshot, LocalPostgres.location(target), "--only", "posts", "--state", state}, repo.args());
            assertThat(postsToo.exitCode()).as(postsToo.toString()).isEqualTo(8);
            assertThat(postsToo.err()).contains("BACKUP_CORRUPT").contains("entity posts");
        } finally {
            LocalPostgres.drop(target);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
