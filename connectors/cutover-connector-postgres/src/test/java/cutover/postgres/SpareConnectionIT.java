package cutover.postgres;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link SpareConnection}: one connection kept for its next use, until its time is up or it is closed. */
class SpareConnectionIT {
    private static TestDatabase db;

    @BeforeAll
    static void create() { db = new TestDatabase(); }

    @AfterAll
    static void drop() { db.close(); }

    @Test
    void aConnectionIsTakenBackOnceAndASecondIsNotKeptBesideIt() throws Exception {
        SpareConnection spare = new SpareConnection(60);
        try (Connection first = db.jdbc(); Connection second = db.jdbc()) {
            assertThat(spare.keep(first)).isTrue();
            assertThat(spare.keep(second)).as("one is kept already").isFalse();
            assertThat(spare.take()).isSameAs(first);
            assertThat(spare.take()).isNull();
        }
    }

    @Test
    void aConnectionKeptPastItsTimeIsClosed() throws Exception {
        SpareConnection spare = new SpareConnection(1);
        Connection c = db.jdbc();
        assertThat(spare.keep(c)).isTrue();
        for (int wait = 0; wait < 100 && !c.isClosed(); wait++) Thread.sleep(50);
        assertThat(c.isClosed()).isTrue();
        assertThat(spare.take()).isNull();
    }

    @Test
    void aConnectionTakenBeforeItsTimeStaysOpen() throws Exception {
        SpareConnection spare = new SpareConnection(1);
        try (Connection c = db.jdbc()) {
            spare.keep(c);
            assertThat(spare.take()).isSameAs(c);
            Thread.sleep(1500);
            assertThat(c.isClosed()).isFalse();
        }
    }

    @Test
    void closingClosesTheConnectionKeptAndKeepsNoneAfter() throws Exception {
        SpareConnection spare = new SpareConnection(60);
        Connection kept = db.jdbc();
        spare.keep(kept);
        spare.close();
        assertThat(kept.isClosed()).isTrue();
        try (Connection later = db.jdbc()) {
            assertThat(spare.keep(later)).isFalse();
            assertThat(later.isClosed()).as("the caller closes what is not kept").isFalse();
        }
    }
}
