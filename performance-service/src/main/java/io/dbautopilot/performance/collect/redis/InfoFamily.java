package io.dbautopilot.performance.collect.redis;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.CounterHistory;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code INFO} as redis_exporter names it ({@code redis_memory_used_bytes}, {@code redis_keyspace_hits_total}, ...:
 * server, clients, memory, persistence, stats, replication, CPU and keyspace sections), plus what a rule needs that
 * INFO only implies: the keyspace hit ratio of the last interval, whether the eviction policy evicts, each replica's
 * lag in bytes, and the master link as 0/1.
 */
@ApplicationScoped
public class InfoFamily implements RedisFamily {

    /** INFO field to redis_exporter's gauge name (without {@code redis_}). */
    static final Map<String, String> GAUGES = Map.ofEntries(
            Map.entry("uptime_in_seconds", "uptime_in_seconds"),
            Map.entry("process_id", "process_id"),
            Map.entry("io_threads_active", "io_threads_active"),
            Map.entry("connected_clients", "connected_clients"),
            Map.entry("blocked_clients", "blocked_clients"),
            Map.entry("tracking_clients", "tracking_clients"),
            Map.entry("clients_in_timeout_table", "clients_in_timeout_table"),
            Map.entry("maxclients", "config_maxclients"),
            Map.entry("client_recent_max_input_buffer", "client_recent_max_input_buffer_bytes"),
            Map.entry("client_recent_max_output_buffer", "client_recent_max_output_buffer_bytes"),
            Map.entry("used_memory", "memory_used_bytes"),
            Map.entry("used_memory_rss", "memory_used_rss_bytes"),
            Map.entry("used_memory_peak", "memory_used_peak_bytes"),
            Map.entry("used_memory_lua", "memory_used_lua_bytes"),
            Map.entry("used_memory_overhead", "memory_used_overhead_bytes"),
            Map.entry("used_memory_startup", "memory_used_startup_bytes"),
            Map.entry("used_memory_dataset", "memory_used_dataset_bytes"),
            Map.entry("used_memory_scripts", "memory_used_scripts_bytes"),
            Map.entry("maxmemory", "memory_max_bytes"),
            Map.entry("total_system_memory", "total_system_memory_bytes"),
            Map.entry("allocator_active", "allocator_active_bytes"),
            Map.entry("allocator_allocated", "allocator_allocated_bytes"),
            Map.entry("allocator_resident", "allocator_resident_bytes"),
            Map.entry("allocator_frag_ratio", "allocator_frag_ratio"),
            Map.entry("allocator_frag_bytes", "allocator_frag_bytes"),
            Map.entry("allocator_rss_ratio", "allocator_rss_ratio"),
            Map.entry("allocator_rss_bytes", "allocator_rss_bytes"),
            Map.entry("mem_fragmentation_ratio", "mem_fragmentation_ratio"),
            Map.entry("mem_fragmentation_bytes", "mem_fragmentation_bytes"),
            Map.entry("mem_clients_slaves", "mem_clients_slaves"),
            Map.entry("mem_clients_normal", "mem_clients_normal"),
            Map.entry("mem_not_counted_for_evict", "mem_not_counted_for_eviction_bytes"),
            Map.entry("active_defrag_running", "active_defrag_running"),
            Map.entry("lazyfree_pending_objects", "lazyfree_pending_objects"),
            Map.entry("loading", "loading_dump_file"),
            Map.entry("rdb_changes_since_last_save", "rdb_changes_since_last_save"),
            Map.entry("rdb_bgsave_in_progress", "rdb_bgsave_in_progress"),
            Map.entry("rdb_last_save_time", "rdb_last_save_timestamp_seconds"),
            Map.entry("rdb_last_bgsave_time_sec", "rdb_last_bgsave_duration_sec"),
            Map.entry("rdb_current_bgsave_time_sec", "rdb_current_bgsave_duration_sec"),
            Map.entry("rdb_last_cow_size", "rdb_last_cow_size_bytes"),
            Map.entry("aof_enabled", "aof_enabled"),
            Map.entry("aof_rewrite_in_progress", "aof_rewrite_in_progress"),
            Map.entry("aof_rewrite_scheduled", "aof_rewrite_scheduled"),
            Map.entry("aof_last_rewrite_time_sec", "aof_last_rewrite_duration_sec"),
            Map.entry("aof_current_rewrite_time_sec", "aof_current_rewrite_duration_sec"),
            Map.entry("aof_last_cow_size", "aof_last_cow_size_bytes"),
            Map.entry("aof_current_size", "aof_current_size_bytes"),
            Map.entry("aof_base_size", "aof_base_size_bytes"),
            Map.entry("aof_pending_rewrite", "aof_pending_rewrite"),
            Map.entry("aof_buffer_length", "aof_buffer_length"),
            Map.entry("aof_pending_bio_fsync", "aof_pending_bio_fsync"),
            Map.entry("aof_delayed_fsync", "aof_delayed_fsync"),
            Map.entry("aof_rewrites_consecutive_failures", "aof_rewrites_consecutive_failures"),
            Map.entry("pubsub_channels", "pubsub_channels"),
            Map.entry("pubsub_patterns", "pubsub_patterns"),
            Map.entry("connected_slaves", "connected_slaves"),
            Map.entry("repl_backlog_size", "replication_backlog_bytes"),
            Map.entry("repl_backlog_active", "repl_backlog_is_active"),
            Map.entry("repl_backlog_first_byte_offset", "repl_backlog_first_byte_offset"),
            Map.entry("repl_backlog_histlen", "repl_backlog_history_bytes"),
            Map.entry("master_repl_offset", "master_repl_offset"),
            Map.entry("second_repl_offset", "second_repl_offset"),
            Map.entry("slave_expires_tracked_keys", "slave_expires_tracked_keys"),
            Map.entry("master_last_io_seconds_ago", "master_last_io_seconds_ago"),
            Map.entry("master_sync_in_progress", "master_sync_in_progress"),
            Map.entry("master_link_down_since_seconds", "master_link_down_since_seconds"),
            Map.entry("slave_repl_offset", "slave_repl_offset"),
            Map.entry("slave_priority", "slave_priority"),
            Map.entry("slave_read_only", "slave_read_only"));

