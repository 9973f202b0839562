package cutover.sqlite;

import cutover.connector.Connector;
import cutover.connector.Connectors;
import cutover.connector.Position;
import cutover.connector.RecordReader;
import cutover.connector.Sink;
import cutover.connector.Source;
import cutover.connector.Split;
import cutover.model.Record;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Helpers shared by the tests: connectors over files, raw SQL, reading a split to its end. */
final class TestFiles {
    private TestFiles() {}

    static Connector open(Path file) {
        return Connectors.discover().open("sqlite:" + file);
    }

    static Connector open(Path file, java.util.Map<String, String> settings) {
        return Connectors.discover().open(cutover.connector.Location.parse("sqlite:" + file), new cutover.connector.Settings(settings));
    }

    static Connector openWithBusyTimeout(Path file, int millis) {
        return Connectors.discover().open(cutover.connector.Location.parse("sqlite:" + file),
                new cutover.connector.Settings(java.util.Map.of(SqliteProvider.BUSY_TIMEOUT.name(), Integer.toString(millis))));
    }

    static Sink sink(Connector c) { return Connectors.require(c, Sink.class); }

    static Source source(Connector c) { return Connectors.require(c, Source.class); }

    static void sql(Path file, String... statements) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String st : statements) s.execute(st);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(Path file, String query) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             var rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every record of the split from the position on; fails on an unreadable item. */
    static List<Record> readAll(Source source, Split split, Position from) {
        List<Record> out = new ArrayList<>();
        try (RecordReader r = source.read(split, from)) {
            RecordReader.Item item;
            while ((item = r.next()) != null) out.add(((RecordReader.Ok) item).record());
        }
        return out;
    }

    static Split split(Source source, String table) {
        return source.splits(1).stream().filter(s -> s.id().equals(table)).findFirst().orElseThrow();
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("cutover-sqlite");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
