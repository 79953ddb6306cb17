package io.dbautopilot.performance.score;

import io.dbautopilot.model.Engine;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.engine.EngineHealthChecks;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

import static io.dbautopilot.performance.score.CommonChecks.d;
import static io.dbautopilot.performance.score.CommonChecks.failedFamilies;
import static io.dbautopilot.performance.score.CommonChecks.first;
import static io.dbautopilot.performance.score.CommonChecks.p;
import static io.dbautopilot.performance.score.Category.CONNECTION_POOL;
import static io.dbautopilot.performance.score.Category.CONNECTIVITY;
import static io.dbautopilot.performance.score.Category.QUERY_PERFORMANCE;
import static io.dbautopilot.performance.score.Category.SCHEMA_INTEGRITY;
import static io.dbautopilot.performance.score.Category.SECURITY;
import static io.dbautopilot.performance.score.Category.STORAGE;
import static io.dbautopilot.performance.score.Category.TRANSACTIONS;
import static io.dbautopilot.performance.score.MetricCheck.worst;
import static io.dbautopilot.performance.score.MetricCheck.worstWhere;

/**
 * The health checks of Redis targets, from their latest values (redis_exporter names), with the categories, tiers
 * and points of the PostgreSQL checks where the engines share a concept; Redis has no schema or transactions to
 * score, and says so.
 */
@ApplicationScoped
public class RedisChecks implements EngineHealthChecks {

    /** Derived inside scoring only: used memory / maxmemory (when maxmemory is set). */
    static final String MEMORY_RATIO = "redis_memory_max_utilization_ratio";
    /** Derived inside scoring only: connected clients / maxclients. */
    static final String CLIENTS_RATIO = "redis_clients_utilization_ratio";

    static final List<MetricCheck> CHECKS = List.of(
            worst("replication_link", CONNECTIVITY, "redis_master_link_up", false, d(0.5), p(25),
                    "this replica has lost its link to the master"),
            worst("replica_lag", CONNECTIVITY, "redis_connected_slave_lag_seconds", true, d(10, 60), p(10, 25),
                    "a replica acknowledges the replication stream late"),

            worst("client_utilization", CONNECTION_POOL, CLIENTS_RATIO, true, d(0.75, 0.9), p(15, 40),
                    "connected clients near maxclients"),
            worst("blocked_clients", CONNECTION_POOL, "redis_blocked_clients", true, d(50, 500), p(5, 15),
                    "clients blocked in blocking calls"),

            worst("keyspace_hit_ratio", QUERY_PERFORMANCE, "redis_keyspace_hit_ratio", false, d(0.8, 0.5), p(10, 25),
                    "key lookups miss (last interval)"),
            worst("ping_latency", QUERY_PERFORMANCE, "redis_ping_seconds", true, d(0.01, 0.1), p(10, 25),
                    "PING takes long (the server is busy or the network slow)"),
            worst("host_cpu_idle", QUERY_PERFORMANCE, "host_cpu_idle_ratio", false, d(0.10), p(15),
                    "the host's CPUs are more than 90 % busy"),

            worst("memory_utilization", STORAGE, MEMORY_RATIO, true, d(0.8, 0.9, 0.95), p(15, 40, 70),
                    "used memory near maxmemory"),
            worstWhere("fragmentation", STORAGE, "redis_mem_fragmentation_ratio", d(1.5, 2.5), p(10, 20),
                    "redis_mem_fragmentation_bytes", 100 * 1024 * 1024,
                    "RSS well above used memory (100 MiB or more; MEMORY PURGE or active defrag returns it)"),
            worst("rdb_last_bgsave", STORAGE, "redis_rdb_last_bgsave_status", false, d(0.5), p(40),
                    "the last RDB snapshot failed"),
            worst("aof_last_write", STORAGE, "redis_aof_last_write_status", false, d(0.5), p(40),
                    "writing the append-only file failed"));

    private final HealthConfig config;

    public RedisChecks(HealthConfig config) {
        this.config = config;
    }

    @Override
    public Set<Engine> engines() {
        return Set.of(Engine.REDIS);
    }

    @Override
    public List<CheckResult> evaluate(MetricSnapshot snapshot, List<MetricPoint> current, Instant now) {
        Map<String, List<MetricPoint>> byName = new HashMap<>();
        current.forEach(p -> byName.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(p));
        derive(byName);
        List<CheckResult> out = new ArrayList<>();
        out.add(CommonChecks.targetUp(byName, "redis_up"));
        out.add(restarted(byName));
        out.add(failedFamilies(snapshot));
        for (MetricCheck c : CHECKS) {
            out.add(c.evaluate(byName));
        }
        out.add(CheckResult.notEvaluated("schema", SCHEMA_INTEGRITY, "unavailable: Redis has no schema"));
        out.add(CheckResult.notEvaluated("transactions", TRANSACTIONS,
                "unavailable: Redis has no long-lived transactions to score"));
        out.add(CheckResult.notEvaluated("security", SECURITY,
                "unavailable: the security checks of Redis are not implemented yet"));
        return out;
    }

    /** Adds the ratios the checks compare (never emitted as metrics). */
    private static void derive(Map<String, List<MetricPoint>> byName) {
        OptionalDouble max = first(byName, "redis_memory_max_bytes");
        if (max.isPresent() && max.getAsDouble() > 0) {
            first(byName, "redis_memory_used_bytes").ifPresent(v -> byName.put(MEMORY_RATIO,
                    List.of(MetricPoint.of(MEMORY_RATIO, v / max.getAsDouble()))));
        }
        OptionalDouble clients = first(byName, "redis_config_maxclients");
        if (clients.isPresent() && clients.getAsDouble() > 0) {
            first(byName, "redis_connected_clients").ifPresent(v -> byName.put(CLIENTS_RATIO,
                    List.of(MetricPoint.of(CLIENTS_RATIO, v / clients.getAsDouble()))));
        }
    }

    private CheckResult restarted(Map<String, List<MetricPoint>> byName) {
        return CommonChecks.restarted(first(byName, "redis_uptime_in_seconds"), "no redis_uptime_in_seconds",
                config.restartGrace().toSeconds(),
                "the server restarted recently (uptime in seconds; a cache starts cold, unsaved keys are gone)");
    }

}
