package io.dbautopilot.performance.advise.index;

import io.dbautopilot.model.Risk;
import io.dbautopilot.performance.advise.AdviceConfig;
import io.dbautopilot.performance.advise.AdviceTarget;
import io.dbautopilot.performance.advise.Advisor;
import io.dbautopilot.performance.advise.AdvisorResult;
import io.dbautopilot.performance.advise.Finding;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Index hygiene, per database: unused indexes (never scanned while the statistics accumulated at least
 * {@code unused-min-stats-age}, not enforcing a constraint), duplicate or redundant ones (same definition as
 * another, or their key columns a leading prefix of another B-tree's) and invalid ones (leftovers of a failed
 * concurrent build, not being built right now), each with a suggested {@code DROP INDEX CONCURRENTLY}.
 * <p>
 * It queries each database itself rather than reading the collector's {@code indexes} family: the findings need
 * each index's definition, whether a constraint uses it, whether it is being built right now, which index covers a
 * redundant one (the family flags exact duplicates only, without naming the other, and not leading prefixes) and
 * since when the statistics count; the family has none of these, and its validity also requires
 * {@code indisready}.
 */
@ApplicationScoped
public class IndexHygieneAdvisor implements Advisor {

    /** Never-scanned index. */
    public static final String UNUSED = "unused_index";
    /** Identical to, or a leading prefix of, another index. */
    public static final String DUPLICATE = "duplicate_index";
    /** Invalid index (failed concurrent build). */
    public static final String INVALID = "invalid_index";

    private static final String STATS_AGE = """
            SELECT extract(epoch FROM now() - coalesce(stats_reset, pg_postmaster_start_time()))::float8,
                   coalesce(stats_reset, pg_postmaster_start_time())::text, stats_reset IS NULL
              FROM pg_stat_database WHERE datname = current_database()""";

    private static final String INDEXES = """
            SELECT n.nspname, t.relname, ic.relname, format('%I.%I', n.nspname, ic.relname),
                   pg_relation_size(i.indexrelid), coalesce(s.idx_scan, 0), i.indisunique OR i.indisprimary OR i.indisexclusion,
                   i.indisvalid, pg_get_indexdef(i.indexrelid), i.indexrelid,
                   EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid),
                   EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
              FROM pg_index i
              JOIN pg_class ic ON ic.oid = i.indexrelid
              JOIN pg_class t ON t.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = t.relnamespace
              LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
               AND ic.relkind = 'i'""";

    /**
     * Pairs (redundant, covering): same table and access method, no predicates or expressions; identical key
     * columns, operator classes and collations, or (B-tree only) the redundant one's columns a strict leading prefix
     * of the covering one's. Of two identical indexes the one not backing a constraint, else the newer, is redundant.
     */
    private static final String REDUNDANT = """
            WITH idx AS (
                SELECT i.indexrelid, i.indrelid, c.relam, a.amname, string_to_array(i.indkey::text, ' ')::int2[] AS keys,
                       string_to_array(i.indclass::text, ' ')::oid[] AS ops,
                       string_to_array(i.indcollation::text, ' ')::oid[] AS colls,
                       i.indisunique OR i.indisprimary OR i.indisexclusion AS enforces,
                       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS constraint_backed
                  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
                  JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE i.indpred IS NULL AND i.indexprs IS NULL AND i.indisvalid
                   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast')
            SELECT r.indexrelid, k.indexrelid, format('%I.%I', kn.nspname, kc.relname),
                   pg_get_indexdef(k.indexrelid), r.keys = k.keys AS identical
              FROM idx r JOIN idx k ON k.indrelid = r.indrelid AND k.relam = r.relam AND k.indexrelid <> r.indexrelid
              JOIN pg_class kc ON kc.oid = k.indexrelid JOIN pg_namespace kn ON kn.oid = kc.relnamespace
             WHERE NOT r.constraint_backed
               AND ((r.keys = k.keys AND r.ops = k.ops AND r.colls = k.colls
                     AND (r.enforces = k.enforces AND (k.constraint_backed OR k.indexrelid < r.indexrelid)
                          OR k.enforces AND NOT r.enforces))
                 OR (r.amname = 'btree' AND NOT r.enforces AND cardinality(r.keys) < cardinality(k.keys)
                     AND r.keys = k.keys[1:cardinality(r.keys)]
                     AND r.ops = k.ops[1:cardinality(r.ops)] AND r.colls = k.colls[1:cardinality(r.colls)]))""";

    private final AdviceConfig.Hygiene config;

