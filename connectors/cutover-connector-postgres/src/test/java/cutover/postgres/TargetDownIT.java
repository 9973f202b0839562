package cutover.postgres;

import cutover.connector.Connector;
import cutover.connector.Sink;
import cutover.connector.SinkWriter;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import cutover.model.Record;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The target drops the writer's connection in the middle of a batch (the server terminates its
 * backend): the write fails as retryable, nothing of the batch is committed, and the next write gets
 * a fresh connection from the pool and commits.
 */
class TargetDownIT {
    @Test
    void aConnectionKilledMidBatchCommitsNothingAndTheNextWriteReconnects() throws Exception {
        try (TestDatabase db = new TestDatabase(); Connector connector = db.open()) {
            Sink sink = TestDatabase.sink(connector);
            assertThat(sink.prepare("down", Fixtures.all("app"), true)).isEmpty();
            List<Record> batch = new ArrayList<>();
            for (int i = 0; i < 500; i++) batch.add(Fixtures.user("app", "u" + i, "user " + i, i));
            try (SinkWriter w = sink.writer("down", "split-1", Fixtures.all("app"));
                 Connection blocker = db.jdbc()) {
                // Hold the table so the write stops inside its transaction, after its COPY started.
                blocker.setAutoCommit(false);
                try (Statement s = blocker.createStatement()) {
                    s.execute("LOCK TABLE app.users IN ACCESS EXCLUSIVE MODE");
                }
                CompletableFuture<Void> write = CompletableFuture.runAsync(() -> w.write(batch, Fixtures.checkpoint(500, false)));
                int pid = waitForBlockedBackend(blocker, db.name);
                try (Statement s = blocker.createStatement()) {
                    s.execute("SELECT pg_terminate_backend(" + pid + ")");
                }
                blocker.rollback();

                ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> write.get(30, TimeUnit.SECONDS));
                assertThat(failed.getCause()).isInstanceOfSatisfying(CutoverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TARGET_UNREACHABLE);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).doesNotContain("secret-pw");
                });
                assertThat(db.one("SELECT count(*) FROM app.users")).isEqualTo("0");
                assertThat(sink.checkpoints("down")).isEmpty();

                w.write(batch, Fixtures.checkpoint(500, false));
            }
            assertThat(db.one("SELECT count(*) FROM app.users")).isEqualTo("500");
            assertThat(sink.checkpoints("down").get("split-1").position().ordinal()).isEqualTo(500);
        }
    }

    private static int waitForBlockedBackend(Connection c, String database) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = '" + database
                    + "' AND application_name = 'cutover' AND wait_event_type = 'Lock'")) {
                if (rs.next()) return rs.getInt(1);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the writer never waited on the lock");
    }
}
