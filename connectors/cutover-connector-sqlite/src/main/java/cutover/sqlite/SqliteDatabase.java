package cutover.sqlite;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * One SQLite file and how to connect to it: read-only for a source (so that reading never creates
 * or changes the file), read-write and created on demand for a sink. Foreign keys stay unenforced
 * (SQLite's default, set explicitly) because splits load in any order; the sink reports orphans in
 * {@code finish} instead.
 */
final class SqliteDatabase {
    private final Path path;
    private final int busyTimeoutMillis;
    /** The file was not there when a writer first opened it: opening made it. */
    private volatile boolean madeByOpening;
    /** The outermost folder opening made for the file, or null. */
    private volatile Path foldersMade;

    SqliteDatabase(Path path, int busyTimeoutMillis) {
        this.path = path;
        this.busyTimeoutMillis = busyTimeoutMillis;
    }

    Path path() { return path; }

    /** A read-only connection; the file must exist and be a SQLite database. */
    Connection openForReading() {
        if (!Files.isRegularFile(path)) {
            throw new CutoverException(ErrorCode.SOURCE_NOT_FOUND, "the SQLite database " + path
                    + " does not exist (or is not a file); check the path after sqlite:");
        }
        Properties props = new Properties();
        props.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY, without SQLITE_OPEN_CREATE
        Connection c = connect(props, ErrorCode.SOURCE_IO);
        try (Statement s = c.createStatement()) {
            // Touches the header: a file that is not a database fails here, not halfway through a read.
            s.executeQuery("SELECT count(*) FROM sqlite_master").close();
        } catch (SQLException e) {
            closeQuietly(c);
            if (isBusy(e)) throw new CutoverException(ErrorCode.SOURCE_IO, path + " is locked by another connection: " + e.getMessage(), e);
            throw new CutoverException(ErrorCode.SOURCE_FORMAT_UNKNOWN, path + " is not a readable SQLite database: " + e.getMessage(), e);
        }
        return c;
    }

    /** A read-write connection; creates the file (and its folder) when missing. */
    Connection openForWriting() {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null && !Files.exists(parent)) {
                Path first = parent; // the outermost folder made for the file, removed with it where nothing came of it
                while (first.getParent() != null && !Files.exists(first.getParent())) first = first.getParent();
                Files.createDirectories(parent);
                if (foldersMade == null) foldersMade = first;
            }
        } catch (IOException e) {
            throw new CutoverException(ErrorCode.TARGET_UNREACHABLE, "cannot create the folder of " + path + ": " + e.getMessage(), e);
        }
        if (!Files.exists(path)) madeByOpening = true;
        Connection c = connect(new Properties(), ErrorCode.TARGET_UNREACHABLE);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA foreign_keys = OFF");
            s.executeQuery("SELECT count(*) FROM sqlite_master").close();
        } catch (SQLException e) {
            closeQuietly(c);
            if (isBusy(e)) throw new CutoverException(ErrorCode.TARGET_UNREACHABLE, path + " is locked by another connection: " + e.getMessage(), e);
            throw new CutoverException(ErrorCode.SINK_SCHEMA_MISMATCH, path + " is not a writable SQLite database: " + e.getMessage(), e);
        }
        return c;
    }

    private Connection connect(Properties props, ErrorCode onFailure) {
        props.setProperty("busy_timeout", Integer.toString(busyTimeoutMillis));
        try {
            return new org.sqlite.JDBC().connect("jdbc:sqlite:" + path, props);
        } catch (SQLException e) {
            throw new CutoverException(onFailure, "cannot open the SQLite database " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes the file where opening it for writing made it and nothing was written since (SQLite
     * writes a new file's header with its first table): a dry run, or a restore that stopped before
     * writing, leaves no empty database where there was none. Once every connection is closed.
     */
    void removeIfMadeEmpty() {
        if (!madeByOpening) return;
        try {
            if (!Files.isRegularFile(path) || Files.size(path) != 0) return;
            Files.delete(path);
            // and the folders made for it, innermost first, where they hold nothing else
            for (Path folder = path.toAbsolutePath().getParent(); foldersMade != null && folder != null && folder.startsWith(foldersMade);
                 folder = folder.getParent()) {
                try (java.util.stream.Stream<Path> in = Files.list(folder)) {
                    if (in.findAny().isPresent()) break;
                }
                Files.delete(folder);
            }
        } catch (IOException ignored) {
            // an empty file or folder left behind is harmless: it opens as an empty database
        }
    }

    /** SQLITE_BUSY or SQLITE_LOCKED: another connection holds the file; waiting may help. */
    static boolean isBusy(SQLException e) {
        String name = e instanceof org.sqlite.SQLiteException se ? se.getResultCode().name() : "";
        return name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED");
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // closing after a failure: the first error is the one worth reporting
        }
    }
}
