package cutover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup of one schema ({@code ?schema=sales}) restored into a database whose location names no
 * schema goes back into that schema, as it was, and says so; a target that names one is taken at its word.
 * A schema the target lacks is made, and said (a misspelt one would go unseen).
 */
class RestoreSchemaIT {
    private static final String SRC = "cutover_it_schema_src";
    private static final String DST = "cutover_it_schema_dst";

    @TempDir static Path dir;

    @BeforeAll
    static void databases() throws Exception {
        LocalPostgres.recreate(SRC, DST);
        LocalPostgres.sql(SRC, "create schema sales", "create table sales.orders (id int primary key, total numeric(10,2) not null)",
                "insert into sales.orders select g, g * 1.5 from generate_series(1, 500) g");
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        LocalPostgres.drop(SRC, DST);
    }

    @Test
    void aSchemasSnapshotGoesBackIntoItsSchemaUnlessTheTargetNamesAnother() throws Exception {
        String[] repoArgs = TestRepository.init(dir, "schema").args("--state", dir.resolve("state").toString());
        CliRun backup = CliRun.of(new String[] {"backup", LocalPostgres.location(SRC) + "?schema=sales"}, repoArgs);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();

        CliRun restore = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST), "--json"}, repoArgs);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        JsonNode summary = Json.MAPPER.readTree(restore.out());
        assertThat(summary.get("written").asLong()).isEqualTo(500);
        assertThat(summary.get("warnings").toString()).contains("schema=sales").contains("the schema snapshot")
                .contains("schema sales was not in the target: the restore made it"); // a new database: the restore made the schema
        assertThat(LocalPostgres.query(DST, "select count(*) || ' ' || sum(total) from sales.orders")).containsExactly("500 187875.00");
        assertThat(LocalPostgres.query(DST, "select count(*) from pg_tables where schemaname = 'public' and tablename = 'orders'")).containsExactly("0");

        CliRun named = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST) + "?schema=public", "--json"}, repoArgs);
        assertThat(named.exitCode()).as(named.toString()).isZero();
        assertThat(Json.MAPPER.readTree(named.out()).get("warnings").toString()).doesNotContain("the schema snapshot").doesNotContain("was not in the target");
        assertThat(LocalPostgres.query(DST, "select count(*) from public.orders")).containsExactly("500");

        // a misspelt schema is said, by the dry run too, not made unseen beside the one meant
        CliRun dry = CliRun.of(new String[] {"restore", "latest", LocalPostgres.location(DST) + "?schema=pubic", "--dry-run"}, repoArgs);
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.out() + dry.err()).contains("schema pubic was not in the target: the restore would make it (were another meant, check the target's ?schema=)");
        assertThat(LocalPostgres.query(DST, "select count(*) from pg_namespace where nspname = 'pubic'")).containsExactly("0");
    }
}
