package cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus of the spine, end to end through the command line into the real PostgreSQL:
 * each kind of bad input gives a clear error that names the record and the reason, and no record
 * is lost: it is in the target, in the dead-letter file, or in an error the user sees.
 */
class BadInputIT {
    private static final String DB = "cutover_it_badinput";
    private static final String TARGET = LocalPostgres.location(DB);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @BeforeEach
    void freshDatabase() throws Exception {
        LocalPostgres.recreate(DB);
    }

    private Path export(String json) throws Exception {
        Path f = dir.resolve("export.json");
        Files.writeString(f, json);
        return f;
    }

    private CliRun planAndMigrate(Path export) throws Exception {
        return planAndMigrate(export, null);
    }

    /** Plans and migrates the export, with the plan's dead-letter limit set to {@code limit} when not null. */
    private CliRun planAndMigrate(Path export, String limit) throws Exception {
        Path plan = dir.resolve("plan.yaml");
        CliRun p = CliRun.of("plan", "firestore-export:" + export, TARGET, "-o", plan.toString(), "--quiet");
        assertThat(p.exitCode()).as(p.toString()).isZero();
        if (limit != null) Files.writeString(plan, Files.readString(plan).replaceFirst("deadLetterLimit: \"[^\"]*\"", "deadLetterLimit: \"" + limit + "\""));
        return CliRun.of("migrate", plan.toString(), "--no-backup", "--json", "--state", dir.resolve("state").toString());
    }

