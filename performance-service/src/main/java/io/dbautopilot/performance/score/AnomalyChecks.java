package io.dbautopilot.performance.score;

import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStatus;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One check per open anomaly of the target ({@code anomaly:<rule>}), losing points by severity (info 2, warning 10,
 * critical 25, emergency 50) in the category its rule belongs to.
 */
@ApplicationScoped
public class AnomalyChecks {

    private static final Logger LOG = Logger.getLogger(AnomalyChecks.class);

    /** Categories of the shipped rules; other rules go by keywords in their name (see {@link #categoryOf}). */
    static final Map<String, Category> RULES = Map.ofEntries(
            Map.entry("target_down", Category.CONNECTIVITY), Map.entry("target_restarted", Category.CONNECTIVITY),
            Map.entry("pending_restart", Category.CONNECTIVITY), Map.entry("replication_lag", Category.CONNECTIVITY),
            Map.entry("replica_lag", Category.CONNECTIVITY),
            Map.entry("connections_near_max", Category.CONNECTION_POOL),
            Map.entry("idle_in_transaction", Category.CONNECTION_POOL),
            Map.entry("long_running_query", Category.QUERY_PERFORMANCE),
            Map.entry("cache_hit_ratio_low", Category.QUERY_PERFORMANCE),
            Map.entry("temp_file_spill", Category.QUERY_PERFORMANCE),
            Map.entry("slow_statements", Category.QUERY_PERFORMANCE),
            Map.entry("checkpoints_requested", Category.QUERY_PERFORMANCE),
            Map.entry("lock_waits", Category.TRANSACTIONS), Map.entry("blocked_sessions", Category.TRANSACTIONS),
            Map.entry("long_transaction", Category.TRANSACTIONS), Map.entry("rollback_ratio_high", Category.TRANSACTIONS),
            Map.entry("deadlocks", Category.TRANSACTIONS), Map.entry("xid_age", Category.TRANSACTIONS),
            Map.entry("database_xid_age", Category.TRANSACTIONS), Map.entry("mxid_age", Category.TRANSACTIONS),
            Map.entry("database_mxid_age", Category.TRANSACTIONS),
            Map.entry("replication_slot_inactive", Category.STORAGE),
            Map.entry("replication_slot_wal_lost", Category.STORAGE), Map.entry("archiver_failing", Category.STORAGE),
            Map.entry("archive_stale", Category.STORAGE), Map.entry("host_disk_full", Category.STORAGE),
            Map.entry("host_inodes_low", Category.STORAGE),
            Map.entry("dead_tuples", Category.SCHEMA_INTEGRITY), Map.entry("table_not_vacuumed", Category.SCHEMA_INTEGRITY),
            Map.entry("table_not_analyzed", Category.SCHEMA_INTEGRITY), Map.entry("table_bloat", Category.SCHEMA_INTEGRITY),
            Map.entry("index_bloat", Category.SCHEMA_INTEGRITY), Map.entry("sequence_exhaustion", Category.SCHEMA_INTEGRITY),
            Map.entry("invalid_index", Category.SCHEMA_INTEGRITY), Map.entry("unused_index", Category.SCHEMA_INTEGRITY),
            Map.entry("duplicate_index", Category.SCHEMA_INTEGRITY),
            Map.entry("hba_trust_rules", Category.SECURITY));

    private final AnomalyStore store;

    public AnomalyChecks(AnomalyStore store) {
        this.store = store;
    }

    /** The checks of the target's open anomalies; one not-evaluated check if the state database cannot be read. */
    public List<CheckResult> evaluate(String target) {
        List<AnomalyRecord> open;
        try {
            open = store.list(target, AnomalyStatus.OPEN, null, 1000);
        } catch (RuntimeException e) {
            LOG.warnf("Health of %s computed without open anomalies: %s", target, e.getMessage());
            return List.of(CheckResult.notEvaluated("open_anomalies", Category.CONNECTIVITY,
                    "the state database could not be read: " + e.getMessage()));
        }
        List<CheckResult> out = new ArrayList<>();
        for (AnomalyRecord a : open) {
            String message = a.summary() + (a.silencedBy() != null ? " (silenced)" : "")
                    + (a.acknowledgedBy() != null ? " (acknowledged by " + a.acknowledgedBy() + ")" : "");
            out.add(CheckResult.lost("anomaly:" + a.rule(), categoryOf(a.rule()), points(a.severity()), a.value(),
                    "severity " + a.severity().wire(), a.object(), message));
        }
        return out;
    }

    /** Points an open anomaly of a severity costs. */
    static int points(Severity severity) {
        return switch (severity) {
            case INFO -> 2;
            case WARNING -> 10;
            case CRITICAL -> 25;
            case EMERGENCY -> 50;
        };
    }

    /** The category of a rule: the table above, else by keywords in its name, else query performance. */
    static Category categoryOf(String rule) {
        Category known = RULES.get(rule);
        if (known != null) {
            return known;
        }
        String r = rule.toLowerCase(Locale.ROOT);
        if (r.contains("backup")) {
            return Category.BACKUP_STATUS;
        } else if (r.contains("connection")) {
            return Category.CONNECTION_POOL;
        } else if (r.matches(".*(lock|deadlock|transaction|xid|rollback|wraparound).*")) {
            return Category.TRANSACTIONS;
        } else if (r.matches(".*(disk|wal|slot|archive|storage|inode|filesystem|size).*")) {
            return Category.STORAGE;
        } else if (r.matches(".*(index|bloat|vacuum|analy|sequence|dead_tup).*")) {
            return Category.SCHEMA_INTEGRITY;
        } else if (r.matches(".*(hba|security|ssl|password|superuser).*")) {
            return Category.SECURITY;
        } else if (r.matches(".*(down|restart|replica|unreachable).*")) {
            return Category.CONNECTIVITY;
        }
        return Category.QUERY_PERFORMANCE;
    }
}
