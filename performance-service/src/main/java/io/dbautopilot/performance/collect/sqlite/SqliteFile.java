package io.dbautopilot.performance.collect.sqlite;

import io.dbautopilot.support.url.DatabaseUrl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The database file of a SQLite target ({@code sqlite:///var/lib/app/app.db}): where it is, whether it is a SQLite
 * database (its 16-byte header), and read-only JDBC connections to it ({@code mode=ro}: the collector never creates,
 * writes or locks the file beyond a reader's shared lock).
 */
public final class SqliteFile {

    private static final byte[] HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private SqliteFile() {
    }

    /** The file a SQLite URL names. */
    public static Path path(DatabaseUrl url) {
        if (!url.engine().equals("sqlite")) {
            throw new IllegalArgumentException("a SQLite URL (sqlite:///absolute/path/app.db) is required, not " + url.engine());
        }
        return Path.of(url.database());
    }

    /** Why the file cannot be watched (missing, not a regular file, unreadable, not a SQLite database), if so. */
    public static Optional<String> problem(Path file) {
        if (!Files.exists(file)) {
            return Optional.of(file + " does not exist on this instance (a SQLite target's file must be local to the "
                    + "performance-service instance that owns it)");
        }
        if (!Files.isRegularFile(file)) {
            return Optional.of(file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            return Optional.of(file + " is not readable by this service's user");
        }
        byte[] head = new byte[HEADER.length];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, head.length);
            if (n == 0) {
                return Optional.empty(); // an empty file is a valid, empty SQLite database
            }
            if (n < head.length || !Arrays.equals(head, HEADER)) {
                return Optional.of(file + " is not a SQLite database (its header is not 'SQLite format 3')");
            }
        } catch (IOException e) {
            return Optional.of(file + " cannot be read: " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * The checkpoint sequence number of a write-ahead log's header (bytes 12-15, big-endian; SQLite adds 1 each time a
     * checkpoint lets a writer start the log over), read without opening the database; empty when there is no log, it
     * is shorter than its 32-byte header, or its magic number is not a WAL's.
     */
    public static Optional<Long> walCheckpointSequence(Path wal) {
        byte[] header = new byte[32];
        try (InputStream in = Files.newInputStream(wal)) {
            if (in.readNBytes(header, 0, header.length) < header.length) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(header); // big-endian
        int magic = b.getInt(0);
        if (magic != 0x377f0682 && magic != 0x377f0683) {
            return Optional.empty();
        }
        return Optional.of(Integer.toUnsignedLong(b.getInt(12)));
    }

    /** A read-only connection to the file; waits at most {@code busyTimeoutMs} for a writer's lock. */
    public static Connection openReadOnly(Path file, long busyTimeoutMs) throws SQLException {
        String uri = "jdbc:sqlite:file:" + file.toUri().getRawPath() + "?mode=ro";
        java.util.Properties props = new java.util.Properties();
        props.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
        props.setProperty("busy_timeout", String.valueOf(Math.max(1, busyTimeoutMs)));
        return DriverManager.getConnection(uri, props);
    }
}
