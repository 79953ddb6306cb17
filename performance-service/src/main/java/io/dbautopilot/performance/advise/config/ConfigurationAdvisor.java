package io.dbautopilot.performance.advise.config;

import io.dbautopilot.model.MetricPoint;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server configuration against what the workload shows, from the collector's latest values (settings, database,
 * bgwriter, activity and host families) plus the temp-file spill of statements from pg_stat_statements:
 * work_mem vs spill, shared_buffers vs cache hit ratio and memory, max_connections vs the peak seen, checkpoint
 * settings vs requested checkpoints, autovacuum workers vs backlog. Each finding names the setting, the evidence
 * and the suggested value. A finding whose inputs were not collected yet is neither raised nor withdrawn.
 * <p>
 * The spill list is its one query on the target: the collector's {@code statements} family reads
 * pg_stat_statements without texts and keeps only the top statements by time, so the statements that spill (and
 * the texts the evidence shows) are only in the view.
 */
@ApplicationScoped
public class ConfigurationAdvisor implements Advisor {

    /** Kind of every configuration finding; the object is the setting. */
    public static final String KIND = "config";

    private static final long MB = 1024L * 1024;

    /** Statements that spilled to temp files, per call, biggest first (all databases: the view is cluster-wide). */
    private static final String SPILLS = """
            SELECT s.queryid, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 200), d.datname, s.calls,
                   s.temp_blks_written * current_setting('block_size')::bigint / greatest(s.calls, 1) AS temp_bytes_per_call
              FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
             WHERE s.temp_blks_written > 0 AND s.calls > 0
             ORDER BY temp_bytes_per_call DESC LIMIT 5""";

    private final AdviceConfig.Configuration config;
    private final Map<String, Double> peakConnections = new ConcurrentHashMap<>();

