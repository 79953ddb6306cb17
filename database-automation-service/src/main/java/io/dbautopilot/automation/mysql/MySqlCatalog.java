package io.dbautopilot.automation.mysql;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Looks tables up in a MySQL / MariaDB target's {@code information_schema.TABLES} (bound parameters): the only way a
 * table name reaches a statement, backtick-quoted from the catalog's own spelling.
 */
@ApplicationScoped
public class MySqlCatalog {

    /** Schemas of the server itself: never acted on. */
    private static final String SYSTEM_SCHEMAS = "('mysql', 'information_schema', 'performance_schema', 'sys')";

    /**
     * One base table.
     *
     * @param name      its schema and name as the catalog spells them
     * @param engine    storage engine ({@code InnoDB}, ...)
     * @param dataFree  {@code DATA_FREE} bytes
     * @param dataBytes {@code DATA_LENGTH + INDEX_LENGTH}
     * @param fullText  whether it has a FULLTEXT index (a rebuild is then not online)
     */
    public record Table(MySqlNames.TableName name, String engine, long dataFree, long dataBytes, boolean fullText) {
    }

    /** The base table {@code object} ({@code schema.table}) outside the system schemas; empty when there is none. */
    public Optional<Table> find(Connection target, String object) throws SQLException {
        Optional<MySqlNames.TableName> name = MySqlNames.table(object);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        freshStatistics(target);
        try (PreparedStatement ps = target.prepareStatement("""
                SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.ENGINE, COALESCE(t.DATA_FREE, 0),
                       COALESCE(t.DATA_LENGTH, 0) + COALESCE(t.INDEX_LENGTH, 0),
                       EXISTS (SELECT 1 FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = t.TABLE_SCHEMA
                                  AND s.TABLE_NAME = t.TABLE_NAME AND s.INDEX_TYPE = 'FULLTEXT')
                  FROM information_schema.TABLES t
                 WHERE t.TABLE_SCHEMA = ? AND t.TABLE_NAME = ? AND t.TABLE_TYPE = 'BASE TABLE'
                   AND t.TABLE_SCHEMA NOT IN""" + " " + SYSTEM_SCHEMAS)) {
            ps.setString(1, name.get().schema());
            ps.setString(2, name.get().table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Table(new MySqlNames.TableName(rs.getString(1), rs.getString(2)), rs.getString(3),
                        rs.getLong(4), rs.getLong(5), rs.getBoolean(6)));
            }
        }
    }

    /** {@code DATA_FREE} of a table now, -1 when it is gone. */
    public long dataFree(Connection target, MySqlNames.TableName table) throws SQLException {
        return find(target, table.qualified()).map(Table::dataFree).orElse(-1L);
    }

    /** MySQL 8 caches information_schema table statistics for a day by default: read them fresh. */
    private static void freshStatistics(Connection target) throws SQLException {
        if (!MySqlConnections.isMariaDb(target)) {
            try (Statement st = target.createStatement()) {
                st.execute("SET SESSION information_schema_stats_expiry = 0");
            }
        }
    }
}