    private static List<JsonNode> deadLetters(CliRun run) throws Exception {
        JsonNode summary = JSON.readTree(run.out());
        Path file = Path.of(summary.get("details").get("deadLetterFile").asText());
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) return out;
        for (String line : Files.readAllLines(file)) out.add(JSON.readTree(line));
        return out;
    }

    /** The run finished with exit 1 and set exactly one record aside, with this code: that record's line. */
    private static JsonNode onlyDeadLetter(CliRun run, String code) throws Exception {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        List<JsonNode> dead = deadLetters(run);
        assertThat(dead).extracting(n -> n.get("code").asText()).containsExactly(code);
        return dead.get(0);
    }

    private static long count(String table) throws Exception {
        try (Connection c = LocalPostgres.connect(DB); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aSourceDatabaseThatDoesNotExistIsNamedAndNotCalledWorthRetrying() throws Exception {
        String missing = LocalPostgres.location("cutover_it_no_such_database");
        CliRun run = CliRun.of("analyze", missing, "--json");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.err()).contains("SOURCE_IO").contains("cutover_it_no_such_database").contains("no database of that name")
                .doesNotContain("may pass if tried again");
        assertThat(JSON.readTree(run.out()).get("error").get("retryable").asBoolean()).isFalse();

        CliRun down = CliRun.of("analyze", "postgresql://postgres@127.0.0.1:1/app", "--json"); // nothing listens on port 1
        assertThat(down.exitCode()).as(down.toString()).isEqualTo(4);
        assertThat(down.err()).contains("may pass if tried again").doesNotContain("committed work"); // analyze commits nothing
        assertThat(JSON.readTree(down.out()).get("error").get("retryable").asBoolean()).isTrue();
    }

    @Test
    void malformedJsonNamesTheFileLineAndColumn() throws Exception {
        Path f = export("{\"__collections__\": {\"users\": {\n  \"u1\": {\"name\": \"Ada\",}\n}}}");
        CliRun run = CliRun.of("analyze", "firestore-export:" + f, "--quiet", "--state", dir.resolve("state").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.err()).contains("SOURCE_PARSE_ERROR").contains("export.json").containsPattern("line:? ?2");
    }

    @Test
    void unknownValueMarkerSetsTheDocumentAsideAndTheRestMoves() throws Exception {
        Path f = export("{\"__collections__\": {\"users\": {"
                + "\"u1\": {\"name\": \"Ada\", \"born\": {\"__datatype__\": \"timestamp\", \"value\": {\"_seconds\": 0, \"_nanoseconds\": 5}}},"
                + "\"u2\": {\"name\": \"Bob\", \"born\": {\"__datatype__\": \"vectorOfDoom\", \"value\": [1, 2]}},"
                + "\"u3\": {\"name\": \"Cy\"}}}}");
        JsonNode dead = onlyDeadLetter(planAndMigrate(f), "RECORD_UNKNOWN_MARKER");
        assertThat(dead.get("key").asText()).isEqualTo("u2");
        assertThat(dead.get("reason").asText()).contains("vectorOfDoom");
        assertThat(count("users")).isEqualTo(2);
    }

    /** A number past a double's range (JSON has none; Firestore's numbers are doubles) is set aside, not turned into Infinity. */
    @Test
    void aNumberBeyondADoublesRangeIsSetAsideNotMadeInfinite() throws Exception {
        Path f = export("{\"__collections__\": {\"users\": {"
                + "\"u1\": {\"name\": \"Ada\", \"score\": 1.5},"
                + "\"u2\": {\"name\": \"Bob\", \"score\": 1e400}}}}");
        JsonNode dead = onlyDeadLetter(planAndMigrate(f), "RECORD_VALUE_OUT_OF_RANGE");
        assertThat(dead.get("key").asText()).isEqualTo("u2");
        assertThat(dead.get("reason").asText()).contains("1e400");
        assertThat(count("users")).isEqualTo(1);
    }

    /**
     * A backup keeps no record it cannot decode (the snapshot counts it): it lists it with its text
     * and why in a dead-letter file and exits 1, as a migration does; it exited 0 with a warning, and
     * the document was nowhere.
     */
    @Test
    void aDocumentABackupCannotDecodeIsSetAsideWithItsText() throws Exception {
        Path f = export("{\"__collections__\": {\"users\": {"
                + "\"u1\": {\"name\": \"Ada\"},"
                + "\"u2\": {\"name\": \"Bob\", \"born\": {\"__datatype__\": \"vectorOfDoom\", \"value\": [1, 2]}}}}}");
        String[] repo = TestRepository.init(dir, "undecodable").args();
        CliRun backup = CliRun.of(new String[] {"backup", "firestore-export:" + f, "--state", dir.resolve("state").toString(), "--json"}, repo);
        assertThat(backup.exitCode()).as(backup.toString()).isEqualTo(1);
        JsonNode out = JSON.readTree(backup.out());
        assertThat(out.get("deadLettered").asLong()).isEqualTo(1);
        // in the state folder's runs, not under backups/, migrate's default repository, which must be a folder of its own
        assertThat(Path.of(out.get("deadLetterFile").asText())).startsWith(dir.resolve("state").resolve("runs"));
        List<String> lines = Files.readAllLines(Path.of(out.get("deadLetterFile").asText()));
        assertThat(lines).hasSize(1);
        JsonNode dead = JSON.readTree(lines.get(0));
        assertThat(dead.get("key").asText()).isEqualTo("u2");
        assertThat(dead.get("code").asText()).isEqualTo("RECORD_UNKNOWN_MARKER");
        assertThat(dead.toString()).contains("vectorOfDoom").contains("Bob");
    }

    @Test
    void rowsATableOfTheTargetRefusesAreSetAsideOneByOneWithTheServersReason() throws Exception {
        // the application's own table: a CHECK, a UNIQUE and a trigger the plan knows nothing of
        try (Connection c = LocalPostgres.connect(DB); Statement st = c.createStatement()) {
            // the UNIQUE is checked at commit (deferred); the trigger refuses by RAISE, by ASSERT, and by a code of its own (as PostgREST's)
            st.execute("CREATE TABLE users (id text PRIMARY KEY, name text, age bigint CHECK (age >= 0),"
                    + " CONSTRAINT users_name_key UNIQUE (name) DEFERRABLE INITIALLY DEFERRED)");
            st.execute("CREATE FUNCTION no_mallory() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF NEW.name = 'Mallory' THEN RAISE EXCEPTION 'Mallory may not sign up'; END IF;"
                    + " ASSERT NEW.name <> 'Trudy', 'Trudy is not allowed';"
                    + " IF NEW.name = 'Eve' THEN RAISE SQLSTATE 'PT403' USING MESSAGE = 'Eve is forbidden'; END IF; RETURN NEW; END $$");
            st.execute("CREATE TRIGGER no_mallory BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION no_mallory()");
        }
        StringBuilder json = new StringBuilder("{\"__collections__\": {\"users\": {");
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String name = i == 17 ? "Mallory" : i == 23 ? "Trudy" : i == 31 ? "Eve" : i % 50 == 49 ? "name0" : "name" + i; // the first "name0" is u0's
            long age = i % 37 == 5 ? -i : i;
            if (i == 17 || i == 23 || i == 31 || i % 50 == 49 || age < 0) refused.add("u" + i);
            json.append(i == 0 ? "" : ",").append("\"u").append(i).append("\": {\"name\": \"").append(name).append("\", \"age\": ").append(age).append('}');
        }
        Path f = export(json.append("}}}").toString());
        CliRun run = planAndMigrate(f, "none");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        List<JsonNode> dead = deadLetters(run);
        assertThat(dead).extracting(n -> n.get("key").asText()).containsExactlyInAnyOrderElementsOf(refused);
        assertThat(dead).extracting(n -> n.get("code").asText()).containsOnly("RECORD_REJECTED_BY_TARGET");
        assertThat(dead).filteredOn(n -> n.get("key").asText().equals("u5")).singleElement()
                .satisfies(n -> assertThat(n.get("reason").asText()).contains("users_age_check").contains("23514"));
        assertThat(dead).filteredOn(n -> n.get("key").asText().equals("u49")).singleElement()
                .satisfies(n -> assertThat(n.get("reason").asText()).contains("users_name_key").contains("(name)=(name0)"));
        assertThat(dead).filteredOn(n -> n.get("key").asText().equals("u17")).singleElement()
                .satisfies(n -> assertThat(n.get("reason").asText()).contains("Mallory may not sign up").contains("P0001"));
        assertThat(dead).filteredOn(n -> n.get("key").asText().equals("u23")).singleElement()
                .satisfies(n -> assertThat(n.get("reason").asText()).contains("Trudy is not allowed").contains("P0004"));
        assertThat(dead).filteredOn(n -> n.get("key").asText().equals("u31")).singleElement()
                .satisfies(n -> assertThat(n.get("reason").asText()).contains("Eve is forbidden").contains("PT403"));
        assertThat(count("users")).isEqualTo(300 - refused.size());
        JsonNode totals = JSON.readTree(run.out()).get("details");
        assertThat(totals.get("written").asLong()).isEqualTo(300 - refused.size());
        assertThat(totals.get("deadLettered").asLong()).isEqualTo(refused.size());

        // verify counts them refused, as the run's dead-letter file says, not missing
        CliRun verify = CliRun.of("verify", dir.resolve("plan.yaml").toString(), "--json", "--state", dir.resolve("state").toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        JsonNode summary = JSON.readTree(verify.out()).get("summary");
        assertThat(summary.get("equal").asBoolean()).isTrue();
        assertThat(summary.get("refusedBySource").get("users").asLong()).isEqualTo(refused.size());
        // the plan's verify rules edited since: the run that wrote the target is found by the journal
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, Files.readString(plan).replace("floatDigits: 0", "floatDigits: 15") + "# edited after the migration\n");
        CliRun edited = CliRun.of("verify", plan.toString(), "--json", "--state", dir.resolve("state").toString());
        assertThat(edited.exitCode()).as(edited.toString()).isZero();
        assertThat(JSON.readTree(edited.out()).get("summary").get("refusedBySource").get("users").asLong()).isEqualTo(refused.size());
    }

    /** A folder of exports holding one document twice (two files, two exports): the second copy is set aside, not merged into the first. */
    @Test
    void aDocumentInTwoFilesOfAFolderIsSetAsideNotMerged() throws Exception {
        Path folder = dir.resolve("exports");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("a.json"), "{\"__collections__\": {\"users\": {\"u1\": {\"name\": \"fileA\","
                + " \"__collections__\": {\"posts\": {\"p1\": {\"title\": \"a\"}}}}, \"u2\": {\"name\": \"two\"}}}}");
        Files.writeString(folder.resolve("b.json"), "{\"__collections__\": {\"users\": {\"u1\": {\"name\": \"fileB\","
                + " \"__collections__\": {\"posts\": {\"p1\": {\"title\": \"b\"}, \"p2\": {\"title\": \"b2\"}}}}}}}");
        Path plan = dir.resolve("plan.yaml");
        CliRun p = CliRun.of("plan", "firestore-export:" + folder, TARGET, "-o", plan.toString(), "--quiet");
        assertThat(p.exitCode()).as(p.toString()).isZero();
        Files.writeString(plan, Files.readString(plan).replaceFirst("deadLetterLimit: \"[^\"]*\"", "deadLetterLimit: \"none\""));
        CliRun run = CliRun.of("migrate", plan.toString(), "--no-backup", "--json", "--parallel", "1", "--state", dir.resolve("state").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        List<JsonNode> dead = deadLetters(run);
        assertThat(dead).extracting(n -> n.get("entity").asText() + " " + n.get("key").asText() + " " + n.get("code").asText())
                .containsExactlyInAnyOrder("users u1 RECORD_DUPLICATE_KEY", "users/*/posts u1/p1 RECORD_DUPLICATE_KEY");
        assertThat(count("users")).isEqualTo(2);
        assertThat(count("posts")).isEqualTo(2); // a's p1, and b's p2 (no copy of it in a)
        JsonNode totals = JSON.readTree(run.out()).get("details");
        assertThat(totals.get("read").asLong()).isEqualTo(totals.get("written").asLong() + 2);
        try (Connection c = LocalPostgres.connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select name from users where id = 'u1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("fileA"); // the first file's, read first
        }
    }

    /**
     * A SQLite table keyed by a column of no fixed kind (1 and '1') or by decimal text ('1.5' and
     * '1.50'), which the plan makes one text or numeric: the second of each is set aside, not merged.
     */
    @Test
    void aSqliteKeyThatTheTargetMakesOneIsSetAsideNotMerged() throws Exception {
        Path db = dir.resolve("source.db");
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("create table mixed (k PRIMARY KEY, v text)");
            st.execute("insert into mixed values (1, 'int'), ('1', 'text'), (2, 'two')");
            st.execute("create table prices (amount DECIMAL TEXT NOT NULL PRIMARY KEY, label text)");
            st.execute("insert into prices values ('1.5', 'a'), ('1.50', 'b'), ('2', 'c')");
        }
        Path plan = dir.resolve("plan.yaml");
        CliRun p = CliRun.of("plan", "sqlite:" + db, TARGET, "-o", plan.toString(), "--quiet");
        assertThat(p.exitCode()).as(p.toString()).isZero();
        Files.writeString(plan, Files.readString(plan).replaceFirst("deadLetterLimit: \"[^\"]*\"", "deadLetterLimit: \"none\""));
        CliRun run = CliRun.of("migrate", plan.toString(), "--no-backup", "--json", "--state", dir.resolve("state").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        List<JsonNode> dead = deadLetters(run);
        assertThat(dead).hasSize(2).allSatisfy(n -> assertThat(n.get("code").asText()).isEqualTo("RECORD_DUPLICATE_KEY"));
        assertThat(dead).extracting(n -> n.get("entity").asText()).containsExactlyInAnyOrder("mixed", "prices");
        assertThat(count("mixed")).isEqualTo(2);
        assertThat(count("prices")).isEqualTo(2);
    }

    /** An array migrated as a child table, shorter when migrated again: its elements past the new end go (they stayed). */
    @Test
    void anArrayThatShrankLeavesNoElementsBehindWhenMigratedAgain() throws Exception {
        for (String target : List.of(TARGET, "sqlite:" + dir.resolve("arrays.db"))) {
            Path f = export("{\"__collections__\": {\"users\": {\"u1\": {\"tags\": [\"a\", \"b\", \"c\"]}, \"u2\": {\"tags\": [\"x\", \"y\"]}}}}");
            Path plan = dir.resolve("arrays.yaml");
            CliRun p = CliRun.of("plan", "firestore-export:" + f, target, "-o", plan.toString(), "--quiet", "--force");
            assertThat(p.exitCode()).as(p.toString()).isZero();
            Files.writeString(plan, Files.readString(plan).replace("        type: jsonb\n", "        type: text\n        arrays: child_table\n"));
            assertThat(Files.readString(plan)).contains("arrays: child_table");
            String state = dir.resolve("state-" + target.hashCode()).toString();
            CliRun first = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", state);
            assertThat(first.exitCode()).as(first.toString()).isZero();
            export("{\"__collections__\": {\"users\": {\"u1\": {\"tags\": [\"a\"]}, \"u2\": {\"tags\": []}}}}");
            CliRun again = CliRun.of("migrate", plan.toString(), "--no-backup", "--restart", "--state", state);
            assertThat(again.exitCode()).as(again.toString()).isZero();
            List<String> elements = new ArrayList<>();
            String url = target.startsWith("sqlite:") ? "jdbc:sqlite:" + dir.resolve("arrays.db") : null;
            try (Connection c = url != null ? java.sql.DriverManager.getConnection(url) : LocalPostgres.connect(DB); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select user_id || ':' || value from users_tags order by 1")) {
                while (rs.next()) elements.add(rs.getString(1));
            }
            assertThat(elements).as(target).containsExactly("u1:a");
            CliRun verify = CliRun.of("verify", plan.toString(), "--state", state);
            assertThat(verify.exitCode()).as(verify.toString()).isZero();
        }
    }

    /** A row a row-level security policy refuses (the role Cutover writes as is no owner) is set aside with the policy's message. */
    @Test
    void rowsARowLevelSecurityPolicyRefusesAreSetAside() throws Exception {
        String role = "cutover_it_rls_writer";
        try (Connection c = LocalPostgres.connect(DB); Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN CREATE ROLE " + role + " LOGIN; END IF; END $$");
            st.execute("GRANT CREATE ON DATABASE " + DB + " TO " + role);
            st.execute("GRANT USAGE ON SCHEMA public TO " + role);
            st.execute("CREATE TABLE users (id text PRIMARY KEY, name text, age bigint)");
            st.execute("ALTER TABLE users ENABLE ROW LEVEL SECURITY");
            st.execute("CREATE POLICY adults ON users USING (true) WITH CHECK (age >= 18)");
            st.execute("GRANT SELECT, INSERT, UPDATE ON users TO " + role);
        }
        try {
            Path f = export("{\"__collections__\": {\"users\": {\"u1\": {\"name\": \"Ada\", \"age\": 36},"
                    + " \"u2\": {\"name\": \"Kid\", \"age\": 9}, \"u3\": {\"name\": \"Bob\", \"age\": 40}}}}");
            Path plan = dir.resolve("plan.yaml");
            String asWriter = TARGET.replace("postgres@", role + "@");
            assertThat(asWriter).contains(role + "@");
            CliRun p = CliRun.of("plan", "firestore-export:" + f, asWriter, "-o", plan.toString(), "--quiet");
            assertThat(p.exitCode()).as(p.toString()).isZero();
            Files.writeString(plan, Files.readString(plan).replaceFirst("deadLetterLimit: \"[^\"]*\"", "deadLetterLimit: \"none\""));
            CliRun run = CliRun.of("migrate", plan.toString(), "--no-backup", "--json", "--state", dir.resolve("state").toString());
            JsonNode dead = onlyDeadLetter(run, "RECORD_REJECTED_BY_TARGET");
            assertThat(dead.get("key").asText()).isEqualTo("u2");
            assertThat(dead.get("reason").asText()).contains("row-level security policy").contains("42501");
            assertThat(count("users")).isEqualTo(2);

            // policies for INSERT only: the upsert needs SELECT and UPDATE too, so every row is refused: the policies' fault, said so
            try (Connection c = LocalPostgres.connect(DB); Statement st = c.createStatement()) {
                st.execute("DROP POLICY adults ON users");
                st.execute("CREATE POLICY adults ON users FOR INSERT WITH CHECK (age >= 18)");
                st.execute("TRUNCATE users");
            }
            CliRun again = CliRun.of("migrate", plan.toString(), "--no-backup", "--restart", "--json", "--state", dir.resolve("state").toString());
            assertThat(again.exitCode()).as(again.toString()).isEqualTo(5);
            assertThat(again.err()).contains("row-level security refuses every row").contains("INSERT, SELECT and UPDATE");
            assertThat(count("users")).isZero();
        } finally {
            try (Connection c = LocalPostgres.connect(DB); Statement st = c.createStatement()) {
                st.execute("DROP OWNED BY " + role);
            }
        }
    }

    @Test
    void planCheckSaysWhatTheTargetsExistingTableLacksAsMigrateWould() throws Exception {
        Path f = export("{\"__collections__\": {\"users\": {\"u1\": {\"name\": \"Ada\", \"age\": 36}}}}");
        Path plan = dir.resolve("plan.yaml");
        CliRun p = CliRun.of("plan", "firestore-export:" + f, TARGET, "-o", plan.toString(), "--quiet");
        assertThat(p.exitCode()).as(p.toString()).isZero();
        try (Connection c = LocalPostgres.connect(DB); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE users (id text PRIMARY KEY, name text, age bigint, tenant text NOT NULL)"); // the application's own column
        }
        CliRun check = CliRun.of("plan", "check", plan.toString());
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(3);
        assertThat(check.out()).contains("plan.yaml:").contains("the target is not ready for the plan").contains("tenant").contains("NOT NULL");
        assertThat(count("users")).as("checking writes nothing").isZero();
        CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--state", dir.resolve("state").toString());
        assertThat(migrate.exitCode()).as("migrate refuses it the same way: " + migrate).isEqualTo(5);
        assertThat(migrate.err()).contains("tenant");
    }

    @Test
    void nulInTextIsSetAsideForPostgresWithItsField() throws Exception {
        Path f = export("{\"__collections__\": {\"users\": {"
                + "\"u1\": {\"name\": \"Ada\\u0000Lovelace\"}, \"u2\": {\"name\": \"Grace\"}}}}");
        JsonNode dead = onlyDeadLetter(planAndMigrate(f), "RECORD_INVALID_TEXT");
        assertThat(dead.get("field").asText()).isEqualTo("name");
        assertThat(count("users")).isEqualTo(1);
    }

    @Test
    void invalidUtf8InTheFileNamesTheFileLineAndColumn() throws Exception {
        Path f = dir.resolve("export.json");
        byte[] head = "{\"__collections__\": {\"users\": {\n\"u1\": {\"name\": \"Bad ".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] tail = " byte\"}}}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.write(head);
        bytes.write(new byte[] {(byte) 0xc3, 0x28});
        bytes.write(tail);
        Files.write(f, bytes.toByteArray());
        CliRun run = CliRun.of("analyze", "firestore-export:" + f, "--quiet", "--state", dir.resolve("state").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.err()).contains("SOURCE_PARSE_ERROR").contains("export.json").contains("line 2").contains("UTF-8");
    }

    @Test
    void loneSurrogateInTextIsSetAsideForPostgres() throws Exception {
        Path f = export("{\"__collections__\": {\"users\": {"
                + "\"u1\": {\"name\": \"half \\ud800 a pair\"}, \"u2\": {\"name\": \"Grace\"}}}}");
        JsonNode dead = onlyDeadLetter(planAndMigrate(f), "RECORD_INVALID_TEXT");
        assertThat(dead.get("key").asText()).isEqualTo("u1");
        assertThat(count("users")).isEqualTo(1);
    }

    @Test
    void duplicateDocumentIdIsSetAside() throws Exception {
        Path f = export("{\"__collections__\": {\"users\": {"
                + "\"u1\": {\"name\": \"Ada\"}, \"u1\": {\"name\": \"Ada again\"}, \"u2\": {\"name\": \"Bob\"}}}}");
        onlyDeadLetter(planAndMigrate(f), "RECORD_DUPLICATE_KEY");
        assertThat(count("users")).isEqualTo(2);
    }

    /**
     * A plan keyed by a lowercased email maps A@x.com and a@X.com onto one row: the first keeps it, the
     * others (in its batch, in a later batch, and after a stopped run resumed) are set aside saying
     * whose key it is, instead of overwriting it; verify counts them as set aside, not as missing.
     */
    @Test
    void recordsThePlanMapsOntoOneKeyAreSetAsideNotMerged() throws Exception {
        StringBuilder json = new StringBuilder("{\"__collections__\": {\"users\": {");
        for (int i = 0; i < 60; i++) {
            String email = i == 5 ? "A@x.com" : i == 7 ? "a@X.com" : i == 50 ? "A@X.COM" : "user" + i + "@x.com";
            json.append(i == 0 ? "" : ",").append("\"u").append(i).append("\": {\"email\": \"").append(email).append("\", \"name\": \"n").append(i).append("\"}");
        }
        Path f = export(json.append("}}}").toString());
        Path plan = dir.resolve("plan.yaml");
        CliRun p = CliRun.of("plan", "firestore-export:" + f, TARGET, "-o", plan.toString(), "--quiet");
        assertThat(p.exitCode()).as(p.toString()).isZero();
        Files.writeString(plan, Files.readString(plan).replace("key: [id]", "key: [email]")
                .replace("        from: email\n", "        from: email\n        transform: lowercase\n"));
        assertThat(Files.readString(plan)).contains("transform: lowercase");

        CliRun run = CliRun.of("migrate", plan.toString(), "--no-backup", "--json", "--batch-size", "10", "--state", dir.resolve("state").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        List<JsonNode> dead = deadLetters(run);
        assertThat(dead).extracting(n -> n.get("key").asText()).containsExactly("u7", "u50");
        assertThat(dead).allSatisfy(n -> assertThat(n.get("code").asText()).isEqualTo("RECORD_DUPLICATE_KEY"));
        assertThat(dead.get(0).get("reason").asText()).contains("onto key (a@x.com) of table users, as it does users u5 (export.json), read before it");
        assertThat(dead.get(1).get("reason").asText()).contains("as it does users u5 (export.json), which this run wrote first");
        try (Connection c = LocalPostgres.connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select name from users where email = 'a@x.com'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("n5");
        }
        assertThat(count("users")).isEqualTo(58);
        assertThat(count("cutover.key_claims")).isZero(); // forgotten once every record is in or set aside

        CliRun verify = CliRun.of("verify", plan.toString(), "--json", "--state", dir.resolve("state").toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(JSON.readTree(verify.out()).get("summary").get("refusedBySource").get("users").asLong()).isEqualTo(2);
    }

    @Test
    void referenceToAMissingDocumentIsKeptAndReported() throws Exception {
        Path f = export("{\"__collections__\": {"
                + "\"users\": {\"u1\": {\"name\": \"Ada\"}},"
                + "\"orders\": {\"o1\": {\"user\": {\"__datatype__\": \"documentReference\", \"value\": \"users/u1\"}},"
                + "             \"o2\": {\"user\": {\"__datatype__\": \"documentReference\", \"value\": \"users/gone\"}}}}}");
        CliRun analyze = CliRun.of("analyze", "firestore-export:" + f, "--json", "--state", dir.resolve("state").toString());
        assertThat(analyze.exitCode()).as(analyze.toString()).isZero();
        assertThat(analyze.out()).contains("\"dangling\" : 1");
        CliRun run = planAndMigrate(f);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(count("orders")).isEqualTo(2);
        assertThat(JSON.readTree(run.out()).get("warnings").toString()).contains("orders");
    }

    @Test
    void numberTooLargeForItsColumnIsSetAside() throws Exception {
        Path f = export("{\"__collections__\": {\"items\": {"
                + "\"i1\": {\"qty\": 5}, \"i2\": {\"qty\": 7}}}}");
        Path plan = dir.resolve("plan.yaml");
        assertThat(CliRun.of("plan", "firestore-export:" + f, TARGET, "-o", plan.toString(), "--quiet").exitCode()).isZero();
        // the export grows after the plan was made: one quantity no longer fits a bigint
        Files.writeString(f, "{\"__collections__\": {\"items\": {"
                + "\"i1\": {\"qty\": 5}, \"i2\": {\"qty\": 123456789012345678901234567890}}}}");
        CliRun run = CliRun.of("migrate", plan.toString(), "--no-backup", "--json", "--state", dir.resolve("state").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        List<JsonNode> dead = deadLetters(run);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).get("key").asText()).isEqualTo("i2");
        assertThat(dead.get(0).get("field").asText()).isEqualTo("qty");
        assertThat(count("items")).isEqualTo(1);
    }

    @Test
    void planNamingAFieldThatDoesNotExistIsExplainedWithItsLine() throws Exception {
        Path f = export("{\"__collections__\": {\"users\": {\"u1\": {\"name\": \"Ada\"}}}}");
        Path plan = dir.resolve("plan.yaml");
        assertThat(CliRun.of("plan", "firestore-export:" + f, TARGET, "-o", plan.toString(), "--quiet").exitCode()).isZero();
        List<String> lines = new ArrayList<>(Files.readAllLines(plan));
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("\\s*from:\\s*\"?name\"?\\s*")) at = i;
        }
        assertThat(at).as("the plan maps the field name:\n" + String.join("\n", lines)).isNotNegative();
        lines.set(at, lines.get(at).replace("name", "nmae"));
        Files.write(plan, lines);
        CliRun run = CliRun.of("plan", "check", plan.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.out()).contains("plan.yaml:" + (at + 1) + ":").contains("nmae");
    }
}
