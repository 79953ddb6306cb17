package io.dbautopilot.automation.database;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Looks object names up in a target's catalog ({@code pg_class}/{@code pg_namespace}, by bound parameters) and
 * quotes them with {@code format('%I.%I')}: the only way an identifier reaches a maintenance statement.
 */
@ApplicationScoped
public class CatalogObjects {

    private static final String LOOKUP = """
            SELECT n.nspname, c.relname, c.oid, c.relkind::text, format('%I.%I', n.nspname, c.relname),
                   coalesce(i.indrelid, c.oid)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_index i ON i.indexrelid = c.oid
             WHERE c.relname = ? AND c.relkind::text = ANY(?)
               AND (CASE WHEN ?::text IS NULL THEN n.nspname = ANY(current_schemas(false)) ELSE n.nspname = ? END)
             ORDER BY array_position(current_schemas(false), n.nspname::name) NULLS LAST
             LIMIT 1""";

    /** Table kinds: ordinary, partitioned, materialized view. */
    public static final String[] TABLES = {"r", "p", "m"};
    /** Index kinds: index, partitioned index. */
    public static final String[] INDEXES = {"i", "I"};

    /**
     * Finds {@code name} ({@code table} or {@code schema.table}, exactly as in the catalog) among relations of the
     * given kinds; empty when there is no such object.
     */
    public Optional<CatalogObject> find(Connection target, String name, String[] kinds) throws SQLException {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        String schema = null;
        String relation = name;
        int dot = name.indexOf('.');
        if (dot >= 0) {
            if (name.indexOf('.', dot + 1) >= 0) {
                return Optional.empty();
            }
            schema = name.substring(0, dot);
            relation = name.substring(dot + 1);
        }
        try (PreparedStatement ps = target.prepareStatement(LOOKUP)) {
            ps.setString(1, relation);
            ps.setArray(2, target.createArrayOf("text", kinds));
            ps.setString(3, schema);
            ps.setString(4, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CatalogObject(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        rs.getString(5), rs.getLong(6)));
            }
        }
    }

    /** Whether {@code pid} is a client backend connected to this database (and not this connection). */
    public boolean isClientBackend(Connection target, int pid) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("""
                SELECT 1 FROM pg_stat_activity WHERE pid = ? AND datname = current_database()
                   AND backend_type = 'client backend' AND pid <> pg_backend_pid()""")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
