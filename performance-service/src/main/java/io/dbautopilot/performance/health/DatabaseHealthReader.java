package io.dbautopilot.performance.health;

import io.dbautopilot.model.Engine;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.performance.engine.Reachability;
import io.dbautopilot.performance.score.HealthReport;
import io.dbautopilot.performance.score.HealthScorer;
import io.dbautopilot.performance.score.HealthScores;
import io.dbautopilot.performance.state.TargetStatusStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads each target's database health for {@code GET /api/health/database}: status, connections, cache hit ratio,
 * slow queries and sizes from the collector's current values, score and grade from the health scorer; for targets
 * another instance collects, what their owner last stored (status, score, grade). Reads only: it collects nothing.
 */
@ApplicationScoped
public class DatabaseHealthReader {

    private static final Logger LOG = Logger.getLogger(DatabaseHealthReader.class);
    private static final Duration STATE_TIMEOUT = Duration.ofSeconds(5);
    private static final int SLOWEST = 10;

    /** The metric names each engine's collector gives the values of this view under. */
    private record Names(String used, String max, String cacheHit, String cacheLabel, String slowCount,
                         String longestRunning, String size, String sizeLabel) {
    }

    private static final Names POSTGRESQL = new Names("pg_connections_used", "pg_connections_max_usable",
            "pg_stat_database_cache_hit_ratio", "datname", "pg_stat_statements_slow_count",
            "pg_stat_activity_max_query_duration_seconds", "pg_database_size_bytes", "datname");
    private static final Names MYSQL = new Names("mysql_global_status_threads_connected",
            "mysql_global_variables_max_connections", "mysql_innodb_buffer_pool_hit_ratio", null,
            "mysql_perf_schema_events_statements_slow_count", "mysql_info_schema_processlist_longest_query_seconds",
            "mysql_info_schema_schema_size_bytes", "schema");

    private final LatestSnapshots latest;
    private final HealthScores scores;
    private final HealthScorer scorer;
    private final TargetStatusStore status;
    private final TargetsConfig config;

    public DatabaseHealthReader(LatestSnapshots latest, HealthScores scores, HealthScorer scorer,
                                TargetStatusStore status, TargetsConfig config) {
        this.latest = latest;
        this.scores = scores;
        this.scorer = scorer;
        this.status = status;
        this.config = config;
    }

