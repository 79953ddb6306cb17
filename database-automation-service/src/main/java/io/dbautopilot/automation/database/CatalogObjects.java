package io.dbautopilot.automation.database;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /** Session identity keys (pg_stat_activity columns) recorded with a decision about a pid. */
    public static final String BACKEND_START = "backend_start";
    /** See {@link #BACKEND_START}. */
    public static final String USENAME = "usename";
    /** See {@link #BACKEND_START}. */
    public static final String DATNAME = "datname";

    /** Table kinds: ordinary, partitioned, materialized view. */
    public static final String[] TABLES = {"r", "p", "m"};
    /** Index kinds: index, partitioned index. */
    public static final String[] INDEXES = {"i", "I"};

    /**
     * Finds {@code name} ({@code table}, {@code schema.table} or {@code database.schema.table}, exactly as in the
     * catalog; a database other than the connected one is not found) among relations of the given kinds; empty
     * when there is no such object.
     */
    public Optional<CatalogObject> find(Connection target, String name, String[] kinds) throws SQLException {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        String schema = null;
        String relation = name;
        String[] parts = name.split("\\.", -1);
        if (parts.length > 3) {
            return Optional.empty();
        }
        if (parts.length == 3) {
            // database.schema.relation, as the performance service names objects: only in the connected database
            if (!parts[0].equals(currentDatabase(target))) {
                return Optional.empty();
            }
            schema = parts[1];
            relation = parts[2];
        } else if (parts.length == 2) {
            schema = parts[0];
            relation = parts[1];
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

    private static String currentDatabase(Connection target) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("SELECT current_database()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * The identity of {@code pid} when it is a client backend connected to this database (and not this connection):
     * {@code backend_start} (ISO-8601 UTC text, to the microsecond), {@code usename} and {@code datname}; empty otherwise. A
     * signal to the pid later is sent only while these still match (a reused pid is another session).
     */
    public Optional<Map<String, Object>> clientBackend(Connection target, int pid) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("""
                SELECT to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), usename::text,
                       datname::text
                  FROM pg_stat_activity
                 WHERE pid = ? AND datname = current_database()
                   AND backend_type = 'client backend' AND pid <> pg_backend_pid()""")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, Object> identity = new LinkedHashMap<>();
                identity.put(BACKEND_START, rs.getString(1));
                identity.put(USENAME, rs.getString(2));
                identity.put(DATNAME, rs.getString(3));
                return Optional.of(identity);
            }
        }
    }
}
