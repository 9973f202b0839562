package cutover.postgres;

import cutover.connector.Connector;
import cutover.connector.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class's scratch database with the connector open on it, and its sink: made before the class's tests, dropped after them. */
abstract class ScratchSink {
    static TestDatabase db;
    static Connector connector;
    static Sink sink;

    @BeforeAll
    static void openSink() {
        db = new TestDatabase();
        connector = db.open();
        sink = TestDatabase.sink(connector);
    }

    @AfterAll
    static void dropDatabase() {
        connector.close();
        db.close();
    }
}
