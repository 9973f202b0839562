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

/**
 * A migration into the application's own tables, whose foreign keys hold while rows are written: a
 * child's batch that comes before its parents' (splits load in parallel, in no order of their tables)
 * waits for the next pass instead of stopping the run, which then moves every row.
 */
class ForeignKeyTargetIT {
    private static final String SRC = "cutover_it_fktarget_src";
    private static final String DST = "cutover_it_fktarget_dst";

    @TempDir static Path dir;

    @BeforeAll
    static void databases() throws Exception {
        LocalPostgres.recreate(SRC, DST);
        LocalPostgres.sql(SRC, "create table parent (id int primary key, name text)", "create table child (id int primary key, parent_id int, val int)",
                "insert into parent select g, 'p' || g from generate_series(1, 30000) g",
                "insert into child select g, 30001 - g, g from generate_series(1, 100) g");
        LocalPostgres.sql(DST, "create table parent (id int primary key, name text)",
                // and a CHECK of its own, so that the child's batch is refused for a row and for its parents at once
                "create table child (id int primary key, parent_id int references parent (id), val int check (val <> 50))");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST);
    }

    @Test
    void aChildRefusedForItsParentWaitsForTheParentsSplit() throws Exception {
        Path plan = plan(LocalPostgres.location(SRC), LocalPostgres.location(DST), "plan.yaml");
        for (String parallel : new String[] {"1", "2"}) {
            LocalPostgres.sql(DST, "truncate child, parent");
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--restart", "--parallel", parallel, "--json",
                    "--state", dir.resolve("state").toString());
            assertThat(migrate.exitCode()).as(migrate.toString()).isEqualTo(1);
            JsonNode details = Json.MAPPER.readTree(migrate.out()).get("details");
            assertThat(details.get("written").asLong()).isEqualTo(30099);
            assertThat(details.get("deadLettered").asLong()).isEqualTo(1);
            assertThat(LocalPostgres.query(DST, "select count(*) || ' ' || sum(val) from child")).containsExactly("99 5000");
            assertThat(LocalPostgres.query(DST, "select count(*) from parent")).containsExactly("30000");
            List<String> deadLetters = Files.readAllLines(Path.of(details.get("deadLetterFile").asText()));
            assertThat(deadLetters).singleElement().asString().contains("\"key\":\"50\"").contains("child_val_check");
        }
    }

    /**
     * A row the target's CHECK refuses, in a batch whose posts come before their users (as an export
     * lists them) into tables with a foreign key: the records are tried parents' tables first, so the
     * refused user alone is set aside and the posts are not taken for orphans.
     */
    @Test
    void aRefusedRowAmongChildrenListedBeforeTheirParentsIsSetAsideAlone() throws Exception {
        String db = "cutover_it_fktarget_check";
        LocalPostgres.recreate(db);
        try {
            LocalPostgres.sql(db, "create table users (id text primary key, name text not null check (name <> 'BAD'))",
                    "create table posts (user_id text references users, id text, title text not null, primary key (user_id, id))");
            StringBuilder json = new StringBuilder("{\"__collections__\":{\"users\":{");
            for (int u = 1; u <= 300; u++) {
                json.append(u == 1 ? "" : ",").append("\"u").append(u).append("\":{\"name\":\"").append(u == 13 ? "BAD" : "n" + u).append('"');
                if (u != 13) json.append(",\"__collections__\":{\"posts\":{\"p1\":{\"title\":\"t\"},\"p2\":{\"title\":\"u\"}}}");
                json.append('}');
            }
            Path export = dir.resolve("checked.json");
            Files.writeString(export, json.append("}}}").toString());
            Path plan = plan("firestore-export:" + export, LocalPostgres.location(db), "checked.yaml");
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--batch-size", "100", "--json", "--state", dir.resolve("state").toString());
            assertThat(migrate.exitCode()).as(migrate.toString()).isEqualTo(1);
            JsonNode details = Json.MAPPER.readTree(migrate.out()).get("details");
            List<String> deadLetters = Files.readAllLines(Path.of(details.get("deadLetterFile").asText()));
            assertThat(deadLetters).singleElement().asString().contains("\"key\":\"u13\"").contains("users_name_check");
            assertThat(LocalPostgres.query(db, "select (select count(*) from users) || ' ' || (select count(*) from posts)")).containsExactly("299 598");
        } finally {
            LocalPostgres.drop(db);
        }
    }

    /**
     * Records that refer to rows the source does not hold (a post of a deleted user, its comments; an
     * employee whose manager's row is gone, and everyone under them) are set aside, each naming the key
     * it misses, and every other record is written: also those whose parent comes later in their own
     * split (the employees refer anywhere in their table), or with another record parked for the same
     * reason. Before, the run stopped at the first, after the other splits had their turn.
     */
    @Test
    void recordsReferringToRowsNothingBringsAreSetAsideAndTheRestWritten() throws Exception {
        String src = "cutover_it_fktarget_orphans_src", dst = "cutover_it_fktarget_orphans_dst";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.sql(src, "create table users (id int primary key, name text)", "create table posts (id int primary key, user_id int)",
                    "create table comments (id int primary key, post_id int)",
                    "insert into users select g, 'u' || g from generate_series(1, 3000) g where g not in (100, 200)",
                    "insert into posts select g, 1 + g % 3000 from generate_series(1, 6000) g",
                    "insert into comments select g, g from generate_series(1, 6000) g",
                    // a tree in an order of its own: each employee's manager is the one ranked at half their rank, which lies
                    // anywhere in the table; some employees are gone (and the ranks no one has), so their subtrees refer to rows
                    // nothing brings
                    "create table emp (id int primary key, manager_id int)",
                    "insert into emp select a.g, b.g from generate_series(1, 5000) a (g)"
                            + " left join generate_series(1, 5000) b (g) on (b.g * 7919) % 5003 = ((a.g * 7919) % 5003) / 2",
                    "update emp set manager_id = -1 where manager_id is null and (id * 7919) % 5003 > 1",
                    "update emp set manager_id = null where (id * 7919) % 5003 = 1", "delete from emp where id % 500 = 0 and manager_id is not null");
            LocalPostgres.sql(dst, "create table users (id int primary key, name text)",
                    "create table posts (id int primary key, user_id int references users)",
                    "create table comments (id int primary key, post_id int references posts)",
                    "create table emp (id int primary key, manager_id int references emp)");
            List<String> reachable = LocalPostgres.query(src, "with recursive t as (select id from emp where manager_id is null"
                    + " union all select e.id from emp e join t on e.manager_id = t.id) select count(*) from t");
            long employees = Long.parseLong(reachable.get(0));
            long inSource = Long.parseLong(LocalPostgres.query(src, "select count(*) from emp").get(0));
            assertThat(employees).isBetween(100L, inSource - 10);
            Path plan = plan(LocalPostgres.location(src), LocalPostgres.location(dst), "orphans.yaml");
            String state = dir.resolve("orphans-state").toString();
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--batch-size", "500", "--json", "--state", state);
            assertThat(migrate.exitCode()).as(migrate.toString()).isEqualTo(1);
            JsonNode details = Json.MAPPER.readTree(migrate.out()).get("details");
            long orphans = 4 + 4 + (inSource - employees);
            assertThat(details.get("deadLettered").asLong()).isEqualTo(orphans);
            assertThat(details.get("written").asLong()).isEqualTo(2998 + 5996 + 5996 + employees);
            assertThat(LocalPostgres.query(dst, "select (select count(*) from users) || ' ' || (select count(*) from posts) || ' '"
                    + " || (select count(*) from comments) || ' ' || (select count(*) from emp)")).containsExactly("2998 5996 5996 " + employees);
            List<JsonNode> deadLetters = new java.util.ArrayList<>();
            for (String line : Files.readAllLines(Path.of(details.get("deadLetterFile").asText()))) deadLetters.add(Json.MAPPER.readTree(line));
            assertThat(deadLetters).hasSize((int) orphans).allSatisfy(d -> {
                assertThat(d.get("code").asText()).isEqualTo("RECORD_REFERENCE_MISSING");
                assertThat(d.get("reason").asText()).contains("is not present in table");
            });
            assertThat(deadLetters.stream().filter(d -> d.get("entity").asText().equals("posts")).map(d -> d.get("key").asText()).sorted())
                    .containsExactly("199", "3099", "3199", "99");
            assertThat(deadLetters.stream().filter(d -> d.get("entity").asText().equals("posts")).map(d -> d.get("reason").asText()))
                    .allSatisfy(r -> assertThat(r).containsAnyOf("Key (user_id)=(100)", "Key (user_id)=(200)"));
            assertThat(Files.list(Path.of(state, "runs")).flatMap(r -> { try { return Files.list(r); } catch (java.io.IOException e) { throw new RuntimeException(e); } })
                    .map(f -> f.getFileName().toString())).doesNotContain("parked.ndjson", "dead-letter.ndjson.next");
            // verify counts them as set aside, not missing
            CliRun verify = CliRun.of("verify", plan.toString(), "--state", state);
            assertThat(verify.exitCode()).as(verify.toString()).isZero();
            // run again: it had finished, and says so; nothing is parked or set aside twice
            CliRun again = CliRun.of("migrate", plan.toString(), "--no-backup", "--batch-size", "500", "--json", "--state", state);
            assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
            assertThat(Json.MAPPER.readTree(again.out()).get("details").get("deadLettered").asLong()).isEqualTo(orphans);
            assertThat(Files.readAllLines(Path.of(details.get("deadLetterFile").asText()))).hasSize((int) orphans);
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }

    /**
     * The last pass loads the parents' tables first, by the target's foreign keys: the comments'
     * split meets every post that will come already written, and parks only the comments of posts
     * that refer to missing users (it parked every comment when its split ran first, written again
     * at the run's end: 58 s against 6 s without the keys, in an acceptance run).
     */
    @Test
    void theLastPassLoadsParentsBeforeChildrenSoOnlyOrphansWait() throws Exception {
        String src = "cutover_it_fktarget_waves_src", dst = "cutover_it_fktarget_waves_dst";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.sql(src, "create table users (id int primary key)", "create table posts (id int primary key, user_id int)",
                    "create table comments (id int primary key, post_id int)",
                    "insert into users select g from generate_series(1, 1000) g where g % 50 <> 0",
                    "insert into posts select g, 1 + (g * 7919) % 1000 from generate_series(1, 10000) g",
                    "insert into comments select g, 1 + (g * 104729) % 10000 from generate_series(1, 10000) g");
            LocalPostgres.sql(dst, "create table users (id int primary key)", "create table posts (id int primary key, user_id int references users)",
                    "create table comments (id int primary key, post_id int references posts)");
            long orphanPosts = Long.parseLong(LocalPostgres.query(src, "select count(*) from posts where user_id % 50 = 0").get(0));
            long orphanComments = Long.parseLong(LocalPostgres.query(src, "select count(*) from comments c join posts p on p.id = c.post_id"
                    + " where p.user_id % 50 = 0").get(0));
            Path plan = plan(LocalPostgres.location(src), LocalPostgres.location(dst), "waves.yaml");
            java.nio.file.Files.writeString(plan, java.nio.file.Files.readString(plan).replaceAll("deadLetterLimit: \"[^\"]*\"", "deadLetterLimit: \"none\""));
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--batch-size", "500", "--json", "--state", dir.resolve("waves-state").toString());
            assertThat(migrate.exitCode()).as(migrate.toString()).isEqualTo(1);
            JsonNode result = Json.MAPPER.readTree(migrate.out());
            assertThat(result.get("details").get("deadLettered").asLong()).isEqualTo(orphanPosts + orphanComments);
            assertThat(result.toString()).contains(String.format(java.util.Locale.ROOT, "%,d records referred to rows the target did not hold"
                    + " when their batches were written: 0 were written once every part had loaded", orphanPosts + orphanComments));
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }

    /**
     * A batch holding a row the target's CHECK refuses and one whose parent is missing: the first is
     * set aside with the target's reason, the second as referring to a missing row, the rest written
     * (the run stopped: the probe of the refused batch met the missing parent first and gave up).
     */
    @Test
    void aRowARuleRefusesBesideAnOrphanAreBothSetAside() throws Exception {
        String src = "cutover_it_fktarget_mixed_src", dst = "cutover_it_fktarget_mixed_dst";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.sql(src, "create table posts (id int primary key, user_id int, title text)",
                    "insert into posts select g, 1 + g % 100, case when g = 5 then 'bad' else 't' || g end from generate_series(1, 1000) g",
                    "update posts set user_id = 999 where id = 7");
            LocalPostgres.sql(dst, "create table users (id int primary key)", "insert into users select generate_series(1, 100)",
                    "create table posts (id int primary key, user_id int references users, title text check (title <> 'bad'))");
            Path plan = plan(LocalPostgres.location(src), LocalPostgres.location(dst), "mixed.yaml");
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--batch-size", "100", "--json", "--state", dir.resolve("mixed-state").toString());
            assertThat(migrate.exitCode()).as(migrate.toString()).isEqualTo(1);
            JsonNode details = Json.MAPPER.readTree(migrate.out()).get("details");
            List<String> deadLetters = Files.readAllLines(Path.of(details.get("deadLetterFile").asText()));
            assertThat(deadLetters).hasSize(2);
            assertThat(deadLetters).anySatisfy(d -> assertThat(d).contains("\"key\":\"5\"").contains("RECORD_REJECTED_BY_TARGET").contains("posts_title_check"));
            assertThat(deadLetters).anySatisfy(d -> assertThat(d).contains("\"key\":\"7\"").contains("RECORD_REFERENCE_MISSING").contains("(user_id)=(999)"));
            assertThat(LocalPostgres.query(dst, "select count(*) from posts")).containsExactly("998");
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }

    /**
     * Killed while the records parked in the last pass are being written again, the run goes on: it
     * settles them again from the start, and counts each record once (it counted those written before
     * the kill twice: more written than read, a negative count set aside, exit 0). Resumed with
     * another state folder, which holds none of the records it set aside, it stops and says why
     * (it went on, the parked records left unwritten and unlisted).
     */
    @Test
    void killedWhileSettlingParkedRecordsItCountsEachOnceAndNeedsItsOwnStateFolder() throws Exception {
        String src = "cutover_it_fktarget_settle_src", dst = "cutover_it_fktarget_settle_dst";
        LocalPostgres.recreate(src, dst);
        try {
            // two tables each referring to the other's rows: each waits for the other, so the last pass parks ~half of
            // their rows, which settling writes; 1% of a's rows refer to no b at all
            int n = 60000;
            LocalPostgres.sql(src, "create table a (id int primary key, b_id int)", "create table b (id int primary key, a_id int)",
                    "insert into a select g, case when g % 100 = 0 then -g when g % 2 = 0 then g end from generate_series(1, " + n + ") g",
                    "insert into b select g, case when g % 2 = 1 then g end from generate_series(1, " + n + ") g");
            LocalPostgres.sql(dst, "create table a (id int primary key, b_id int)", "create table b (id int primary key, a_id int)",
                    "alter table a add foreign key (b_id) references b", "alter table b add foreign key (a_id) references a");
            Path plan = plan(LocalPostgres.location(src), LocalPostgres.location(dst), "settle.yaml");
            Path state = dir.resolve("settle-state");
            Process first = migrateProcess(plan, state, dir.resolve("settle-1.log"));
            boolean killed = false;
            while (first.isAlive()) {
                if (LocalPostgres.query(dst, "select to_regclass('cutover.checkpoints') is null").equals(List.of("t"))) {
                    Thread.sleep(10);
                    continue;
                }
                List<String> settling = LocalPostgres.query(dst, "select written from cutover.checkpoints where split_id = '#parked' and not done");
                if (!settling.isEmpty() && Long.parseLong(settling.get(0)) > 0) {
                    first.destroyForcibly();
                    killed = true;
                    break;
                }
                Thread.sleep(10);
            }
            first.waitFor();
            assertThat(killed).as("killed while settling (" + Files.readString(dir.resolve("settle-1.log")) + ")").isTrue();

            CliRun elsewhere = CliRun.of("migrate", plan.toString(), "--no-backup", "--batch-size", "500", "--state", dir.resolve("other-state").toString());
            assertThat(elsewhere.exitCode()).as(elsewhere.toString()).isEqualTo(6);
            assertThat(elsewhere.err()).contains("another state folder").contains("--state");

            CliRun again = CliRun.of("migrate", plan.toString(), "--no-backup", "--batch-size", "500", "--json", "--state", state.toString());
            assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
            JsonNode details = Json.MAPPER.readTree(again.out()).get("details");
            long orphans = n / 100;
            assertThat(details.get("read").asLong()).isEqualTo(2L * n);
            assertThat(details.get("deadLettered").asLong()).isEqualTo(orphans);
            assertThat(details.get("written").asLong()).isEqualTo(2L * n - orphans);
            assertThat(Files.readAllLines(Path.of(details.get("deadLetterFile").asText()))).hasSize((int) orphans)
                    .allSatisfy(line -> assertThat(line).contains("RECORD_REFERENCE_MISSING"));
            assertThat(LocalPostgres.query(dst, "select (select count(*) from a) + (select count(*) from b)")).containsExactly(String.valueOf(2L * n - orphans));
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }

    /** The plan drafted from {@code source} to {@code target}, written as {@code name} in the test's folder. */
    private static Path plan(String source, String target, String name) {
        return CliRun.plan(source, target, dir.resolve(name));
    }

    private static Process migrateProcess(Path plan, Path state, Path log) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "cutover.cli.Main",
                "migrate", plan.toString(), "--no-backup", "--state", state.toString(), "--batch-size", "500")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * In a batch holding an orphan, the rows referring to a later row of their own batch (teams of
     * ten, each member's manager the next, the last the team's lead) are written with the batch; only
     * the orphan's team waits and is set aside. Before, the probe tried the rows in order and parked
     * every row whose manager came later, written again only when the run settled.
     */
    @Test
    void rowsReferringToLaterRowsOfTheirBatchAreNotParkedWithAnOrphan() throws Exception {
        String src = "cutover_it_fktarget_later_src", dst = "cutover_it_fktarget_later_dst";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.sql(src, "create table emp (id int primary key, manager_id int)",
                    "insert into emp select g, case when g % 10 = 0 then null else g + 1 end from generate_series(1, 2000) g",
                    "update emp set manager_id = -1 where id = 40"); // its team, 31 to 40, refers to no one there
            LocalPostgres.sql(dst, "create table emp (id int primary key, manager_id int references emp (id))");
            Path plan = plan(LocalPostgres.location(src), LocalPostgres.location(dst), "later.yaml");
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--batch-size", "500", "--json", "--state", dir.resolve("later-state").toString());
            assertThat(migrate.exitCode()).as(migrate.toString()).isEqualTo(1);
            JsonNode result = Json.MAPPER.readTree(migrate.out());
            assertThat(result.get("details").get("deadLettered").asLong()).isEqualTo(10);
            assertThat(result.toString()).contains("10 records referred to rows the target did not hold when their batches were written:"
                    + " 0 were written once every part had loaded");
            assertThat(LocalPostgres.query(dst, "select count(*) from emp")).containsExactly("1990");
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }

    /** A table whose rows refer to rows further on (a manager hired after): batches are joined until the parents are in. */
    @Test
    void aTableReferringToItsOwnLaterRowsIsWrittenInJoinedBatches() throws Exception {
        String src = "cutover_it_fktarget_self_src", dst = "cutover_it_fktarget_self_dst";
        LocalPostgres.recreate(src, dst);
        try {
            LocalPostgres.sql(src, "create table emp (id int primary key, manager_id int)",
                    "insert into emp select g, case when g < 6000 then g + 1 end from generate_series(1, 6000) g");
            LocalPostgres.sql(dst, "create table emp (id int primary key, manager_id int references emp (id))");
            Path plan = plan(LocalPostgres.location(src), LocalPostgres.location(dst), "self.yaml");
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--batch-size", "1000", "--state", dir.resolve("state").toString());
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            assertThat(LocalPostgres.query(dst, "select count(*) || ' ' || count(manager_id) from emp")).containsExactly("6000 5999");
            // run again, it is done: the totals count every attempt, the table's line this one's, and says so
            CliRun again = CliRun.of("migrate", plan.toString(), "--no-backup", "--batch-size", "1000", "--state", dir.resolve("state").toString());
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(again.out()).contains("6,000 read = 6,000 written").contains("1 already done").contains("this attempt:")
                    .contains("this run had finished already").contains("--restart");
        } finally {
            LocalPostgres.drop(src, dst);
        }
    }

    /**
     * An export lists a document's subcollections before the document: a batch writes parents' tables
     * first, and a batch whose last posts' user begins the next is written together with it. The
     * table's own foreign key (deferrable) is the plan's: finish adds no second one.
     */
    @Test
    void anExportsSubcollectionComesAfterItsParentDocumentInTheBatch() throws Exception {
        String db = "cutover_it_fktarget_fs";
        LocalPostgres.recreate(db);
        try {
            LocalPostgres.sql(db, "create table users (id text primary key, name text not null)",
                    "create table posts (user_id text references users deferrable initially deferred, id text, title text not null,"
                            + " primary key (user_id, id))");
            // 3,000 users of two posts each, in batches of 1,000: a user's posts often end a batch that the user begins the next of
            StringBuilder json = new StringBuilder("{\"__collections__\":{\"users\":{");
            for (int u = 1; u <= 3000; u++) {
                json.append(u == 1 ? "" : ",").append("\"u").append(u).append("\":{\"name\":\"n").append(u)
                        .append("\",\"__collections__\":{\"posts\":{\"p1\":{\"title\":\"t\"},\"p2\":{\"title\":\"u\"}}}}");
            }
            Path export = dir.resolve("families.json");
            Files.writeString(export, json.append("}}}").toString());
            Path plan = plan("firestore-export:" + export, LocalPostgres.location(db), "tiny.yaml");
            CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--batch-size", "1000", "--state", dir.resolve("state").toString());
            assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
            assertThat(LocalPostgres.query(db, "select count(*) || ' ' || count(distinct user_id) from posts")).containsExactly("6000 3000");
            assertThat(LocalPostgres.query(db, "select count(*) from users")).containsExactly("3000");
            // the table's own foreign key is the plan's: none is added beside it, and a run started over goes as the first
            assertThat(LocalPostgres.query(db, "select string_agg(conname, ',') from pg_constraint where conrelid = 'posts'::regclass and contype = 'f'"))
                    .containsExactly("posts_user_id_fkey");
            // and its primary key leads with user_id: no index is added for the key either
            assertThat(LocalPostgres.query(db, "select count(*) from pg_index where indrelid = 'posts'::regclass")).containsExactly("1");
            CliRun restart = CliRun.of("migrate", plan.toString(), "--no-backup", "--restart", "--batch-size", "1000", "--state", dir.resolve("state").toString());
            assertThat(restart.exitCode()).as(restart.toString()).isZero();
            assertThat(LocalPostgres.query(db, "select count(*) from posts")).containsExactly("6000");
        } finally {
            LocalPostgres.drop(db);
        }
    }
}
