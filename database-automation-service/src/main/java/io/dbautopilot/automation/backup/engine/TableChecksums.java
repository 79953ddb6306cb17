package io.dbautopilot.automation.backup.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code CHECKSUM TABLE} of every base table of a MySQL / MariaDB database, taken on the source right before and
 * right after a backup (a table whose checksum moved meanwhile changed during the backup and is not compared), stored
 * beside the backup ({@value #FILE}) and compared with the same checksums on a scratch server the backup was
 * restored into.
 */
public final class TableChecksums {

    /** The file beside the backup's data that holds the source's checksums. */
    public static final String FILE = "source-checksums.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TableChecksums() {
    }

    /**
     * What was recorded at backup time.
     *
     * @param database            the database (schema) checked
     * @param tables              table name → checksum (as text, {@code NULL} when the server gave none)
     * @param changedDuringBackup tables written to while the backup ran, left out of the comparison
     */
    public record Recorded(@JsonProperty("database") String database, @JsonProperty("tables") Map<String, String> tables,
                           @JsonProperty("changed_during_backup") List<String> changedDuringBackup) {
    }

    /** The checksums of every base table of {@code database} on the source, by table name. */
    public static Map<String, String> source(Connection c, String database) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        Map<String, String> out = new TreeMap<>();
        try (Statement st = c.createStatement()) {
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("CHECKSUM TABLE " + quoted(database, table))) {
                    rs.next();
                    String sum = rs.getString(2);
                    out.put(table, sum == null ? "NULL" : sum);
                }
            }
        }
        return out;
    }

    /** The record of a backup from the checksums before and after it. */
    public static Recorded recorded(String database, Map<String, String> before, Map<String, String> after) {
        Map<String, String> stable = new TreeMap<>();
        List<String> changed = new ArrayList<>();
        before.forEach((table, sum) -> {
            if (sum.equals(after.get(table))) {
                stable.put(table, sum);
            } else {
                changed.add(table);
            }
        });
        after.keySet().stream().filter(t -> !before.containsKey(t)).forEach(changed::add);
        return new Recorded(database, stable, List.copyOf(changed));
    }

    /** Writes the record into a backup's directory. */
    public static void write(Path backupDir, Recorded r) throws IOException {
        Files.writeString(backupDir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
    }

    /** Reads the record of a backup's directory. */
    public static Recorded read(Path backupDir) throws IOException {
        return JSON.readValue(backupDir.resolve(FILE).toFile(), Recorded.class);
    }

    /**
     * Compares the recorded checksums with those of the restored copy; the result says how many tables were equal
     * or which differ.
     */
    public static Comparison compare(Recorded r, Map<String, String> restored) {
        List<String> differing = new ArrayList<>();
        r.tables().forEach((table, sum) -> {
            String got = restored.get(table);
            if (!sum.equals(got)) {
                differing.add(table + " (source " + sum + ", restored " + (got == null ? "missing" : got) + ")");
            }
        });
        String skipped = r.changedDuringBackup().isEmpty() ? ""
                : "; not compared (written to during the backup): " + String.join(", ", r.changedDuringBackup());
        return differing.isEmpty()
                ? new Comparison(true, r.tables().size(), "CHECKSUM TABLE equal for " + r.tables().size()
                        + " tables of " + r.database() + skipped)
                : new Comparison(false, r.tables().size(), "CHECKSUM TABLE differs for " + differing.size() + " of "
                        + r.tables().size() + " tables of " + r.database() + ": " + String.join("; ", differing) + skipped);
    }

    /** The outcome of a comparison. */
    public record Comparison(boolean equal, int tables, String detail) {
    }

    /** {@code `db`.`table`} with backticks doubled. */
    public static String quoted(String database, String table) {
        return "`" + database.replace("`", "``") + "`.`" + table.replace("`", "``") + "`";
    }
}