    public ConfigurationAdvisor(AdviceConfig config) {
        this.config = config.configuration();
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public AdvisorResult advise(AdviceTarget target) {
        AdvisorResult result = new AdvisorResult();
        Optional<Double> workMem = target.value("pg_settings_work_mem_bytes");
        if (workMem.isEmpty()) {
            result.problem(null, "the settings family has not been collected yet");
            return result;
        }
        Optional<Double> memory = target.value("host_memory_total_bytes");
        Optional<Double> maxConnections = target.value("pg_settings_max_connections");
        try {
            target.inDatabase(target.mainDatabase(), c -> {
                workMem(c, target.id(), workMem.get(), memory, maxConnections, result);
                return null;
            });
        } catch (SQLException e) {
            result.problem(null, "work_mem: " + e.getMessage());
            return result;
        }
        sharedBuffers(target, memory, result);
        connections(target, maxConnections, result);
        checkpoints(target, result);
        autovacuumWorkers(target, result);
        result.examined(null);
        return result;
    }

    private void workMem(Connection c, String targetId, double workMem, Optional<Double> memory,
                         Optional<Double> maxConnections, AdvisorResult result) throws SQLException {
        try (PreparedStatement check = c.prepareStatement("SELECT to_regclass('pg_stat_statements') IS NOT NULL");
             ResultSet rs = check.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return;
            }
        }
        List<Map<String, Object>> spills = new ArrayList<>();
        double worst = 0;
        try (PreparedStatement ps = c.prepareStatement(SPILLS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                double perCall = rs.getDouble(5);
                // a sort or hash needs roughly twice its on-disk size in memory
                if (perCall * 2 <= workMem) {
                    continue;
                }
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("queryid", rs.getLong(1));
                s.put("query", rs.getString(2));
                s.put("database", rs.getString(3));
                s.put("calls", rs.getLong(4));
                s.put("temp_bytes_per_call", Math.round(perCall));
                spills.add(s);
                worst = Math.max(worst, perCall);
            }
        }
        if (spills.isEmpty()) {
            return;
        }
        long suggested = Math.max(2 * MB, Long.highestOneBit((long) Math.ceil(worst * 2 / MB)) * MB);
        if (suggested < worst * 2) {
            suggested *= 2;
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("work_mem_bytes", Math.round(workMem));
        e.put("spilling_statements", spills);
        e.put("max_temp_bytes_per_call", Math.round(worst));
        e.put("suggested_work_mem_bytes", suggested);
        String action = "ALTER SYSTEM SET work_mem = '" + suggested / MB + "MB'; SELECT pg_reload_conf()";
        if (memory.isPresent() && maxConnections.isPresent()) {
            double budget = memory.get() * 0.25 / maxConnections.get();
            e.put("host_memory_bytes", Math.round(memory.get()));
            e.put("max_connections", Math.round(maxConnections.get()));
            e.put("per_connection_budget_bytes", Math.round(budget));
            if (suggested > budget) {
                action = "SET work_mem = '" + suggested / MB + "MB' only for the spilling statements' sessions or role "
                        + "(ALTER ROLE <role> SET work_mem = '" + suggested / MB + "MB'): a global value this large could "
                        + "exhaust memory with " + Math.round(maxConnections.get()) + " connections";
            }
        }
        result.add(new Finding(name(), targetId, null, "work_mem", KIND, "", e, action,
                "sorts and hashes of " + spills.size() + " statement(s) stay in memory instead of writing up to "
                        + Math.round(worst / MB) + " MB of temp files per call",
                Risk.MEDIUM, true, spills.size() + " statement(s) spill up to " + Math.round(worst / MB)
                + " MB per call to temp files with work_mem " + Math.round(workMem / 1024) + " kB"));
    }

    private void sharedBuffers(AdviceTarget target, Optional<Double> memory, AdvisorResult result) {
        Optional<Double> buffers = target.value("pg_settings_shared_buffers_bytes");
        double hit = sum(target.points("pg_stat_database_blks_hit"));
        double read = sum(target.points("pg_stat_database_blks_read"));
        if (buffers.isEmpty() || read < 10_000 || hit / (hit + read) >= config.minCacheHitRatio()) {
            return;
        }
        double ratio = hit / (hit + read);
        double quarter = memory.map(m -> m * 0.25).orElse(Double.MAX_VALUE);
        if (buffers.get() >= quarter) {
            return;
        }
        long suggested = (long) Math.min(quarter, buffers.get() * 2) / MB;
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("cache_hit_ratio", Math.round(ratio * 10000) / 10000.0);
        e.put("blks_hit", Math.round(hit));
        e.put("blks_read", Math.round(read));
        e.put("shared_buffers_bytes", Math.round(buffers.get()));
        memory.ifPresent(m -> e.put("host_memory_bytes", Math.round(m)));
        result.add(new Finding(name(), target.id(), null, "shared_buffers", KIND, "", e,
                "ALTER SYSTEM SET shared_buffers = '" + suggested + "MB' (takes effect after a restart)",
                "more of the working set served from shared buffers (hit ratio now " + Math.round(ratio * 1000) / 10.0 + "%)",
                Risk.HIGH, true, "Cache hit ratio " + Math.round(ratio * 1000) / 10.0 + "% with shared_buffers "
                + Math.round(buffers.get() / MB) + " MB"));
    }

    private void connections(AdviceTarget target, Optional<Double> maxConnections, AdvisorResult result) {
        Optional<Double> used = target.value("pg_connections_used");
        if (used.isEmpty() || maxConnections.isEmpty()) {
            return;
        }
        double peak = peakConnections.merge(target.id(), used.get(), Math::max);
        if (peak < config.maxConnectionRatio() * maxConnections.get()) {
            return;
        }
        long suggested = Math.round(maxConnections.get() * 1.5);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("peak_connections_seen", Math.round(peak));
        e.put("max_connections", Math.round(maxConnections.get()));
        result.add(new Finding(name(), target.id(), null, "max_connections", KIND, "", e,
                "put a connection pooler (PgBouncer, transaction mode) in front, or ALTER SYSTEM SET max_connections = "
                        + suggested + " (restart; budget work_mem for it)",
                "no 'too many clients' refusals at peak", Risk.HIGH, true, "Peak of " + Math.round(peak)
                + " connections seen against max_connections " + Math.round(maxConnections.get())));
    }

    private void checkpoints(AdviceTarget target, AdvisorResult result) {
        Optional<Double> timed = target.value("pg_stat_bgwriter_checkpoints_timed");
        Optional<Double> requested = target.value("pg_stat_bgwriter_checkpoints_req");
        Optional<Double> maxWal = target.value("pg_settings_max_wal_size_bytes");
        if (timed.isEmpty() || requested.isEmpty() || maxWal.isEmpty() || requested.get() < 5) {
            return;
        }
        double ratio = requested.get() / (timed.get() + requested.get());
        if (ratio <= config.maxRequestedCheckpointRatio()) {
            return;
        }
        long suggested = Math.round(maxWal.get() * 2 / MB);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("checkpoints_timed", Math.round(timed.get()));
        e.put("checkpoints_req", Math.round(requested.get()));
        e.put("requested_ratio", Math.round(ratio * 1000) / 1000.0);
        e.put("max_wal_size_bytes", Math.round(maxWal.get()));
        result.add(new Finding(name(), target.id(), null, "max_wal_size", KIND, "", e,
                "ALTER SYSTEM SET max_wal_size = '" + suggested + "MB'; SELECT pg_reload_conf()",
                "fewer forced checkpoints, so fewer full-page writes and I/O spikes", Risk.MEDIUM, true,
                Math.round(ratio * 100) + "% of checkpoints are requested (WAL filled max_wal_size) rather than timed"));
    }

    private void autovacuumWorkers(AdviceTarget target, AdvisorResult result) {
        Optional<Double> workers = target.value("pg_settings_autovacuum_max_workers");
        Optional<Double> busy = target.value("pg_stat_activity_autovacuum_workers");
        if (workers.isEmpty() || busy.isEmpty() || busy.get() < workers.get()) {
            return;
        }
        long backlog = 0;
        for (MetricPoint dead : target.points("pg_stat_user_tables_n_dead_tup")) {
            double live = target.value("pg_stat_user_tables_n_live_tup", flatten(dead.labels())).orElse(0.0);
            if (dead.value() > 50 + 0.2 * live) {
                backlog++;
            }
        }
        if (backlog <= workers.get()) {
            return;
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("autovacuum_max_workers", Math.round(workers.get()));
        e.put("autovacuum_workers_busy", Math.round(busy.get()));
        e.put("tables_past_default_threshold", backlog);
        result.add(new Finding(name(), target.id(), null, "autovacuum_max_workers", KIND, "", e,
                "ALTER SYSTEM SET autovacuum_max_workers = " + Math.round(workers.get() + 2)
                        + " (restart) and consider a lower autovacuum_vacuum_cost_delay",
                "the vacuum backlog drains instead of growing", Risk.HIGH, true, "All " + Math.round(workers.get())
                + " autovacuum workers are busy with " + backlog + " tables waiting"));
    }

    private static String[] flatten(Map<String, String> labels) {
        List<String> out = new ArrayList<>();
        labels.forEach((k, v) -> {
            out.add(k);
            out.add(v);
        });
        return out.toArray(String[]::new);
    }

    private static double sum(List<MetricPoint> points) {
        return points.stream().mapToDouble(MetricPoint::value).sum();
    }
}
