package io.dbautopilot.performance.advise.vacuum;

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
 * Vacuum and analyze, per database: tables whose dead tuples passed their effective autovacuum threshold (per-table
 * settings applied) without autovacuum catching up get an immediate {@code VACUUM (ANALYZE)} and per-table
 * autovacuum settings sized to the table; tables with many modifications since the last analyze get
 * {@code ANALYZE}; tables whose XID age nears {@code autovacuum_freeze_max_age} get {@code VACUUM (FREEZE)}.
 * <p>
 * It queries each database itself rather than reading the collector's {@code tables} family: the thresholds need
 * {@code pg_class.reltuples} and each table's autovacuum reloptions, the freeze check every table's
 * {@code relfrozenxid} age, and tables locked ACCESS EXCLUSIVE are skipped - none of which the family gathers - and
 * the evidence keeps the vacuum and analyze times as PostgreSQL prints them, which the family holds only as epoch
 * seconds. Reading the counters from the family and the rest from the catalog would mix two moments.
 */
@ApplicationScoped
public class VacuumAdvisor implements Advisor {

    /** Immediate vacuum (the automation service runs {@code VACUUM (ANALYZE)}). */
    public static final String VACUUM = "vacuum";
    /** Immediate analyze. */
    public static final String ANALYZE = "analyze";
    /** Per-table autovacuum settings. */
    public static final String SETTINGS = "vacuum_settings";
    /** Freeze vacuum before wraparound protection kicks in. */
    public static final String FREEZE = "vacuum_freeze";

    /** Per table: statistics, and the effective autovacuum thresholds with per-table reloptions applied. */
    private static final String TABLES = """
            WITH opts AS (
                SELECT c.oid,
                       (SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = 'autovacuum_enabled') AS av_enabled,
                       (SELECT option_value::float8 FROM pg_options_to_table(c.reloptions) WHERE option_name = 'autovacuum_vacuum_scale_factor') AS v_scale,
                       (SELECT option_value::float8 FROM pg_options_to_table(c.reloptions) WHERE option_name = 'autovacuum_vacuum_threshold') AS v_threshold,
                       (SELECT option_value::float8 FROM pg_options_to_table(c.reloptions) WHERE option_name = 'autovacuum_analyze_scale_factor') AS a_scale,
                       (SELECT option_value::float8 FROM pg_options_to_table(c.reloptions) WHERE option_name = 'autovacuum_analyze_threshold') AS a_threshold
                  FROM pg_class c WHERE c.relkind IN ('r', 'm'))
            SELECT s.schemaname, s.relname, format('%I.%I', s.schemaname, s.relname),
                   s.n_live_tup, s.n_dead_tup, s.n_mod_since_analyze,
                   greatest(c.reltuples, 0)::float8 AS reltuples,
                   coalesce(o.v_threshold, current_setting('autovacuum_vacuum_threshold')::float8)
                     + coalesce(o.v_scale, current_setting('autovacuum_vacuum_scale_factor')::float8) * greatest(c.reltuples, 0) AS vacuum_threshold,
                   coalesce(o.a_threshold, current_setting('autovacuum_analyze_threshold')::float8)
                     + coalesce(o.a_scale, current_setting('autovacuum_analyze_scale_factor')::float8) * greatest(c.reltuples, 0) AS analyze_threshold,
                   coalesce(o.v_scale, current_setting('autovacuum_vacuum_scale_factor')::float8) AS scale_factor,
                   coalesce(o.av_enabled::boolean, true) AND current_setting('autovacuum')::boolean AS autovacuum_enabled,
                   coalesce(s.last_autovacuum::text, ''), coalesce(s.last_vacuum::text, ''),
                   coalesce(s.last_autoanalyze::text, ''), coalesce(s.last_analyze::text, ''),
                   s.autovacuum_count, age(c.relfrozenxid), current_setting('autovacuum_freeze_max_age')::float8,
                   pg_table_size(c.oid)
              FROM pg_stat_user_tables s
              JOIN pg_class c ON c.oid = s.relid
              LEFT JOIN opts o ON o.oid = c.oid
             WHERE NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.relation = c.oid AND l.mode = 'AccessExclusiveLock'
                                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))""";

    private final AdviceConfig.Vacuum config;

    public VacuumAdvisor(AdviceConfig config) {
        this.config = config.vacuum();
    }

