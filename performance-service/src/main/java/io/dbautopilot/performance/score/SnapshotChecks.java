package io.dbautopilot.performance.score;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

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
 * The named checks computed from a target's latest values (every category but backup status); the thresholds and
 * points are listed here and in the README.
 */
@ApplicationScoped
public class SnapshotChecks implements io.dbautopilot.performance.engine.EngineHealthChecks {

    private static final long MIB = 1024L * 1024;

    /** The metric checks, in category order. */
    static final List<MetricCheck> CHECKS = List.of(
            worst("pending_restart", CONNECTIVITY, "pg_settings_pending_restart_count", true, d(0), p(5),
                    "settings changed that need a restart to take effect"),
            worst("replica_lag", CONNECTIVITY, "pg_replication_lag_seconds", true, d(30, 300), p(10, 25),
                    "this standby replays WAL late"),
            worst("standby_replay_lag", CONNECTIVITY, "pg_stat_replication_replay_lag_seconds", true, d(30, 300), p(10, 25),
                    "a standby of this primary replays WAL late"),

            worst("connection_utilization", CONNECTION_POOL, "pg_connections_utilization_ratio", true, d(0.75, 0.9),
                    p(15, 40), "client connections near max_connections minus reserved slots"),
            worst("idle_in_transaction_age", CONNECTION_POOL, "pg_stat_activity_idle_in_transaction_max_age_seconds", true,
                    d(60, 300), p(10, 25), "a session holds a transaction open while idle (locks, snapshot, connection)"),
            sum("idle_in_transaction_sessions", CONNECTION_POOL, "pg_stat_activity_idle_in_transaction_count", d(5, 20),
                    p(10, 20), "many sessions idle in transaction"),

            worst("cache_hit_ratio", QUERY_PERFORMANCE, "pg_stat_database_cache_hit_ratio", false, d(0.99, 0.95, 0.90),
                    p(10, 25, 40), "reads miss shared buffers (last interval)"),
            worst("long_running_query", QUERY_PERFORMANCE, "pg_stat_activity_max_query_duration_seconds", true, d(60, 300),
                    p(10, 25), "a statement has been running for long"),
            perUnit("slow_statements", QUERY_PERFORMANCE, "pg_stat_statements_slow_count", 5, 20,
                    "statements whose mean time is above the slow threshold"),
            worst("requested_checkpoints", QUERY_PERFORMANCE, "pg_stat_bgwriter_checkpoints_req_ratio", true, d(0.5),
                    p(10), "most checkpoints are forced by WAL volume (max_wal_size too small?)"),
            worst("host_cpu_idle", QUERY_PERFORMANCE, "host_cpu_idle_ratio", false, d(0.10), p(15),
                    "the host's CPUs are more than 90 % busy"),
            worst("host_iowait", QUERY_PERFORMANCE, "host_cpu_iowait_ratio", true, d(0.20), p(10),
                    "the host waits on I/O"),

            perUnit("invalid_indexes", SCHEMA_INTEGRITY, "pg_indexes_invalid_count", 15, 45,
                    "invalid indexes (failed CREATE INDEX CONCURRENTLY): written to, never used"),
            perUnit("duplicate_indexes", SCHEMA_INTEGRITY, "pg_indexes_duplicate_count", 5, 15,
                    "indexes duplicating another one"),
            perUnit("unused_indexes", SCHEMA_INTEGRITY, "pg_indexes_unused_count", 2, 10, "indexes never scanned"),
            worst("sequence_exhaustion", SCHEMA_INTEGRITY, "pg_sequences_max_used_ratio", true, d(0.75, 0.9), p(15, 40),
                    "a sequence is close to its maximum"),
            worstWhere("table_bloat", SCHEMA_INTEGRITY, "pg_table_bloat_ratio", d(0.5, 0.8), p(10, 20),
                    "pg_table_bloat_bytes", 8 * MIB, "a table is mostly wasted space (bloat of 8 MiB or more)"),
            worstWhere("index_bloat", SCHEMA_INTEGRITY, "pg_index_bloat_ratio", d(0.5), p(5),
                    "pg_index_bloat_bytes", 8 * MIB, "an index is mostly wasted space (bloat of 8 MiB or more)"),
            worstWhere("dead_tuples", SCHEMA_INTEGRITY, "pg_stat_user_tables_dead_tuple_ratio", d(0.2, 0.5), p(10, 20),
                    "pg_stat_user_tables_n_dead_tup", 10_000, "a table has many dead rows (10,000 or more) awaiting vacuum"),

            worst("long_transaction", TRANSACTIONS, "pg_stat_activity_max_tx_duration_seconds", true, d(300, 3600),
                    p(15, 35), "a transaction has been open for long (holds back vacuum)"),
            sum("blocked_sessions", TRANSACTIONS, "pg_stat_activity_blocked_count", d(0, 5), p(10, 25),
                    "sessions wait for locks held by others"),
            worst("rollback_ratio", TRANSACTIONS, "pg_stat_database_rollback_ratio", true, d(0.05, 0.2), p(10, 25),
                    "many transactions roll back (last interval)"),
            worst("xid_wraparound", TRANSACTIONS, "pg_database_xid_wraparound_ratio", true, d(0.5, 0.75), p(20, 50),
                    "transaction IDs are being used up towards wraparound"),
            worst("mxid_wraparound", TRANSACTIONS, "pg_database_mxid_wraparound_ratio", true, d(0.5, 0.75), p(20, 50),
                    "multixact IDs are being used up towards wraparound"),

            sum("inactive_replication_slots", STORAGE, "pg_replication_slots_inactive", d(0), p(15),
                    "inactive replication slots retain WAL"),
            worst("replication_slot_wal_lost", STORAGE, "pg_replication_slot_wal_lost", true, d(0.5), p(30),
                    "a slot's WAL was removed: its consumer must be re-seeded"),

            sum("hba_trust_rules", SECURITY, "pg_security_hba_trust_rules", d(0), p(30),
                    "pg_hba.conf lets clients in without a password (trust)"),
            sum("hba_password_rules", SECURITY, "pg_security_hba_password_rules", d(0), p(15),
                    "pg_hba.conf accepts clear-text passwords"),
            sum("hba_md5_rules", SECURITY, "pg_security_hba_md5_rules", d(0), p(5),
                    "pg_hba.conf uses md5 (prefer scram-sha-256)"),
            sum("hba_errors", SECURITY, "pg_security_hba_errors", d(0), p(10), "pg_hba.conf has lines in error"),
            sum("md5_password_roles", SECURITY, "pg_security_md5_password_roles", d(0), p(10),
                    "roles still have md5 password hashes"),
            worst("password_encryption_md5", SECURITY, "pg_security_password_encryption_md5", true, d(0.5), p(10),
                    "password_encryption is md5"),
            worst("ssl", SECURITY, "pg_security_ssl_enabled", false, d(0.5), p(15), "SSL is off"),
            worst("superusers", SECURITY, "pg_security_superusers", true, d(3), p(5), "more than 3 superuser roles"),
            sum("public_create_schemas", SECURITY, "pg_security_public_create_schemas", d(0), p(10),
                    "schemas where PUBLIC may create objects"));

