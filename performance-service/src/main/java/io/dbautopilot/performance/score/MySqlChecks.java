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
import static io.dbautopilot.performance.score.MetricCheck.perUnit;
import static io.dbautopilot.performance.score.MetricCheck.sum;
import static io.dbautopilot.performance.score.MetricCheck.worst;
import static io.dbautopilot.performance.score.MetricCheck.worstWhere;

/**
 * The health checks of MySQL and MariaDB targets, from their latest values (mysqld_exporter names), with the same
 * categories, tiers and points as the PostgreSQL checks where the two engines share a concept.
 */
@ApplicationScoped
public class MySqlChecks implements EngineHealthChecks {

    private static final long MIB = 1024L * 1024;

    /** Derived inside scoring only: connected threads / max_connections. */
    static final String CONNECTIONS_RATIO = "mysql_connections_utilization_ratio";
    /** Derived inside scoring only: running threads / max_connections. */
    static final String RUNNING_RATIO = "mysql_threads_running_ratio";
    /** Derived inside scoring only: {@code mysql_info_schema_table_size{component=data_free}} per table. */
    static final String DATA_FREE = "mysql_table_data_free_bytes";

    static final List<MetricCheck> CHECKS = List.of(
            worst("replication_io_stopped", CONNECTIVITY, "mysql_slave_status_slave_io_running", false, d(0.5), p(25),
                    "the replica's I/O thread is not running"),
            worst("replication_sql_stopped", CONNECTIVITY, "mysql_slave_status_slave_sql_running", false, d(0.5), p(25),
                    "the replica's SQL thread is not running"),
            worst("replica_lag", CONNECTIVITY, "mysql_slave_status_seconds_behind_master", true, d(30, 300), p(10, 25),
                    "this replica applies events late"),

            worst("connection_utilization", CONNECTION_POOL, CONNECTIONS_RATIO, true, d(0.75, 0.9), p(15, 40),
                    "connected threads near max_connections"),
            worst("sleeping_in_transaction_age", CONNECTION_POOL, "mysql_info_schema_innodb_trx_sleeping_max_seconds",
                    true, d(60, 300), p(10, 25), "a session holds a transaction open while sleeping (locks, purge)"),
            sum("sleeping_in_transaction_sessions", CONNECTION_POOL, "mysql_info_schema_innodb_trx_sleeping_count",
                    d(5, 20), p(10, 20), "many sessions sleep inside a transaction"),

            worst("buffer_pool_hit_ratio", QUERY_PERFORMANCE, "mysql_innodb_buffer_pool_hit_ratio", false,
                    d(0.99, 0.95, 0.90), p(10, 25, 40), "reads miss the InnoDB buffer pool (last interval)"),
            worst("long_running_query", QUERY_PERFORMANCE, "mysql_info_schema_processlist_longest_query_seconds", true,
                    d(60, 300), p(10, 25), "a statement has been running for long"),
            perUnit("slow_statements", QUERY_PERFORMANCE, "mysql_perf_schema_events_statements_slow_count", 5, 20,
                    "statement digests whose mean time is above the slow threshold"),
            worst("threads_running", QUERY_PERFORMANCE, RUNNING_RATIO, true, d(0.3, 0.6), p(10, 25),
                    "many threads run at once (share of max_connections)"),
            worst("host_cpu_idle", QUERY_PERFORMANCE, "host_cpu_idle_ratio", false, d(0.10), p(15),
                    "the host's CPUs are more than 90 % busy"),
            worst("host_iowait", QUERY_PERFORMANCE, "host_cpu_iowait_ratio", true, d(0.20), p(10),
                    "the host waits on I/O"),

            perUnit("duplicate_indexes", SCHEMA_INTEGRITY, "mysql_info_schema_indexes_duplicate_count", 5, 15,
                    "indexes whose columns lead another index"),
            perUnit("unused_indexes", SCHEMA_INTEGRITY, "mysql_perf_schema_indexes_unused_count", 2, 10,
                    "secondary indexes not used since the server started"),
            worstWhere("table_fragmentation", SCHEMA_INTEGRITY, "mysql_info_schema_table_fragmentation_ratio",
                    d(0.3, 0.5), p(10, 20), DATA_FREE, 8 * MIB,
                    "a table's tablespace is largely free space (8 MiB or more; OPTIMIZE TABLE returns it)"),

            worst("long_transaction", TRANSACTIONS, "mysql_info_schema_innodb_trx_longest_seconds", true, d(300, 3600),
                    p(15, 35), "a transaction has been open for long (holds back purge)"),
            sum("row_lock_waits", TRANSACTIONS, "mysql_info_schema_innodb_trx_lock_wait_count", d(0, 5), p(10, 25),
                    "transactions wait for row locks held by others"),
            worst("history_list_length", TRANSACTIONS, "mysql_global_status_innodb_history_list_length", true,
                    d(100_000, 1_000_000), p(10, 25), "purge lags behind (undo history kept for old read views)"));

