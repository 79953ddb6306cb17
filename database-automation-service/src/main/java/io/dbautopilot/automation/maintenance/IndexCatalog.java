package io.dbautopilot.automation.maintenance;

import io.dbautopilot.automation.database.CatalogObject;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The catalog lookups of the index family, kept out of {@link IndexExecutor} so it reads as the steps it takes:
 * columns and index names quoted by the server, the index a name already denotes, invalid {@code _ccnew} leftovers.
 */
public final class IndexCatalog {

    /** Invalid {@code _ccnew} indexes (left by a failed concurrent build) of a table, with the given name prefix. */
    private static final String CCNEW_LEFTOVERS = """
            SELECT format('%I.%I', n.nspname, ic.relname)
              FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
             WHERE x.indrelid = ? AND NOT x.indisvalid AND ic.relname LIKE '%\\_ccnew%'
               AND starts_with(ic.relname, left(?, 50))""";

    /** Any invalid {@code _ccnew} index left on a table. */
    static final String INVALID_CCNEW_COUNT = """
            SELECT count(*) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
             WHERE x.indrelid = ? AND NOT x.indisvalid AND ic.relname LIKE '%\\_ccnew%'""";

    /** What a drop re-checks about an index, by its oid, in one catalog read. */
    private static final String DROP_CHECK = """
            SELECT format('%I.%I', n.nspname, ic.relname), x.indisvalid, x.indisunique, x.indisprimary,
                   x.indisexclusion, (SELECT string_agg(quote_ident(co.conname), ', ' ORDER BY co.conname)
                                        FROM pg_constraint co WHERE co.conindid = x.indexrelid),
                   s.idx_scan
              FROM pg_index x
              JOIN pg_class ic ON ic.oid = x.indexrelid
              JOIN pg_namespace n ON n.oid = ic.relnamespace
              LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = x.indexrelid
             WHERE x.indexrelid = ? AND x.indrelid = ?""";

    private IndexCatalog() {
    }

    /**
     * The state of an index a drop is about to act on.
     *
     * @param found       whether the oid is still an index of the same table (same object identity)
     * @param sameName    whether that oid still carries the name that was looked up
     * @param valid       pg_index.indisvalid
     * @param unique      pg_index.indisunique
     * @param primary     pg_index.indisprimary
     * @param exclusion   pg_index.indisexclusion
     * @param constraints the constraints backed by it (pg_constraint.conindid), quoted; null when none
     * @param scans       pg_stat_user_indexes.idx_scan; null when not tracked
     */
    record DropCheck(boolean found, boolean sameName, boolean valid, boolean unique, boolean primary,
                     boolean exclusion, String constraints, Long scans) {

        /** Why the index must not be dropped for {@code trigger} (anomaly rule or recommendation kind); null if it may. */
        String refusal(String trigger) {
            if (!found || !sameName) {
                return "the index is no longer the object that was looked up (it vanished or was replaced)";
            }
            if (primary) {
                return "it is a PRIMARY KEY index";
            }
            if (constraints != null) {
                return "it backs constraint(s) " + constraints;
            }
            if (exclusion) {
                return "it is an exclusion index";
            }
            if (unique && valid) {
                return "it is a valid UNIQUE index";
            }
            return switch (trigger) {
                case IndexExecutor.INVALID_INDEX -> valid ? "it is valid now (pg_index.indisvalid), not INVALID" : null;
                case "unused_index" -> scans == null ? "its use is not tracked in pg_stat_user_indexes"
                        : scans > 0 ? "it is used now (" + scans + " scans in pg_stat_user_indexes)" : null;
                default -> null;
            };
        }

        /** The re-checked facts, for the operation's record. */
        Map<String, Object> evidence() {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("index_found", found && sameName);
            e.put("valid", valid);
            e.put("unique", unique);
            e.put("primary", primary);
            e.put("constraints", constraints);
            e.put("idx_scan", scans);
            return e;
        }
    }

