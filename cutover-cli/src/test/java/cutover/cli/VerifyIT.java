package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** `cutover verify` against the real PostgreSQL: differences injected by SQL must be named exactly, with the exit codes of diff(1). */
class VerifyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DB = "cutover_it_verify", A = "cutover_it_verify_a", B = "cutover_it_verify_b",
            C = "cutover_it_verify_c", D = "cutover_it_verify_d";

    @TempDir Path dir;

    @AfterAll
    static void dropDatabases() throws Exception {
        for (String db : List.of(DB, A, B, C, D)) LocalPostgres.drop(db);
    }

    @Test
    void firestoreExportThroughThePlanAgainstPostgres() throws Exception {
        Path export = dir.resolve("export.json"), plan = dir.resolve("plan.yaml"), state = dir.resolve("state");
        assertThat(CliRun.of("demo", "--generate-only", export.toString(), "--users", "120").exitCode()).isZero();
        LocalPostgres.recreate(DB);
        assertThat(CliRun.of("plan", "firestore-export:" + export, LocalPostgres.location(DB), "-o", plan.toString(), "--quiet").exitCode()).isZero();
        CliRun migrate = CliRun.of("migrate", plan.toString(), "--no-backup", "--verify", "--state", state.toString(), "--json");
        assertThat(migrate.exitCode()).as(migrate.toString()).isIn(0, 1); // the sample app holds records PostgreSQL refuses
        JsonNode migrated = JSON.readTree(migrate.out());
        assertThat(migrated.at("/verify/equal").asBoolean()).as(migrate.out()).isTrue();
        assertThat(migrated.at("/verify/refusedBySource").size() > 0).isEqualTo(migrated.at("/totals/deadLettered").asLong() > 0);

        try (Connection c = LocalPostgres.connect(DB); Statement st = c.createStatement()) {
            st.execute("update orders set status = status || '!' where id = (select min(id) from orders)");
            st.execute("delete from comments where (post_id, id) = (select post_id, id from comments order by post_id, id limit 1)");
            st.execute("insert into comments (post_id, id, author_id, text, created_time) "
                    + "select post_id, 'zz-extra', author_id, text, created_time from comments order by post_id, id limit 1");
            st.execute("update posts set created_time = created_time + interval '1 microsecond' where id = (select max(id) from posts)");
            st.execute("update users set settings = jsonb_set(settings, '{theme}', '\"sepia\"') where id = (select max(id) from users)");
        }
        CliRun verify = CliRun.of("verify", plan.toString(), "--json", "--state", state.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
        JsonNode result = JSON.readTree(verify.out());
        Map<String, String> found = new TreeMap<>();
        for (JsonNode d : result.get("differenceList")) {
            String what = d.get("kind").asText();
            if (d.has("fields")) {
                List<String> columns = new ArrayList<>();
                d.get("fields").forEach(f -> columns.add(f.get("column").asText()));
                what += " " + columns;
            }
            found.put(d.get("table").asText() + " " + d.get("key"), what);
        }
        assertThat(found.values()).containsExactlyInAnyOrder("changed [status]", "missing", "extra", "changed [created_time]", "changed [settings]");
        assertThat(found.keySet()).anyMatch(k -> k.startsWith("comments ") && k.contains("zz-extra"));
        assertThat(result.at("/summary/tables/orders/changed").asLong()).isEqualTo(1);
        assertThat(Files.readAllLines(Path.of(result.at("/summary/differencesFile").asText()))).hasSize(5);

        CliRun report = CliRun.of("report", "--state", state.toString());
        assertThat(report.out()).contains("| verify |").contains("differences");
    }

    @Test
    void postgresToPostgresThroughAPlanWithARenameIsComparedByDigests() throws Exception {
        LocalPostgres.recreate(C, D);
        try (Connection c = LocalPostgres.connect(C); Statement st = c.createStatement()) {
            // born may hold NULL though none does: the plan keeps it nullable, so digests still apply
            st.execute("create table customers (id integer primary key, full_name varchar(40) not null, born date, score double precision not null)");
            st.execute("insert into customers select g, 'name ' || g, date '1990-01-01' + g, g / 3.0 from generate_series(1, 3000) g");
        }
        String state = dir.resolve("s").toString();
        Path planFile = dir.resolve("plan.yaml");
        CliRun plan = CliRun.of("plan", LocalPostgres.location(C), LocalPostgres.location(D), "-o", planFile.toString(), "--quiet");
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(Files.readString(planFile)).contains("- name: born\n        from: born\n        type: date\n        nullable: true")
                .contains("- name: full_name\n        from: full_name\n        type: text\n        nullable: false");
        // the target names the column otherwise
        Files.writeString(planFile, Files.readString(planFile).replace("- name: full_name", "- name: name"));
        CliRun migrate = CliRun.of("migrate", planFile.toString(), "--no-backup", "--quiet", "--state", state);
        assertThat(migrate.exitCode()).as(migrate.toString()).isZero();

        CliRun equal = CliRun.of("verify", planFile.toString(), "--json", "--state", state);
        assertThat(equal.exitCode()).as(equal.toString()).isZero();
        assertThat(JSON.readTree(equal.out()).at("/summary/tables/customers/method").asText()).isEqualTo("pushdown");

        try (Connection c = LocalPostgres.connect(D); Statement st = c.createStatement()) {
            st.execute("update customers set name = 'Name 10' where id = 10");
            st.execute("update customers set score = 1e-300 where id = 20");
            st.execute("delete from customers where id = 2000");
        }
        for (String method : List.of("pushdown", "streamed")) {
            CliRun verify = CliRun.of("verify", planFile.toString(), "--method", method, "--json", "--state", state);
            assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
            JsonNode result = JSON.readTree(verify.out());
            assertThat(result.at("/summary/tables/customers/method").asText()).isEqualTo(method);
            Map<String, String> found = new TreeMap<>();
            for (JsonNode d : result.get("differenceList")) {
                found.put(d.get("key").get(0).asText(), d.get("kind").asText() + (d.has("fields") ? " " + d.get("fields").get(0).get("column").asText() : ""));
            }
            assertThat(found).as(method).containsExactlyInAnyOrderEntriesOf(Map.of("10", "changed name", "20", "changed score", "2000", "missing"));
        }

        // a transform needs the rows mapped by Cutover: auto streams them, and says why
        Files.writeString(planFile, Files.readString(planFile).replace("from: full_name", "from: full_name\n        transform: uppercase"));
        CliRun transformed = CliRun.of("verify", planFile.toString(), "--json", "--state", state);
        assertThat(JSON.readTree(transformed.out()).at("/summary/tables/customers/method").asText()).isEqualTo("streamed");
        assertThat(JSON.readTree(transformed.out()).at("/summary/streamedBecause").asText()).contains("transformed (uppercase)");
        CliRun told = CliRun.of("verify", planFile.toString(), "--state", state);
        assertThat(told.err()).contains("comparing by streaming the rows").contains("transformed (uppercase)");
        CliRun forced = CliRun.of("verify", planFile.toString(), "--method", "pushdown", "--state", state);
        assertThat(forced.exitCode()).isEqualTo(2);
        assertThat(forced.err()).contains("cannot compare by digests").contains("transformed (uppercase)");
    }

    @Test
    void postgresTablesAgainstPostgresTablesAsStored() throws Exception {
        for (String db : List.of(A, B)) {
            LocalPostgres.recreate(db);
            try (Connection c = LocalPostgres.connect(db); Statement st = c.createStatement()) {
                st.execute("create table orders (id bigint primary key, customer text not null, total numeric, placed timestamptz, paid boolean, note text)");
                st.execute("insert into orders select g, 'c' || (g % 97), g * 1.25, timestamptz '2024-01-01' + g * interval '1 minute', g % 2 = 0,"
                        + " case when g % 5 = 0 then null else 'n' || g end from generate_series(1, 5000) g");
                // text keys whose order differs between collations: case, trailing spaces, accents
                st.execute("create table tags (name text primary key, weight double precision)");
                st.execute("insert into tags values ('a', 1), ('A', 2), ('a ', 3), ('é', 4), ('e\u0301', 5), ('Z', 6), ('ä', 7)");
            }
        }
        assertThat(CliRun.of("verify", LocalPostgres.location(A), LocalPostgres.location(B), "--tables", "public.orders,tags",
                "--state", dir.resolve("s").toString()).exitCode()).isZero();

        try (Connection c = LocalPostgres.connect(B); Statement st = c.createStatement()) {
            st.execute("update orders set total = 12.5 where id = 10");       // 12.50 before (10 * 1.25): the same number, another scale
            st.execute("update orders set note = null where id = 11");
            st.execute("delete from orders where id = 4000");
            st.execute("update tags set weight = 4.000000000000001 where name = 'é'"); // one ulp above 4
            st.execute("insert into tags values ('a  ', 8)");
        }
        for (String method : List.of("pushdown", "streamed")) {
            CliRun verify = CliRun.of("verify", LocalPostgres.location(A), LocalPostgres.location(B), "--tables", "orders,tags",
                    "--method", method, "--json", "--state", dir.resolve("s").toString());
            assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
            JsonNode result = JSON.readTree(verify.out());
            assertThat(result.at("/summary/tables/orders/method").asText()).isEqualTo(method);
            Map<String, String> found = new TreeMap<>();
            for (JsonNode d : result.get("differenceList")) {
                found.put(d.get("table").asText() + " " + d.get("key").get(0).asText(), d.get("kind").asText()
                        + (d.has("fields") ? " " + d.get("fields").get(0).get("column").asText() : ""));
            }
            assertThat(found).as(method).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "orders 10", "changed total", "orders 11", "changed note", "orders 4000", "missing",
                    "tags é", "changed weight", "tags a  ", "extra"));
        }

        CliRun missingTable = CliRun.of("verify", LocalPostgres.location(A), LocalPostgres.location(B), "--tables", "invoices",
                "--state", dir.resolve("s").toString());
        assertThat(missingTable.exitCode()).isEqualTo(2);
        assertThat(missingTable.err()).contains("no table invoices");

        // compared whole, a table one side lacks is a difference (the others are still compared), not an error
        LocalPostgres.sql(A, "create table secrets (id int primary key, s text)", "insert into secrets values (1, 'x'), (2, 'y')");
        LocalPostgres.sql(B, "create table legacy (id int primary key)");
        CliRun whole = CliRun.of("verify", LocalPostgres.location(A), LocalPostgres.location(B), "--state", dir.resolve("s").toString());
        assertThat(whole.exitCode()).as(whole.toString()).isEqualTo(1);
        assertThat(whole.out()).contains("and 2 tables on one side only").contains("(5,008 rows compared") // secrets' 2 rows named, not compared.containsPattern("secrets +source +2 +target +0 +the table is not in the target")
                .containsPattern("legacy +source +0 +target +0 +the table is not in the source").containsPattern("orders +source +5,000 +target +4,999");
        CliRun wholeJson = CliRun.of("verify", LocalPostgres.location(A), LocalPostgres.location(B), "--json", "--state", dir.resolve("s").toString());
        assertThat(JSON.readTree(wholeJson.out()).at("/summary/tablesOnOneSide").toString()).isEqualTo("[\"secrets\",\"legacy\"]");
    }

    /** The two databases are opened at once: each side that cannot be reached is named, the source first when both cannot. */
    @Test
    void aSideThatCannotBeReachedIsNamed() throws Exception {
        LocalPostgres.recreate(A);
        String nobody = "postgresql://postgres@127.0.0.1:1/nobody"; // nothing listens on port 1
        String state = dir.resolve("unreachable").toString();
        CliRun sourceDown = CliRun.of("verify", nobody, LocalPostgres.location(A), "--state", state);
        assertThat(sourceDown.exitCode()).as(sourceDown.toString()).isEqualTo(2);
        assertThat(sourceDown.err()).contains("SOURCE_IO", "127.0.0.1:1").doesNotContain("\tat ");
        CliRun targetDown = CliRun.of("verify", LocalPostgres.location(A), nobody, "--state", state);
        assertThat(targetDown.exitCode()).as(targetDown.toString()).isEqualTo(2);
        assertThat(targetDown.err()).contains("TARGET_UNREACHABLE", "127.0.0.1:1").doesNotContain("\tat ");
        CliRun bothDown = CliRun.of("verify", nobody, "postgresql://postgres@127.0.0.1:2/nobody", "--state", state);
        assertThat(bothDown.exitCode()).as(bothDown.toString()).isEqualTo(2);
        assertThat(bothDown.err()).contains("SOURCE_IO", "127.0.0.1:1");
    }
}