    private final HealthConfig config;

    public MySqlChecks(HealthConfig config) {
        this.config = config;
    }

    @Override
    public Set<Engine> engines() {
        return Set.of(Engine.MYSQL, Engine.MARIADB);
    }

    @Override
    public List<CheckResult> evaluate(MetricSnapshot snapshot, List<MetricPoint> current, Instant now) {
        Map<String, List<MetricPoint>> byName = new HashMap<>();
        current.forEach(p -> byName.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(p));
        derive(byName);
        List<CheckResult> out = new ArrayList<>();
        out.add(CommonChecks.targetUp(byName, "mysql_up"));
        out.add(restarted(byName));
        out.add(failedFamilies(snapshot));
        out.add(diskUsed(byName));
        for (MetricCheck c : CHECKS) {
            out.add(c.evaluate(byName));
        }
        out.add(CheckResult.notEvaluated("security", SECURITY,
                "unavailable: the security checks of MySQL / MariaDB are not implemented yet"));
        return out;
    }

    /** Adds the ratios and per-table free space the checks compare (never emitted as metrics). */
    private static void derive(Map<String, List<MetricPoint>> byName) {
        OptionalDouble max = first(byName, "mysql_global_variables_max_connections");
        if (max.isPresent() && max.getAsDouble() > 0) {
            first(byName, "mysql_global_status_threads_connected").ifPresent(v -> byName.put(CONNECTIONS_RATIO,
                    List.of(MetricPoint.of(CONNECTIONS_RATIO, v / max.getAsDouble()))));
            first(byName, "mysql_global_status_threads_running").ifPresent(v -> byName.put(RUNNING_RATIO,
                    List.of(MetricPoint.of(RUNNING_RATIO, v / max.getAsDouble()))));
        }
        List<MetricPoint> free = new ArrayList<>();
        for (MetricPoint p : byName.getOrDefault("mysql_info_schema_table_size", List.of())) {
            if ("data_free".equals(p.labels().get("component"))) {
                Map<String, String> labels = new HashMap<>(p.labels());
                labels.remove("component");
                free.add(new MetricPoint(DATA_FREE, labels, p.value()));
            }
        }
        byName.put(DATA_FREE, free);
    }

    private CheckResult restarted(Map<String, List<MetricPoint>> byName) {
        return CommonChecks.restarted(first(byName, "mysql_global_status_uptime"), "no mysql_global_status_uptime",
                config.restartGrace().toSeconds(),
                "the server restarted recently (uptime in seconds; the buffer pool is cold, sessions were dropped)");
    }

    private static CheckResult diskUsed(Map<String, List<MetricPoint>> byName) {
        if (first(byName, "host_data_directory_filesystem_free_bytes").isEmpty()) {
            return CheckResult.notEvaluated("data_disk_used", STORAGE,
                    "the data directory's filesystem is not known here (host metrics are collected only for targets"
                            + " on this machine, with autopilot.targets.<id>.data-directory)");
        }
        return worst("data_disk_used", STORAGE, "host_filesystem_used_ratio", true, d(0.8, 0.9, 0.95), p(15, 40, 70),
                "the data directory's filesystem is filling up").evaluate(byName);
    }

}
