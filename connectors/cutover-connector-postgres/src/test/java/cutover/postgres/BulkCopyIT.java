package cutover.postgres;

import cutover.connector.Connector;
import cutover.migrate.MigrateResult;
import cutover.migrate.Migration;
import cutover.plan.PlanFile;
import cutover.plan.PlanMapper;
import cutover.testing.ForwardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL to PostgreSQL through a plan that copies a table column for column: the splits go as
 * COPY text, as they are, and the target holds exactly what the record pipeline writes into a twin
 * target, row for row, in every column type the text path takes, the values at the edges included
 * (a numeric NaN, PostgreSQL's infinities); a table with a JSON column goes record by record.
 */
class BulkCopyIT {
    static final String PLAN = """
            version: 1
            source: postgresql://source
            target: postgresql://target
            entities:
              - source: simple
                table: simple
                key: [id]
                columns:
                  - {name: id, from: id, type: bigint}
                  - {name: small, from: small, type: bigint}
                  - {name: name, from: name, type: text}
                  - {name: code, from: code, type: text}
                  - {name: amount, from: amount, type: numeric}
                  - {name: ratio, from: ratio, type: double}
                  - {name: tiny, from: tiny, type: double}
                  - {name: flag, from: flag, type: boolean}
                  - {name: at, from: at, type: timestamptz}
                  - {name: local, from: local, type: timestamptz}
                  - {name: day, from: day, type: date}
                  - {name: raw, from: raw, type: bytes}
                  - {name: uid, from: uid, type: text}
              - source: documents
                table: documents
                key: [id]
                columns:
                  - {name: id, from: id, type: bigint}
                  - {name: doc, from: doc, type: jsonb}
            """;

    @TempDir Path dir;

    @Test
    void aTableCopiedColumnForColumnGoesAsTextAndLandsAsTheRecordsWould() {
        try (TestDatabase from = new TestDatabase(); TestDatabase bulk = new TestDatabase(); TestDatabase records = new TestDatabase()) {
            from.sql("CREATE TABLE simple (id bigint PRIMARY KEY, small smallint, name text, code varchar(8), amount numeric(12,3), "
                            + "ratio double precision, tiny real, flag boolean, at timestamptz, local timestamp, day date, raw bytea, uid uuid)",
                    "INSERT INTO simple SELECT g, (g % 30000)::smallint, CASE WHEN g % 11 = 0 THEN NULL ELSE E'name\\t' || g || E'\\n\\\\ é' END, "
                            + "'c' || (g % 100), g / 7.0, g / 3.0, (g / 9.0)::real, g % 2 = 0, "
                            + "timestamptz '2024-03-01 00:00:00+00' + g * interval '1.000001 seconds', timestamp '1999-12-31 23:00:00' + g * interval '1 hour', "
                            + "date '2000-01-01' + g, decode(lpad(to_hex(g), 8, '0'), 'hex'), md5(g::text)::uuid FROM generate_series(1, 4000) g",
                    "INSERT INTO simple (id, amount, ratio, tiny, at, local, day) VALUES (5000, 'NaN', 'Infinity', '-Infinity', 'infinity', '-infinity', 'infinity'), "
                            + "(5001, -0.0005, -0.0, 'NaN', '0044-03-15 12:00:00+00 BC', '1970-01-01 00:00:00', '0001-01-01 BC')",
                    "CREATE TABLE documents (id bigint PRIMARY KEY, doc jsonb)",
                    "INSERT INTO documents SELECT g, jsonb_build_object('n', g, 'x', 0.1) FROM generate_series(1, 300) g",
                    "ANALYZE");
            PlanMapper mapper = PlanMapper.of(PlanFile.parse(PLAN, "plan.yaml").plan());
            MigrateResult asText, asRecords;
            try (Connector source = from.open(Map.of("split-rows", "1000")); Connector one = bulk.open(); Connector two = records.open()) {
                asText = Migration.builder().source(TestDatabase.source(source)).sink(TestDatabase.sink(one)).mapper(mapper)
                        .runId("bulk").runDirectory(dir.resolve("bulk")).parallelism(2).build().run();
                asRecords = Migration.builder().source(TestDatabase.source(source)).sink(new ForwardingSink(TestDatabase.sink(two))) /* no COPY text side: record by record */.mapper(mapper)
                        .runId("records").runDirectory(dir.resolve("records")).parallelism(2).build().run();
            }
            assertThat(asText.splitsCopiedAsText()).as("the simple table's splits, not the one with JSON").isEqualTo(asText.splits() - 1).isPositive();
            assertThat(asRecords.splitsCopiedAsText()).isZero();
            assertThat(asText.totals()).isEqualTo(new MigrateResult.Totals(4302, 4302, 0, 0));
            // the record pipeline carries a numeric NaN and PostgreSQL's infinities back as they were read, as the text does
            assertThat(asRecords.totals()).isEqualTo(new MigrateResult.Totals(4302, 4302, 0, 0));
            String edge = "SELECT amount::text || ' ' || ratio::text || ' ' || tiny::text || ' ' || at::text || ' ' || local::text || ' ' || day::text "
                    + "FROM public.simple WHERE id = 5000";
            assertThat(bulk.one(edge)).isEqualTo(from.one(edge)).isEqualTo(records.one(edge)).isEqualTo("NaN Infinity -Infinity infinity -infinity infinity");
            for (String table : List.of("simple", "documents")) {
                String digest = "SELECT count(*) || ':' || md5(string_agg(t::text, '|' ORDER BY id)) FROM public." + table + " t";
                assertThat(bulk.one(digest)).as(table).isEqualTo(records.one(digest)).startsWith(table.equals("simple") ? "4002:" : "300:");
            }
        }
    }
}