    /** The health of each target in scope, in the order given. Blocking (state database): call on a worker thread. */
    public List<DatabaseHealth> read(List<HealthTargets.Scoped> targets) {
        Map<String, TargetStatusStore.Stored> stored = Map.of();
        String storedMissing = null;
        if (targets.stream().anyMatch(t -> !t.here())) {
            try {
                stored = status.all().await().atMost(STATE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.warnf("Database health without other instances' status: %s", e.getMessage());
                storedMissing = "its owner's last status is unknown: the state database could not be read";
            }
        }
        List<DatabaseHealth> out = new ArrayList<>();
        for (HealthTargets.Scoped t : targets) {
            out.add(t.here() ? here(t) : elsewhere(t, stored.get(t.id()), storedMissing));
        }
        return out;
    }

    private DatabaseHealth elsewhere(HealthTargets.Scoped t, TargetStatusStore.Stored s, String storedMissing) {
        String note = HealthTargets.elsewhere(t, "connections, cache hit ratio, slow queries and sizes");
        if (storedMissing != null) {
            note += "; " + storedMissing;
        }
        String state = s == null || s.lastCycleAt() == null ? "unknown" : s.reachable() ? "up" : "down";
        String owner = t.owner() != null ? t.owner() : s == null ? null : s.owner();
        return new DatabaseHealth(t.id(), t.engine().wire(), owner, false, state, s == null ? null : s.lastCycleAt(),
                null, null, null, null, null, null, null, s == null ? null : s.score(), s == null ? null : s.grade(), note);
    }

    private DatabaseHealth here(HealthTargets.Scoped t) {
        Optional<MetricSnapshot> snapshot = latest.latest(t.id());
        if (snapshot.isEmpty()) {
            return new DatabaseHealth(t.id(), t.engine().wire(), t.owner(), true, "unknown", null, null, null, null, null,
                    null, null, null, null, null, "no collection cycle has finished yet: retry after its interval ("
                    + t.runtime().config().interval() + ")");
        }
        boolean up = Reachability.reached(snapshot.get());
        String error = up || snapshot.get().errors().isEmpty() ? null : String.join("; ", snapshot.get().errors().values());
        List<String> notes = new ArrayList<>();
        Integer score = null;
        String grade = null;
        try {
            Optional<HealthReport> report = scores.latest(t.id()).or(() -> scorer.score(t.id()));
            if (report.isPresent()) {
                score = report.get().score();
                grade = report.get().grade();
            }
        } catch (RuntimeException e) {
            LOG.warnf("Health score of %s not available: %s", t.id(), e.getMessage());
            notes.add("health score unknown: " + e.getMessage());
        }
        Names names = t.engine() == Engine.POSTGRESQL ? POSTGRESQL : t.engine() == Engine.MYSQL
                || t.engine() == Engine.MARIADB ? MYSQL : null;
        if (!up || names == null) {
            notes.add(!up ? "the target is down: no current values" : "engine " + t.engine().wire()
                    + " has no collector yet");
            return new DatabaseHealth(t.id(), t.engine().wire(), t.owner(), true, up ? "up" : "down",
                    snapshot.get().collectedAt(), error, null, null, null, null, null, null, score, grade,
                    String.join("; ", notes));
        }
        Map<String, List<MetricPoint>> byName = new TreeMap<>();
        for (MetricPoint p : latest.current(t.id())) {
            byName.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(p);
        }
        Double used = first(byName, names.used());
        Double max = first(byName, names.max());
        DatabaseHealth.Connections connections = used == null && max == null ? null
                : new DatabaseHealth.Connections(used, max, used != null && max != null && max > 0 ? used / max : null);
        Map<String, Double> cache = new TreeMap<>();
        for (MetricPoint p : byName.getOrDefault(names.cacheHit(), List.of())) {
            cache.put(names.cacheLabel() == null ? "*" : p.labels().getOrDefault(names.cacheLabel(), "*"), p.value());
        }
        Double worstCache = cache.values().stream().min(Double::compare).orElse(null);
        Map<String, Long> sizes = new TreeMap<>();
        for (MetricPoint p : byName.getOrDefault(names.size(), List.of())) {
            sizes.put(p.labels().getOrDefault(names.sizeLabel(), "*"), (long) p.value());
        }
        Long total = sizes.isEmpty() ? null : sizes.values().stream().mapToLong(Long::longValue).sum();
        DatabaseHealth.SlowQueries slow = new DatabaseHealth.SlowQueries(first(byName, names.slowCount()),
                config.collection().slowStatementMean().toNanos() / 1e9, first(byName, names.longestRunning()),
                t.engine() == Engine.POSTGRESQL ? slowest(byName) : List.of());
        if (cache.isEmpty()) {
            notes.add("cache hit ratio unknown until two readings of the block counters");
        }
        if (slow.slowStatements() == null) {
            notes.add("slow statements unknown: the statements family has not run or is unavailable (see the snapshot)");
        }
        return new DatabaseHealth(t.id(), t.engine().wire(), t.owner(), true, "up", snapshot.get().collectedAt(), null,
                connections, worstCache, cache, slow, sizes, total, score, grade,
                notes.isEmpty() ? null : String.join("; ", notes));
    }

    /** The statements the collector flagged slow, slowest mean first. */
    private static List<DatabaseHealth.SlowStatement> slowest(Map<String, List<MetricPoint>> byName) {
        Map<Map<String, String>, Double> means = new java.util.HashMap<>();
        byName.getOrDefault("pg_stat_statements_mean_seconds", List.of()).forEach(p -> means.put(p.labels(), p.value()));
        Map<Map<String, String>, Double> calls = new java.util.HashMap<>();
        byName.getOrDefault("pg_stat_statements_calls", List.of()).forEach(p -> calls.put(p.labels(), p.value()));
        return byName.getOrDefault("pg_stat_statements_slow", List.of()).stream()
                .filter(p -> p.value() == 1 && means.containsKey(p.labels()))
                .map(p -> new DatabaseHealth.SlowStatement(p.labels().get("datname"), p.labels().get("user"),
                        p.labels().get("queryid"), means.get(p.labels()), calls.get(p.labels())))
                .sorted(Comparator.comparingDouble(DatabaseHealth.SlowStatement::meanSeconds).reversed())
                .limit(SLOWEST).toList();
    }

    private static Double first(Map<String, List<MetricPoint>> byName, String name) {
        List<MetricPoint> ps = byName.getOrDefault(name, List.of());
        return ps.isEmpty() ? null : ps.get(0).value();
    }
}
