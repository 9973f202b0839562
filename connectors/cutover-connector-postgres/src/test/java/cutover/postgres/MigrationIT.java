package cutover.postgres;

import cutover.connector.Connector;
import cutover.error.ErrorCode;
import cutover.error.RecordError;
import cutover.migrate.MigrateResult;
import cutover.migrate.Migration;
import cutover.migrate.Retry;
import cutover.migrate.RowMapper;
import cutover.model.Column;
import cutover.model.ColumnType;
import cutover.model.EntityName;
import cutover.model.Record;
import cutover.model.Table;
import cutover.model.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL to PostgreSQL through the real pipeline, split in parallel, while the target's server
 * kills every writer connection twice mid-run: the run retries, resumes from the committed
 * checkpoints and ends with exactly the source's rows (a control character included), the row the plan
 * rejects in the dead-letter file.
 */
class MigrationIT {
    static final Table ORDERS = new Table("orders", List.of(new Column("id", ColumnType.BIGINT, false), new Column("customer", ColumnType.TEXT, true),
            new Column("total", ColumnType.NUMERIC, true), new Column("placed", ColumnType.TIMESTAMPTZ, true), new Column("lines", ColumnType.JSON, true)),
            List.of("id"), List.of(), true);

    static final RowMapper COPY = new RowMapper() {
        @Override public List<Table> tables() { return List.of(ORDERS); }

        @Override
        public Mapped map(Record r) {
            Map<String, Value> f = new LinkedHashMap<>(r.fields());
            if (((Value.Int64) f.get("id")).value() % 1000 == 999) return new Skipped("every 1000th left out by the plan");
            if (f.get("customer") instanceof Value.Text t && t.value().isEmpty()) {
                return new Failed(RecordError.of(ErrorCode.RECORD_TRANSFORM_FAILED, "customer", "empty customer"));
            }
            return new Rows(List.of(new Record(EntityName.of("orders"), r.key(), f)));
        }
    };

    @TempDir Path dir;

    @Test
    void migratesExactlyWhileTheTargetDropsConnections() throws Exception {
        try (TestDatabase from = new TestDatabase(); TestDatabase to = new TestDatabase()) {
            from.sql("CREATE TABLE orders (id bigint PRIMARY KEY, customer text, total numeric(12,2), placed timestamptz, lines jsonb)",
                    "INSERT INTO orders SELECT g, CASE WHEN g = 4242 THEN '' ELSE 'c' || (g % 97) END, g * 0.01, "
                            + "timestamptz '2023-01-01 00:00:00+00' + g * interval '1 minute', jsonb_build_array(jsonb_build_object('sku', g % 13, 'q', 1)) "
                            + "FROM generate_series(1, 20000) g",
                    "UPDATE orders SET customer = 'nul' || chr(1) WHERE id = 7", "ANALYZE orders");
            try (Connector source = from.open(Map.of("split-rows", "3000")); Connector target = to.open(Map.of("pool-size", "6"))) {
                AtomicInteger killed = new AtomicInteger();
                CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> killWritersTwice(to, killed));
                MigrateResult result = Migration.builder().source(TestDatabase.source(source)).sink(TestDatabase.sink(target)).mapper(COPY)
                        .runId("m1").runDirectory(dir).parallelism(4).batchSize(250)
                        .retry(new Retry(20, Duration.ofMillis(50), Duration.ofMillis(500))).build().run();
                killer.get();
                assertThat(killed.get()).as("writer backends terminated").isPositive();
                assertThat(result.totals().read()).isEqualTo(20000);
                assertThat(result.totals().skipped()).isEqualTo(20);
                assertThat(result.totals().deadLettered()).isEqualTo(1);
                assertThat(result.totals().written()).isEqualTo(20000 - 20 - 1);
            }
            assertThat(to.one("SELECT count(*) FROM public.orders")).isEqualTo("19979");
            String expected = from.one("SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM orders t WHERE id % 1000 <> 999 AND id <> 4242");
            assertThat(to.one("SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM orders t")).isEqualTo(expected);
            assertThat(to.one("SELECT relrowsecurity::text FROM pg_class WHERE oid = 'public.orders'::regclass")).isEqualTo("true");
            assertThat(Files.readString(dir.resolve("dead-letter.ndjson"))).contains("4242").contains("RECORD_TRANSFORM_FAILED");
        }
    }

    private static void killWritersTwice(TestDatabase target, AtomicInteger killed) {
        try (Connection c = target.jdbc(); Statement s = c.createStatement()) {
            for (int round = 0; round < 2; round++) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    var rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cutover' "
                            + "AND state = 'active' AND pid <> pg_backend_pid()");
                    rs.next();
                    if (rs.getInt(1) > 0 && tableHasRows(s)) break;
                    Thread.sleep(5);
                }
                var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND application_name = 'cutover' AND pid <> pg_backend_pid()");
                rs.next();
                killed.addAndGet(rs.getInt(1));
                Thread.sleep(300);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean tableHasRows(Statement s) throws java.sql.SQLException {
        var rs = s.executeQuery("SELECT to_regclass('cutover.checkpoints') IS NOT NULL");
        rs.next();
        if (!rs.getBoolean(1)) return false;
        rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM cutover.checkpoints)");
        rs.next();
        return rs.getBoolean(1);
    }
}