    /** INFO field to redis_exporter's counter name (without {@code redis_}). */
    static final Map<String, String> COUNTERS = Map.ofEntries(
            Map.entry("total_connections_received", "connections_received_total"),
            Map.entry("total_commands_processed", "commands_processed_total"),
            Map.entry("rejected_connections", "rejected_connections_total"),
            Map.entry("total_net_input_bytes", "net_input_bytes_total"),
            Map.entry("total_net_output_bytes", "net_output_bytes_total"),
            Map.entry("expired_keys", "expired_keys_total"),
            Map.entry("evicted_keys", "evicted_keys_total"),
            Map.entry("keyspace_hits", "keyspace_hits_total"),
            Map.entry("keyspace_misses", "keyspace_misses_total"),
            Map.entry("used_cpu_sys", "cpu_sys_seconds_total"),
            Map.entry("used_cpu_user", "cpu_user_seconds_total"),
            Map.entry("used_cpu_sys_children", "cpu_sys_children_seconds_total"),
            Map.entry("used_cpu_user_children", "cpu_user_children_seconds_total"),
            Map.entry("sync_full", "replica_resyncs_full"),
            Map.entry("sync_partial_ok", "replica_partial_resync_accepted"),
            Map.entry("sync_partial_err", "replica_partial_resync_denied"),
            Map.entry("total_error_replies", "total_error_replies"));

    /** {@code ok} fields reported as 1 (ok) or 0. */
    static final Map<String, String> STATUSES = Map.of(
            "rdb_last_bgsave_status", "rdb_last_bgsave_status",
            "aof_last_bgrewrite_status", "aof_last_bgrewrite_status",
            "aof_last_write_status", "aof_last_write_status");

    @Override
    public String name() {
        return "info";
    }

    @Override
    public Duration defaultInterval() {
        return null;
    }

    @Override
    public Uni<List<MetricPoint>> collect(RedisContext context, RedisConnection connection) {
        return Uni.createFrom().item(() -> points(context));
    }