    /** Re-reads the catalog about {@code index} by its oid and table (the identity found by name a moment ago). */
    static DropCheck dropCheck(Connection c, CatalogObject index) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DROP_CHECK)) {
            ps.setLong(1, index.oid());
            ps.setLong(2, index.tableOid());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new DropCheck(false, false, false, false, false, false, null, null);
                }
                long scans = rs.getLong(7);
                return new DropCheck(true, index.quoted().equals(rs.getString(1)), rs.getBoolean(2), rs.getBoolean(3),
                        rs.getBoolean(4), rs.getBoolean(5), rs.getString(6), rs.wasNull() ? null : scans);
            }
        }
    }

    /** A table's columns by name, as found in {@code pg_attribute} (name, server-quoted name). */
    record Columns(List<String> names, List<String> quoted, String missing) {
    }

    /** What the name of the index to create denotes now: its quoted forms, and the index (if any) already there. */
    record Existing(String qualifiedQuoted, String quotedName, Long oid, boolean valid, boolean foreign) {
    }

    static List<String> ccnewLeftovers(Connection c, CatalogObject index) throws SQLException {
        List<String> leftovers = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(CCNEW_LEFTOVERS)) {
            ps.setLong(1, index.tableOid());
            ps.setString(2, index.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    leftovers.add(rs.getString(1));
                }
            }
        }
        return leftovers;
    }

    /** The columns of {@code table} named by {@code names}; {@code missing} names the first one that does not exist. */
    static Columns columns(Connection c, long tableOid, List<?> names) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<String> quoted = new ArrayList<>();
        for (Object name : names) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT attname, quote_ident(attname) FROM pg_attribute
                     WHERE attrelid = ? AND attname = ? AND attnum > 0 AND NOT attisdropped""")) {
                ps.setLong(1, tableOid);
                ps.setString(2, String.valueOf(name));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new Columns(columns, quoted, String.valueOf(name));
                    }
                    columns.add(rs.getString(1));
                    quoted.add(rs.getString(2));
                }
            }
        }
        return new Columns(columns, quoted, null);
    }

    static Existing existing(Connection c, CatalogObject table, String indexName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT format('%I.%I', ?::text, ?::text), ic.oid, x.indisvalid, x.indrelid, format('%I', ?::text)
                  FROM (SELECT 1) one
                  LEFT JOIN pg_class ic ON ic.relname = ?
                        AND ic.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)
                  LEFT JOIN pg_index x ON x.indexrelid = ic.oid""")) {
            ps.setString(1, table.schema());
            ps.setString(2, indexName);
            ps.setString(3, indexName);
            ps.setString(4, indexName);
            ps.setString(5, table.schema());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean exists = rs.getObject(2) != null;
                boolean foreign = exists && (rs.getObject(4) == null || rs.getLong(4) != table.oid());
                return new Existing(rs.getString(1), rs.getString(5), exists ? rs.getLong(2) : null,
                        exists && rs.getBoolean(3), foreign);
            }
        }
    }

    /** {@code <table>_<columns>_idx}, cut to PostgreSQL's 63 bytes. */
    public static String indexName(String table, List<String> columns) {
        String name = table + "_" + String.join("_", columns) + "_idx";
        while (name.getBytes(StandardCharsets.UTF_8).length > 63) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    /** Whether a valid index of that name exists on the table. */
    static boolean valid(Connection c, long tableOid, String indexName) throws SQLException {
        return one(c, """
                SELECT count(*) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
                 WHERE x.indrelid = ? AND x.indisvalid AND ic.relname = ?""", tableOid, indexName)
                .map(n -> n == 1).orElse(false);
    }

    /** The size of the table's index of that name; empty when there is none. */
    static Optional<Long> size(Connection c, long tableOid, String indexName) throws SQLException {
        return one(c, """
                SELECT pg_relation_size(ic.oid) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
                 WHERE x.indrelid = ? AND ic.relname = ?""", tableOid, indexName);
    }

    private static Optional<Long> one(Connection c, String sql, long tableOid, String indexName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, tableOid);
            ps.setString(2, indexName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }
}
