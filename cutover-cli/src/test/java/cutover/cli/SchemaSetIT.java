package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Supabase-shaped database backed up as one: {@code ?schema=auth,public} stores a snapshot per
 * schema, at one moment, each naming the set; `restore latest` brings the set back into an empty
 * database, each schema into its own, and restores {@code auth} again once {@code public} is in, so
 * the trigger on {@code auth.users} that runs {@code public.handle_new_user()} is made (restored
 * alone, first, it could not be). The foreign key from {@code public.profiles} to {@code auth.users}
 * and the policy calling {@code auth.uid()} come back as they were.
 */
class SchemaSetIT {
    private static final String SRC = "cutover_it_schema_set_src";
    private static final String DST = "cutover_it_schema_set_dst";
    private static final String DRY = "cutover_it_schema_set_dry";

    @TempDir static Path dir;
    static TestRepository repo;
    static JsonNode first;

    @BeforeAll
    static void backedUpTogether() throws Exception {
        LocalPostgres.recreate(SRC, DST, DRY);
        LocalPostgres.sql(SRC, "create schema auth",
                "create table auth.users (id int primary key, email text not null)",
                "create function auth.uid() returns int language sql stable as $$ select 1 $$",
                "create table public.profiles (id int primary key references auth.users, name text)",
                "create function public.handle_new_user() returns trigger language plpgsql as $$ begin"
                        + " insert into public.profiles (id, name) values (new.id, new.email); return new; end $$",
                "create trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user()",
                "alter table public.profiles enable row level security",
                "create policy own on public.profiles using (id = auth.uid())",
                "insert into auth.users values (1, 'a@x'), (2, 'b@x')", // the trigger makes their profiles
                "create schema storage", "create table storage.objects (id int primary key)");
        repo = TestRepository.init(dir, "set");
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC) + "?schema=auth,public", "--json", "--state", state()}, repo.args());
        first = backup.json();
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST, DRY);
    }

    private static String state() {
        return dir.resolve("state").toString();
    }

    @Test
    void eachSchemaIsASnapshotNamingTheSetAndBuildingOnItsOwnEarlierOnes() throws Exception {
        JsonNode snapshots = first.get("snapshots");
        assertThat(snapshots).hasSize(2);
        assertThat(snapshots.get(0).get("source").asText()).endsWith("?schema=auth");
        assertThat(snapshots.get(1).get("source").asText()).endsWith("?schema=public");
        assertThat(snapshots.get(0).get("entities").fieldNames()).toIterable().containsExactly("users");
        assertThat(snapshots.get(1).get("entities").fieldNames()).toIterable().containsExactly("profiles");
        String set = snapshots.get(0).get("takenWith").get("set").asText();
        assertThat(snapshots.get(1).get("takenWith").get("set").asText()).isEqualTo(set);
        assertThat(CliRun.texts(snapshots.get(0).get("takenWith").get("sources"))).containsExactly(snapshots.get(0).get("source").asText(),
                snapshots.get(1).get("source").asText());
        assertThat(CliRun.texts(snapshots.get(0).get("warnings"))).anyMatch(w -> w.startsWith("only schemas \"auth\", \"public\" are read: the tables of \"storage\""));

        // a later backup of the set builds on each schema's own last snapshot: nothing changed, nothing read
        JsonNode again = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC) + "?schema=auth,public", "--json", "--state", state()}, repo.args()).json();
        assertThat(CliRun.texts(again.get("snapshots").get(0).get("unchanged"))).containsExactly("users");
        assertThat(CliRun.texts(again.get("snapshots").get(1).get("unchanged"))).containsExactly("profiles");
        assertThat(again.get("snapshots").get(0).get("takenWith").get("set").asText()).isNotEqualTo(set);

        CliRun listed = CliRun.of(new String[] {"snapshots"}, repo.args());
        assertThat(listed.out()).contains("taken together, at one moment: " + snapshots.get(0).get("shortId").asText() + ", " + snapshots.get(1).get("shortId").asText());
    }

    @Test
    void latestRestoresTheSetEachSchemaIntoItsOwnAndAgainWhatNeededALaterOne() throws Exception {
        JsonNode restored = repo.restoreLatest(LocalPostgres.location(DST), dir.resolve("state")).json();
        assertThat(restored.get("snapshots")).hasSize(2);
        assertThat(restored.get("restoredAgain")).hasSize(1); // auth, whose trigger needed public's function
        assertThat(restored.get("restoredAgain").get(0).get("warnings")).as(restored.toString()).isEmpty();
        // its rows, restored moments before, not read again: no split copied, the counts its first restore's
        assertThat(restored.get("restoredAgain").get(0).get("splitsCopiedAsText").asInt()).isZero();
        assertThat(restored.get("snapshots").get(0).get("splitsCopiedAsText").asInt()).isPositive();
        assertThat(restored.get("restoredAgain").get(0).get("written").asLong()).isEqualTo(2);
        assertThat(LocalPostgres.query(DST, "select tgname from pg_trigger where tgrelid = 'auth.users'::regclass and not tgisinternal")).containsExactly("on_auth_user_created");
        String foreignKeys = "select conname || ' ' || pg_get_constraintdef(oid) from pg_constraint where conrelid = 'public.profiles'::regclass and contype = 'f'";
        assertThat(LocalPostgres.query(DST, foreignKeys)).hasSize(1).isEqualTo(LocalPostgres.query(SRC, foreignKeys));
        assertThat(LocalPostgres.query(DST, "select polname from pg_policy")).containsExactly("own");
        assertThat(LocalPostgres.count(DST, "auth.users")).isEqualTo(2);
        assertThat(LocalPostgres.count(DST, "public.profiles")).isEqualTo(2);

        // restored again over itself, nothing is missing: no second pass
        JsonNode over = repo.restoreLatest(LocalPostgres.location(DST), dir.resolve("state")).json();
        assertThat(over.get("restoredAgain")).isEmpty();
    }

    @Test
    void aDryRunOfTheSetForeseesNothingMissingThatTheSetBrings() throws Exception {
        JsonNode dry = repo.restoreLatest(LocalPostgres.location(DRY), dir.resolve("state"), "--dry-run").json();
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(dry.get("snapshots")).hasSize(2);
        for (JsonNode one : dry.get("snapshots")) {
            assertThat(CliRun.texts(one.get("warnings"))).noneMatch(w -> w.contains("which the target lacks, is named by"));
        }
        assertThat(LocalPostgres.query(DRY, "select nspname from pg_namespace where nspname = 'auth'")).isEmpty();
    }

    @Test
    void whatASetCannotTakeIsRefusedBeforeAnythingIsWritten() throws Exception {
        CliRun named = repo.restoreLatest(LocalPostgres.location(DRY) + "?schema=app", dir.resolve("state"));
        assertThat(named.exitCode()).as(named.toString()).isEqualTo(2);
        assertThat(named.err()).contains("were taken together, of schemas auth, public", "the target names one");
        CliRun part = repo.restoreLatest(LocalPostgres.location(DRY), dir.resolve("state"), "--only", "users");
        assertThat(part.err()).contains("--only and --where-key restore part of one snapshot", "give its id");

        CliRun misspelt = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC) + "?schema=auth,pubic", "--json", "--state", state()}, repo.args());
        assertThat(misspelt.exitCode()).as(misspelt.toString()).isEqualTo(4);
        assertThat(misspelt.err()).contains("has no schema \"pubic\", so a backup of it would hold nothing; its tables are in schemas \"auth\", \"public\", \"storage\"");
        CliRun listed = CliRun.of(new String[] {"snapshots", "--json"}, repo.args());
        assertThat(listed.out()).doesNotContain("pubic"); // nothing of the set stored: its schemas are checked before the first is read

        CliRun follow = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC) + "?schema=auth,public", "--follow-changes"}, repo.args());
        assertThat(follow.exitCode()).as(follow.toString()).isEqualTo(2);
        assertThat(follow.err()).contains("names 2 schemas", "--follow-changes");
        CliRun plan = CliRun.of("plan", LocalPostgres.location(SRC) + "?schema=auth,public", LocalPostgres.location(DRY), "-o", dir.resolve("plan.yaml").toString());
        assertThat(plan.exitCode()).as(plan.toString()).isNotZero();
        assertThat(plan.err()).contains("which only a backup reads");
        assertThat(LocalPostgres.query(DRY, "select nspname from pg_namespace where nspname = 'auth'")).isEmpty();
    }

    /**
     * A view over a view over a table, each in another schema, named in the worst order: the first
     * schema's view needs the second's, which needs the third's table. Restored together, the second
     * pass makes the second's, and a third pass the first's (one pass in the order taken left it out).
     */
    @Test
    void aChainOfViewsAcrossThreeSchemasIsMadeWhole() throws Exception {
        String chainSrc = SRC + "_chain", chainDst = DST + "_chain";
        LocalPostgres.recreate(chainSrc, chainDst);
        try {
            LocalPostgres.sql(chainSrc, "create schema a_s", "create schema b_s", "create schema c_s",
                    "create table c_s.t (id int primary key, v text)", "insert into c_s.t values (1, 'x')",
                    "create view b_s.vb as select id, v from c_s.t", "create view a_s.va as select id from b_s.vb");
            TestRepository chain = TestRepository.init(dir, "chain");
            CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(chainSrc) + "?schema=a_s,b_s,c_s", "--json", "--state", state()}, chain.args());
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            JsonNode restored = chain.restoreLatest(LocalPostgres.location(chainDst), dir.resolve("state")).json();
            assertThat(restored.get("restoredAgain")).hasSize(3); // a_s and b_s, then a_s once more
            assertThat(restored.get("restoredAgain").get(2).get("warnings")).as(restored.toString()).isEmpty();
            assertThat(LocalPostgres.query(chainDst, "select id from a_s.va")).containsExactly("1");
        } finally {
            LocalPostgres.drop(chainSrc, chainDst);
        }
    }

    /**
     * --delete of a set: a user only the target holds, whose profile refers to it, is kept by auth's
     * restore (the profile is there), the profile deleted by public's; auth's restored again deletes
     * the user, so one run leaves the target as the snapshots were, exit 0.
     */
    @Test
    void deleteOfASetTakesRowsThatALaterSchemasRowsReferredTo() throws Exception {
        String lived = DST + "_lived";
        LocalPostgres.recreate(lived);
        try {
            assertThat(repo.restoreLatest(LocalPostgres.location(lived), dir.resolve("state")).exitCode()).isZero();
            LocalPostgres.sql(lived, "insert into auth.users values (99, 'extra@x')"); // its trigger adds its profile
            assertThat(LocalPostgres.count(lived, "public.profiles")).isEqualTo(3);
            CliRun deleted = repo.restoreLatest(LocalPostgres.location(lived), dir.resolve("state"), "--delete");
            assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
            assertThat(LocalPostgres.query(lived, "select id from auth.users order by id")).containsExactly("1", "2");
            assertThat(LocalPostgres.query(lived, "select id from public.profiles order by id")).containsExactly("1", "2");
            for (JsonNode one : deleted.json().get("snapshots")) {
                assertThat(CliRun.texts(one.get("warnings"))).noneMatch(w -> w.contains("are left as they are"));
            }
        } finally {
            LocalPostgres.drop(lived);
        }
    }

    @Test
    void oneSnapshotOfTheSetRestoresAloneByItsIdAndTheSetByAnyOfItsIds() throws Exception {
        String publicId = first.get("snapshots").get(1).get("shortId").asText();
        JsonNode alone = CliRun.of(new String[] {"restore", publicId, LocalPostgres.location(DRY), "--dry-run", "--json", "--state", state()}, repo.args()).json();
        assertThat(alone.has("snapshots")).isFalse();
        assertThat(CliRun.texts(alone.get("warnings"))).anyMatch(w -> w.startsWith("snapshot " + publicId + " was taken together with snapshots of ")
                && w.endsWith("this restores its schema alone (`restore " + publicId + " --set` restores them all)"));
        JsonNode set = CliRun.of(new String[] {"restore", publicId, "--set", LocalPostgres.location(DRY), "--dry-run", "--json", "--state", state()}, repo.args()).json();
        assertThat(set.get("snapshots")).hasSize(2);
        assertThat(set.get("snapshots").get(1).get("snapshot").asText()).startsWith(publicId);
        JsonNode latestSet = repo.restoreLatest(LocalPostgres.location(DRY), dir.resolve("state"), "--set", "--dry-run").json();
        assertThat(latestSet.get("snapshots")).hasSize(2);

    }
}