    static List<MetricPoint> points(RedisContext context) {
        RedisInfo info = context.info();
        PointsBuilder points = new PointsBuilder();
        GAUGES.forEach((field, metric) -> info.number(field).ifPresent(v -> points.add("redis_" + metric, v)));
        COUNTERS.forEach((field, metric) -> info.number(field).ifPresent(v -> points.add("redis_" + metric, v)));
        STATUSES.forEach((field, metric) -> Optional.ofNullable(info.text(field))
                .ifPresent(v -> points.add("redis_" + metric, v.equals("ok") ? 1 : 0)));
        info.number("latest_fork_usec").ifPresent(v -> points.add("redis_latest_fork_seconds", v / 1e6));
        String link = info.text("master_link_status");
        if (link != null) {
            points.add("redis_master_link_up", link.equals("up") ? 1 : 0);
        }
        String policy = info.text("maxmemory_policy");
        if (policy != null) {
            points.add("redis_maxmemory_policy_evicting",
                    policy.startsWith("allkeys-") || policy.startsWith("volatile-") ? 1 : 0);
        }
        info.number("uptime_in_seconds").ifPresent(up -> points.add("redis_start_time_seconds",
                context.cycleStart().getEpochSecond() - (long) up));
        points.add("redis_instance_info", 1, "role", nonNull(info.text("role")), "redis_version",
                nonNull(info.text("redis_version")), "redis_mode", nonNull(info.text("redis_mode")),
                "maxmemory_policy", nonNull(policy));
        keyspace(info, points);
        replicas(info, points);
        hitRatio(context, points);
        return points.build();
    }

    /** {@code db0:keys=1,expires=0,avg_ttl=0} per database. */
    private static void keyspace(RedisInfo info, PointsBuilder points) {
        info.fields().forEach((field, value) -> {
            if (field.matches("db\\d+") && value.contains("keys=")) {
                Map<String, String> kv = RedisInfo.pairs(value);
                number(kv.get("keys")).ifPresent(v -> points.add("redis_db_keys", v, "db", field));
                number(kv.get("expires")).ifPresent(v -> points.add("redis_db_keys_expiring", v, "db", field));
                number(kv.get("avg_ttl")).ifPresent(v -> points.add("redis_db_avg_ttl_seconds", v / 1000, "db", field));
            }
        });
    }

    /** {@code slave0:ip=..,port=..,state=online,offset=..,lag=..} per replica (on a master). */
    private static void replicas(RedisInfo info, PointsBuilder points) {
        double masterOffset = info.number("master_repl_offset").orElse(Double.NaN);
        info.fields().forEach((field, value) -> {
            if (field.matches("slave\\d+") && value.contains("ip=")) {
                Map<String, String> kv = RedisInfo.pairs(value);
                String[] labels = {"slave_ip", nonNull(kv.get("ip")), "slave_port", nonNull(kv.get("port")),
                        "slave_state", nonNull(kv.get("state"))};
                number(kv.get("offset")).ifPresent(offset -> {
                    points.add("redis_connected_slave_offset_bytes", offset, labels);
                    if (!Double.isNaN(masterOffset)) {
                        points.add("redis_connected_slave_lag_bytes", Math.max(0, masterOffset - offset), labels);
                    }
                });
                number(kv.get("lag")).ifPresent(lag -> points.add("redis_connected_slave_lag_seconds", lag, labels));
            }
        });
    }

    /** Keyspace hit ratio and lookups per second of the last interval (from the hit and miss counters' deltas). */
    private static void hitRatio(RedisContext context, PointsBuilder points) {
        RedisInfo info = context.info();
        if (info.number("keyspace_hits").isEmpty() || info.number("keyspace_misses").isEmpty()) {
            return;
        }
        CounterHistory counters = context.counters();
        Optional<CounterHistory.Delta> hits = counters.advance("info/keyspace_hits",
                info.number("keyspace_hits").getAsDouble(), context.cycleStart(), context.epoch());
        Optional<CounterHistory.Delta> misses = counters.advance("info/keyspace_misses",
                info.number("keyspace_misses").getAsDouble(), context.cycleStart(), context.epoch());
        if (hits.isPresent() && misses.isPresent()) {
            double lookups = hits.get().amount() + misses.get().amount();
            double seconds = hits.get().elapsed().toMillis() / 1000.0;
            if (seconds > 0) {
                points.add("redis_keyspace_lookups_per_second", lookups / seconds);
            }
            if (lookups > 0) {
                points.add("redis_keyspace_hit_ratio", hits.get().amount() / lookups);
            }
        }
    }

    private static java.util.OptionalDouble number(String text) {
        if (text == null) {
            return java.util.OptionalDouble.empty();
        }
        try {
            return java.util.OptionalDouble.of(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return java.util.OptionalDouble.empty();
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
