package io.dbautopilot.automation.mysql;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The index facts of a MySQL / MariaDB table an index change re-checks, read from {@code information_schema} and
 * {@code performance_schema} with bound parameters: columns, indexes with their columns, the column lists foreign keys
 * need an index for (this table's own keys and the keys of tables referencing it), and an index's use since start.
 */
@ApplicationScoped
public class MySqlIndexCatalog {

    /**
     * One index of a table.
     *
     * @param name    its name as the catalog spells it ({@code PRIMARY} for the primary key)
     * @param unique  whether it is unique
     * @param columns its columns in order
     */
    public record Index(String name, boolean unique, List<String> columns) {
        /** Whether {@code prefix} is a leading prefix of (or equal to) this index's columns, case-insensitively. */
        public boolean leads(List<String> prefix) {
            if (prefix.isEmpty() || prefix.size() > columns.size()) {
                return false;
            }
            for (int i = 0; i < prefix.size(); i++) {
                if (!prefix.get(i).equalsIgnoreCase(columns.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The table's columns, by lower-case name, as the catalog spells them. */
    public Map<String, String> columns(Connection c, MySqlNames.TableName t) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
                 ORDER BY ORDINAL_POSITION""")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The table's indexes by name, each with its columns in order. */
    public Map<String, Index> indexes(Connection c, MySqlNames.TableName t) throws SQLException {
        Map<String, Boolean> unique = new LinkedHashMap<>();
        Map<String, List<String>> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS
                 WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX""")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    unique.put(rs.getString(1), rs.getInt(2) == 0);
                    columns.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(String.valueOf(rs.getString(3)));
                }
            }
        }
        Map<String, Index> out = new LinkedHashMap<>();
        columns.forEach((name, cols) -> out.put(name, new Index(name, unique.get(name), List.copyOf(cols))));
        return out;
    }

    /** The index named {@code name} (case-insensitively, as MySQL compares index names). */
    public Optional<Index> index(Connection c, MySqlNames.TableName t, String name) throws SQLException {
        return indexes(c, t).values().stream().filter(i -> i.name().equalsIgnoreCase(name)).findFirst();
    }

    /**
     * The column lists foreign keys need an index on in this table: each key of this table (its columns) and each
     * key of another table referencing this one (the referenced columns), named {@code constraint (schema.table)}.
     */
    public Map<String, List<String>> foreignKeyColumns(Connection c, MySqlNames.TableName t) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT CONCAT(CONSTRAINT_NAME, ' (', TABLE_SCHEMA, '.', TABLE_NAME, ')'), COLUMN_NAME, 0 AS side,
                       ORDINAL_POSITION
                  FROM information_schema.KEY_COLUMN_USAGE
                 WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL
                UNION ALL
                SELECT CONCAT(CONSTRAINT_NAME, ' (', TABLE_SCHEMA, '.', TABLE_NAME, ')'), REFERENCED_COLUMN_NAME, 1,
                       ORDINAL_POSITION
                  FROM information_schema.KEY_COLUMN_USAGE
                 WHERE REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?
                 ORDER BY 1, 3, 4""")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            ps.setString(3, t.schema());
            ps.setString(4, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1) + (rs.getInt(3) == 1 ? " referencing it" : "");
                    out.computeIfAbsent(key, k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    /**
     * How often the index was used since the server started ({@code performance_schema
     * .table_io_waits_summary_by_index_usage.COUNT_STAR}); empty when performance_schema is off or not readable.
     */
    public OptionalLong uses(Connection c, MySqlNames.TableName t, String index) {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT COUNT_STAR FROM performance_schema.table_io_waits_summary_by_index_usage
                 WHERE OBJECT_SCHEMA = ? AND OBJECT_NAME = ? AND INDEX_NAME = ?""")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            ps.setString(3, index);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            return OptionalLong.empty();
        }
    }
}
