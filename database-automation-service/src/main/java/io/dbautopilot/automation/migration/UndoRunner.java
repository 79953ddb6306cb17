package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.mysql.MySqlNames;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.zip.CRC32;

/**
 * Runs one {@code U<version>__*.sql} undo script (Flyway Community has no undo) in one transaction together with the
 * history entry that marks the version undone: a Flyway {@code DELETE} row for the version, which Flyway itself reads
 * as "no longer applied" (the version is pending again and its earlier row shows as {@code Deleted}). On MySQL /
 * MariaDB the script runs statement by statement (Connector/J takes one at a time) and each DDL statement commits
 * implicitly: a failing statement leaves the ones before it applied, and the version stays applied in the history;
 * the script runs in the migrations' schema (a database there) as Flyway ran the V script.
 */
@ApplicationScoped
public class UndoRunner {

    /** What one undo did. */
    public record Undone(String version, String script, int checksum, long millis) {
    }

    /**
     * Runs the undo script on {@code c} (autocommit is switched off for the transaction and restored afterwards).
     *
     * @param c        connection to the managed database (carrying the lock and statement timeouts)
     * @param schema   schema of the history table, or null for {@code current_schema()}
     * @param table    the history table name
     * @param undo     the undo script
     * @param running  receives the statement while it runs (so a cancel can reach it)
     */
    public Undone undo(Connection c, String schema, String table, MigrationFlyway.UndoScript undo,
                       java.util.function.Consumer<Statement> running) throws SQLException {
        String sql;
        try {
            sql = Files.readString(undo.file(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("cannot read undo script " + undo.file() + ": " + e.getMessage(), "58030", e);
        }
        boolean postgres = MigrationTexts.postgres(c);
        boolean sqlite = "SQLite".equals(c.getMetaData().getDatabaseProductName());
        String history = postgres ? historyTable(c, schema, table)
                : sqlite ? sqliteHistoryTable(c, schema, table) : mysqlHistoryTable(c, schema, table);
        int checksum = checksum(sql);
        long start = System.nanoTime();
        boolean autoCommit = c.getAutoCommit();
        String database = postgres || sqlite ? null : c.getCatalog();
        if (!postgres && !sqlite && schema != null) {
            c.setCatalog(schema); // as Flyway ran the V script: its schema is the session's default database
        }
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            running.accept(st);
            if (postgres) {
                st.execute(sql);
            } else if (sqlite) {
                for (String statement : SqlStatements.split(sql)) { // sqlite-jdbc runs one statement per call
                    st.execute(statement);
                }
            } else {
                for (String statement : SqlStatements.splitMySql(sql)) {
                    st.execute(statement);
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + history + " (installed_rank, version, description,"
                    + " type, script, checksum, installed_by, execution_time, success)"
                    + " SELECT coalesce(max(installed_rank), 0) + 1, ?, ?, 'DELETE', ?, ?, "
                    + (sqlite ? "'db-autopilot'" : "current_user") + ", ?, true FROM " + history)) {
                ps.setString(1, undo.version().getVersion());
                ps.setString(2, "undo: " + undo.description());
                ps.setString(3, undo.file().getFileName().toString());
                ps.setInt(4, checksum);
                ps.setInt(5, (int) Math.min(Integer.MAX_VALUE, millis));
                ps.executeUpdate();
            }
            c.commit();
            return new Undone(undo.version().getVersion(), undo.file().getFileName().toString(), checksum, millis);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            running.accept(null);
            c.setAutoCommit(autoCommit);
            if (database != null && schema != null) {
                c.setCatalog(database);
            }
        }
    }

    /** The history table, quoted from the catalog; fails when it does not exist. */
    static String historyTable(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT format('%I.%I', n.nspname, t.relname) FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE t.relname = ? AND n.nspname = coalesce(?, current_schema()) AND t.relkind IN ('r', 'p')""")) {
            ps.setString(1, table);
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("Flyway history table " + table + " not found in schema "
                            + (schema == null ? "current_schema()" : schema) + ": nothing was ever applied", "42P01");
                }
                return rs.getString(1);
            }
        }
    }

    /**
     * The history table in a SQLite file ({@code main} unless the settings name an attached schema), double-quoted from
     * {@code sqlite_schema}; fails when it does not exist.
     */
    static String sqliteHistoryTable(Connection c, String schema, String table) throws SQLException {
        String db = schema == null ? "main" : schema;
        if (!"main".equals(db)) {
            throw new SQLException("Flyway history schema " + db + ": a SQLite target's history is in 'main'", "42P01");
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("Flyway history table " + table + " not found in the file: nothing was ever "
                            + "applied", "42P01");
                }
                return "main.\"" + rs.getString(1).replace("\"", "\"\"") + "\"";
            }
        }
    }

    /** The history table on MySQL / MariaDB, backtick-quoted from information_schema; fails when it does not exist. */
    static String mysqlHistoryTable(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES
                 WHERE TABLE_NAME = ? AND TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_TYPE = 'BASE TABLE'""")) {
            ps.setString(1, table);
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("Flyway history table " + table + " not found in schema "
                            + (schema == null ? "DATABASE()" : schema) + ": nothing was ever applied", "42S02");
                }
                return MySqlNames.quote(rs.getString(1)) + "." + MySqlNames.quote(rs.getString(2));
            }
        }
    }

    /** CRC32 over the script's lines (without line breaks and BOM), the way Flyway checksums SQL scripts. */
    static int checksum(String sql) {
        CRC32 crc = new CRC32();
        String text = sql.startsWith("\uFEFF") ? sql.substring(1) : sql;
        for (String line : text.split("\\r?\\n|\\r", -1)) {
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }
}
