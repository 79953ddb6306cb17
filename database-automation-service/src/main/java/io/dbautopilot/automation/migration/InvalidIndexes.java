package io.dbautopilot.automation.migration;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds and drops the invalid index a failed or interrupted {@code CREATE INDEX CONCURRENTLY} leaves behind (it is
 * still maintained on every write but never used, and a re-run of the migration fails on its name).
 */
@ApplicationScoped
public class InvalidIndexes {

    private static final Logger LOG = Logger.getLogger(InvalidIndexes.class);

    /** Invalid indexes of the database: oid → {@code schema.name} (unquoted). */
    public Map<Long, String> invalid(Connection c) throws SQLException {
        Map<Long, String> out = new LinkedHashMap<>();
        if (!"PostgreSQL".equals(c.getMetaData().getDatabaseProductName())) {
            return out; // only PostgreSQL's CREATE INDEX CONCURRENTLY leaves invalid indexes (SQLite has none)
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT i.indexrelid::bigint, n.nspname || '.' || ic.relname FROM pg_index i
                  JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
                 WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema')""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getString(2));
            }
        }
        return out;
    }

    /**
     * Drops ({@code DROP INDEX CONCURRENTLY}, name quoted from the catalog) the invalid indexes chosen by
     * {@code which} (given oid and {@code schema.name}); returns the names dropped.
     */
    public List<String> drop(Connection c, Predicate<Map.Entry<Long, String>> which) throws SQLException {
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<Long, String> e : invalid(c).entrySet()) {
            if (!which.test(e)) {
                continue;
            }
            String quoted;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT format('%I.%I', n.nspname, ic.relname) FROM pg_class ic JOIN pg_namespace n ON n.oid = ic.relnamespace
                     WHERE ic.oid = ?::oid""")) {
                ps.setLong(1, e.getKey());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        continue;
                    }
                    quoted = rs.getString(1);
                }
            }
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + quoted);
            } finally {
                c.setAutoCommit(autoCommit);
            }
            LOG.warnf("Dropped invalid index %s left by a failed CREATE INDEX CONCURRENTLY", e.getValue());
            dropped.add(e.getValue());
        }
        return dropped;
    }

    /** Whether one of the scripts names the index (by its bare name). */
    static boolean namedIn(String indexQualified, Set<String> scripts) {
        String bare = indexQualified.substring(indexQualified.indexOf('.') + 1).toLowerCase();
        return scripts.stream().anyMatch(s -> s.toLowerCase().matches("(?s).*\\b" + java.util.regex.Pattern.quote(bare) + "\\b.*"));
    }
}