    private final HealthConfig config;

    public SnapshotChecks(HealthConfig config) {
        this.config = config;
    }

    /**
     * Every check of the latest values.
     *
     * @param snapshot the latest snapshot (for family outcomes)
     * @param current  the current values (every family merged)
     * @param now      the time of the evaluation
     */
    @Override
    public java.util.Set<io.dbautopilot.model.Engine> engines() {
        return java.util.Set.of(io.dbautopilot.model.Engine.POSTGRESQL);
    }

    @Override
    public List<CheckResult> evaluate(MetricSnapshot snapshot, List<MetricPoint> current, Instant now) {
        Map<String, List<MetricPoint>> byName = new java.util.HashMap<>();
        current.forEach(p -> byName.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(p));
        List<CheckResult> out = new ArrayList<>();
        out.add(CommonChecks.targetUp(byName, "pg_up"));
        out.add(restarted(byName, now));
        out.add(failedFamilies(snapshot));
        out.add(diskUsed(byName));
        out.add(archiver(byName));
        for (MetricCheck c : CHECKS) {
            out.add(c.evaluate(byName));
        }
        return out;
    }

    /** Whether the latest values say the target is up. */
    static boolean up(List<MetricPoint> current) {
        return io.dbautopilot.performance.engine.Reachability.reached(current);
    }

    private CheckResult restarted(Map<String, List<MetricPoint>> byName, Instant now) {
        OptionalDouble start = first(byName, "pg_postmaster_start_time_seconds");
        return CommonChecks.restarted(start.isEmpty() ? start : OptionalDouble.of(now.getEpochSecond() - start.getAsDouble()),
                "no pg_postmaster_start_time_seconds", config.restartGrace().toSeconds(),
                "the server restarted recently (uptime in seconds; caches are cold, sessions were dropped)");
    }

    private static CheckResult diskUsed(Map<String, List<MetricPoint>> byName) {
        if (first(byName, "host_data_directory_filesystem_free_bytes").isEmpty()) {
            return CheckResult.notEvaluated("data_disk_used", STORAGE,
                    "the data directory's filesystem is not known here (host metrics are collected only for targets"
                            + " on this machine, or with autopilot.targets.<id>.host-metrics=true and data-directory)");
        }
        return worst("data_disk_used", STORAGE, "host_filesystem_used_ratio", true, d(0.8, 0.9, 0.95), p(15, 40, 70),
                "the data directory's filesystem is filling up").evaluate(byName);
    }

    private static CheckResult archiver(Map<String, List<MetricPoint>> byName) {
        OptionalDouble enabled = first(byName, "pg_stat_archiver_enabled");
        if (enabled.isEmpty() || enabled.getAsDouble() != 1) {
            return CheckResult.notEvaluated("archiver_failing", STORAGE, "WAL archiving is not enabled");
        }
        OptionalDouble failed = first(byName, "pg_stat_archiver_last_failed_age");
        OptionalDouble archived = first(byName, "pg_stat_archiver_last_archive_age");
        boolean failing = failed.isPresent() && (archived.isEmpty() || failed.getAsDouble() < archived.getAsDouble());
        double evidence = failed.orElse(-1);
        return failing
                ? CheckResult.lost("archiver_failing", STORAGE, 20, evidence,
                "last failure more recent than last success", null,
                "the last WAL archive attempt failed (seconds since): pg_wal grows until archiving works")
                : CheckResult.ok("archiver_failing", STORAGE, evidence, "last failure more recent than last success",
                null, null);
    }

}
