package io.dbautopilot.automation.sqlite;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the SQLite executors measure before and after acting on a file: pages, free pages, journal mode, the sizes of
 * the file and of its {@code -wal}, and the free space of the file's filesystem.
 *
 * @param pageSize       {@code PRAGMA page_size}
 * @param pageCount      {@code PRAGMA page_count}
 * @param freelistCount  {@code PRAGMA freelist_count} (pages VACUUM gives back)
 * @param journalMode    {@code PRAGMA journal_mode}, e.g. {@code wal}, {@code delete}
 * @param fileBytes      size of the database file
 * @param walBytes       size of its {@code -wal} file, 0 when there is none
 * @param usableBytes    bytes the service's user may still write on the file's filesystem
 */
public record SqliteFileState(long pageSize, long pageCount, long freelistCount, String journalMode, long fileBytes,
                              long walBytes, long usableBytes) {

    /** Reads the state of the file behind {@code c}. */
    public static SqliteFileState read(Connection c, Path file) throws SQLException {
        long pageSize = pragma(c, "page_size");
        long pageCount = pragma(c, "page_count");
        long freelist = pragma(c, "freelist_count");
        String mode;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
            mode = rs.next() ? rs.getString(1) : "unknown";
        }
        try {
            FileStore store = Files.getFileStore(file);
            return new SqliteFileState(pageSize, pageCount, freelist, mode, Files.size(file), walBytes(file),
                    store.getUsableSpace());
        } catch (IOException e) {
            throw new SQLException("cannot measure " + file + ": " + e.getMessage(), "58030", e);
        }
    }

    /** The size of a database file's {@code -wal}, 0 when there is none. */
    public static long walBytes(Path file) {
        try {
            Path wal = file.resolveSibling(file.getFileName() + "-wal");
            return Files.exists(wal) ? Files.size(wal) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static long pragma(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The measured values under {@code prefix_before} / {@code _after} style keys ({@code suffix}). */
    public Map<String, Object> describe(String suffix) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("freelist_count_" + suffix, freelistCount);
        m.put("page_count_" + suffix, pageCount);
        m.put("file_bytes_" + suffix, fileBytes);
        m.put("wal_bytes_" + suffix, walBytes);
        return m;
    }
}