    @Override
    public String name() {
        return "vacuum";
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
        try (PreparedStatement ps = c.prepareStatement(TABLES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String table = rs.getString(2);
                String quoted = rs.getString(3);
                long live = rs.getLong(4);
                long dead = rs.getLong(5);
                long modified = rs.getLong(6);
                double reltuples = rs.getDouble(7);
                double vacuumThreshold = rs.getDouble(8);
                double analyzeThreshold = rs.getDouble(9);
                double scaleFactor = rs.getDouble(10);
                boolean autovacuum = rs.getBoolean(11);
                long xidAge = rs.getLong(17);
                double freezeMaxAge = rs.getDouble(18);
                long size = rs.getLong(19);
                String object = database + "." + schema + "." + table;
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("n_live_tup", live);
                evidence.put("n_dead_tup", dead);
                evidence.put("dead_ratio", live + dead == 0 ? 0.0 : round((double) dead / (live + dead)));
                evidence.put("n_mod_since_analyze", modified);
                evidence.put("reltuples", Math.round(reltuples));
                evidence.put("autovacuum_vacuum_threshold_effective", Math.round(vacuumThreshold));
                evidence.put("autovacuum_analyze_threshold_effective", Math.round(analyzeThreshold));
                evidence.put("autovacuum_vacuum_scale_factor", scaleFactor);
                evidence.put("autovacuum_enabled", autovacuum);
                evidence.put("last_autovacuum", rs.getString(12));
                evidence.put("last_vacuum", rs.getString(13));
                evidence.put("last_autoanalyze", rs.getString(14));
                evidence.put("last_analyze", rs.getString(15));
                evidence.put("autovacuum_count", rs.getLong(16));
                evidence.put("table_bytes", size);
                double ratio = live + dead == 0 ? 0 : (double) dead / (live + dead);
                boolean churn = dead >= config.minDeadTuples() && dead > vacuumThreshold && ratio >= config.minDeadRatio();
                if (churn) {
                    result.add(new Finding(name(), targetId, database, object, VACUUM, "", evidence,
                            "VACUUM (ANALYZE) " + quoted,
                            String.format("reclaims ~%d dead tuples (%.0f%% of the table) for reuse and refreshes "
                                    + "the planner statistics", dead, 100 * ratio),
                            Risk.LOW, false, "Table " + schema + "." + table + " has " + dead + " dead tuples, past "
                            + "its autovacuum threshold of " + Math.round(vacuumThreshold)
                            + (autovacuum ? ": autovacuum is not keeping up" : ": autovacuum is disabled for it")));
                    result.add(settings(targetId, database, object, schema, table, quoted, reltuples, dead, scaleFactor,
                            autovacuum, evidence));
                } else if (modified >= config.minModifiedRows() && modified > analyzeThreshold) {
                    result.add(new Finding(name(), targetId, database, object, ANALYZE, "", evidence,
                            "ANALYZE " + quoted, "fresh planner statistics after " + modified + " row modifications",
                            Risk.LOW, false, "Table " + schema + "." + table + " had " + modified
                            + " rows modified since its last analyze (threshold " + Math.round(analyzeThreshold) + ")"));
                }
                if (xidAge >= config.freezeAgeRatio() * freezeMaxAge) {
                    Map<String, Object> freeze = new LinkedHashMap<>(evidence);
                    freeze.put("relfrozenxid_age", xidAge);
                    freeze.put("autovacuum_freeze_max_age", Math.round(freezeMaxAge));
                    result.add(new Finding(name(), targetId, database, object, FREEZE, "", freeze,
                            "VACUUM (FREEZE) " + quoted, "lowers the table's XID age before an anti-wraparound "
                            + "autovacuum is forced (it cannot be cancelled and blocks DDL)", Risk.MEDIUM, false,
                            "Table " + schema + "." + table + " has XID age " + xidAge + ", "
                            + Math.round(100.0 * xidAge / freezeMaxAge) + "% of autovacuum_freeze_max_age"));
                }
            }
        }
    }

    /**
     * Per-table autovacuum settings: a quarter of the current scale factor (between 0.005 and 0.05; a value that
     * only depends on the settings, so the advice stays stable while the churn goes on) with a small fixed threshold,
     * and autovacuum re-enabled where it was turned off.
     */
    private Finding settings(String targetId, String database, String object, String schema, String table,
                             String quoted, double reltuples, long dead, double scaleFactor, boolean autovacuum,
                             Map<String, Object> evidence) {
        double rows = Math.max(reltuples, 1);
        double suggested = Math.max(0.005, Math.min(0.05, scaleFactor / 4));
        suggested = Math.round(suggested * 1000) / 1000.0;
        StringBuilder set = new StringBuilder("autovacuum_vacuum_scale_factor = ").append(suggested)
                .append(", autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = ")
                .append(Math.round(Math.max(0.005, suggested / 2) * 1000) / 1000.0);
        if (!autovacuum) {
            set.append(", autovacuum_enabled = true");
        }
        Map<String, Object> e = new LinkedHashMap<>(evidence);
        e.put("suggested_autovacuum_vacuum_scale_factor", suggested);
        return new Finding(name(), targetId, database, object, SETTINGS, "", e,
                "ALTER TABLE " + quoted + " SET (" + set + ")",
                String.format("autovacuum would start at ~%d dead tuples instead of ~%d", Math.round(1000 + suggested * rows),
                        ((Number) evidence.get("autovacuum_vacuum_threshold_effective")).longValue()),
                Risk.MEDIUM, true, "Table " + schema + "." + table + ": per-table autovacuum settings so vacuum keeps "
                + "up with its churn");
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
