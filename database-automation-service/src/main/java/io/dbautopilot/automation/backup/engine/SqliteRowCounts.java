package io.dbautopilot.automation.backup.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-table row counts of a SQLite database, read in one read transaction, stored beside a SQLite backup
 * ({@value #FILE}) and compared with the counts of the copy (verification) or of a restored scratch file (drill).
 */
public final class SqliteRowCounts {

    /** The file beside the backup's copy that holds the source's counts. */
    public static final String FILE = "source-row-counts.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SqliteRowCounts() {
    }

    /**
     * What was recorded at backup time.
     *
     * @param file                the source file
     * @param tables              table name → row count at the copy's snapshot
     * @param copiedBy            {@code VACUUM INTO} or {@code online backup API}
     * @param comparable          why the counts are those of the copy: {@code same_snapshot} (VACUUM INTO, and no
     *                            other connection committed between the counts and the copy: {@code PRAGMA
     *                            data_version} unchanged) or {@code same_read_transaction} (the online backup API ran
     *                            inside the counts' read transaction)
     */
    public record Recorded(@JsonProperty("file") String file, @JsonProperty("tables") Map<String, Long> tables,
                           @JsonProperty("copied_by") String copiedBy, @JsonProperty("comparable") String comparable) {
    }

    /** The row count of every table of the connection's main database (not the sqlite_* ones), in one read transaction. */
    public static Map<String, Long> read(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            Map<String, Long> out = counts(c);
            c.commit();
            return out;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** The row counts of every table, in the connection's current transaction (the caller opened it). */
    public static Map<String, Long> counts(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        Map<String, Long> out = new TreeMap<>();
        try (Statement st = c.createStatement()) {
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + quoted(t))) {
                    rs.next();
                    out.put(t, rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** Writes the record into a backup's directory. */
    public static void write(Path backupDir, Recorded r) throws IOException {
        Files.writeString(backupDir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
    }

    /** Reads the record of a backup's directory. */
    public static Recorded read(Path backupDir) throws IOException {
        return JSON.readValue(backupDir.resolve(FILE).toFile(), Recorded.class);
    }

    /** Compares the recorded counts with those of a copy. */
    public static TableChecksums.Comparison compare(Recorded r, Map<String, Long> copy) {
        List<String> differing = new ArrayList<>();
        r.tables().forEach((table, n) -> {
            Long got = copy.get(table);
            if (!n.equals(got)) {
                differing.add(table + " (source " + n + ", copy " + (got == null ? "missing" : got) + ")");
            }
        });
        return differing.isEmpty()
                ? new TableChecksums.Comparison(true, r.tables().size(), "row counts equal for " + r.tables().size()
                        + " tables (" + r.copiedBy() + ", " + r.comparable() + ")")
                : new TableChecksums.Comparison(false, r.tables().size(), "row counts differ for " + differing.size()
                        + " of " + r.tables().size() + " tables: " + String.join("; ", differing));
    }

    /** A SQLite identifier in double quotes, inner quotes doubled. */
    public static String quoted(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