    public IndexHygieneAdvisor(AdviceConfig config) {
        this.config = config.hygiene();
    }

    @Override
    public String name() {
        return "index_hygiene";
    }

    @Override
    public AdvisorResult advise(AdviceTarget target) {
        AdvisorResult result = new AdvisorResult();
        for (String database : target.databases()) {
            try {
                target.inDatabase(database, c -> {
                    examine(c, target.id(), database, result);
                    result.examined(database);
                    return null;
                });
            } catch (SQLException e) {
                result.problem(database, e.getMessage());
            }
        }
        return result;
    }

    private void examine(Connection c, String targetId, String database, AdvisorResult result) throws SQLException {
        double statsAge;
        String statsSince;
        boolean neverReset;
        try (PreparedStatement ps = c.prepareStatement(STATS_AGE); ResultSet rs = ps.executeQuery()) {
            rs.next();
            statsAge = rs.getDouble(1);
            statsSince = rs.getString(2);
            neverReset = rs.getBoolean(3);
        }
        Map<Long, Map<String, Object>> redundant = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(REDUNDANT); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Map<String, Object> covering = new LinkedHashMap<>();
                covering.put("covering_index", rs.getString(3));
                covering.put("covering_definition", rs.getString(4));
                covering.put("reason", rs.getBoolean(5) ? "identical definition" : "its key columns are a leading prefix of the covering index's");
                redundant.putIfAbsent(rs.getLong(1), covering);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(INDEXES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String table = rs.getString(2);
                String index = rs.getString(3);
                String quoted = rs.getString(4);
                long size = rs.getLong(5);
                long scans = rs.getLong(6);
                boolean enforces = rs.getBoolean(7);
                boolean valid = rs.getBoolean(8);
                String definition = rs.getString(9);
                long oid = rs.getLong(10);
                boolean building = rs.getBoolean(11);
                boolean constraintBacked = rs.getBoolean(12);
                String object = database + "." + schema + "." + index;
                String drop = "DROP INDEX CONCURRENTLY " + quoted;
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("table", schema + "." + table);
                evidence.put("definition", definition);
                evidence.put("size_bytes", size);
                evidence.put("idx_scan", scans);
                if (!valid) {
                    if (!building) {
                        result.add(new Finding(name(), targetId, database, object, INVALID, "", evidence, drop,
                                "frees " + bytes(size) + " and the write overhead of an index no query can use",
                                Risk.LOW, true, "Index " + schema + "." + index + " is invalid (a failed concurrent "
                                + "build leaves one behind): drop it, then rebuild it if it is still wanted"));
                    }
                    continue;
                }
                Map<String, Object> covering = redundant.get(oid);
                if (covering != null) {
                    Map<String, Object> dup = new LinkedHashMap<>(evidence);
                    dup.putAll(covering);
                    result.add(new Finding(name(), targetId, database, object, DUPLICATE, "", dup, drop,
                            "frees " + bytes(size) + " and one index update per row write; queries use "
                                    + covering.get("covering_index") + " instead",
                            Risk.HIGH, true, "Index " + schema + "." + index + " is redundant with "
                            + covering.get("covering_index") + " (" + covering.get("reason") + ")"));
                    continue;
                }
                if (scans == 0 && !enforces && !constraintBacked && statsAge >= config.unusedMinStatsAge().toSeconds()
                        && size >= config.unusedMinBytes()) {
                    Map<String, Object> unused = new LinkedHashMap<>(evidence);
                    unused.put("stats_since", statsSince);
                    unused.put("stats_age_seconds", Math.round(statsAge));
                    unused.put("stats_since_note", neverReset ? "statistics never reset: counted since the server "
                            + "start at least" : "since the last statistics reset");
                    result.add(new Finding(name(), targetId, database, object, UNUSED, "", unused, drop,
                            "frees " + bytes(size) + " and one index update per row write",
                            Risk.HIGH, true, "Index " + schema + "." + index + " (" + bytes(size) + ") has not been "
                            + "scanned in " + duration(statsAge) + " of statistics"));
                }
            }
        }
    }

    static String bytes(long size) {
        if (size >= 1L << 30) {
            return String.format("%.1f GiB", size / (double) (1L << 30));
        }
        if (size >= 1L << 20) {
            return String.format("%.1f MiB", size / (double) (1L << 20));
        }
        return String.format("%d kiB", size / 1024);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 86400) {
            return (s / 86400) + " d";
        }
        if (s >= 3600) {
            return (s / 3600) + " h";
        }
        return s >= 60 ? (s / 60) + " min" : s + " s";
    }
}
