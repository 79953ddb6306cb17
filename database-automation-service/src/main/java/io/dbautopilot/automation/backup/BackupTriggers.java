package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's own backup triggers, checked every {@code autopilot.backup.check-interval}: the newest completed
 * backup older than the RPO (a breach is published as a requested backup operation whose parameters, in the
 * event's {@code details.parameters}, say {@code trigger: rpo_breached} with {@code backup_age_seconds} and
 * {@code rpo_seconds}, and as gauges), and WAL written since the last backup above {@code wal-trigger-bytes}
 * ({@code trigger: wal_volume}, {@code wal_bytes}, {@code wal_trigger_bytes}). Each requests a backup of the
 * database's default type unless one is pending.
 */
@ApplicationScoped
public class BackupTriggers {

    private static final Logger LOG = Logger.getLogger(BackupTriggers.class);

    private final BackupConfig config;
    private final BackupCatalog catalog;
    private final BackupRequests requests;
    private final ManagedDatabases databases;
    private final MeterRegistry meters;
    private final Map<String, AtomicLong> ages = new ConcurrentHashMap<>();

    public BackupTriggers(BackupConfig config, BackupCatalog catalog, BackupRequests requests, ManagedDatabases databases,
                          MeterRegistry meters) {
        this.config = config;
        this.catalog = catalog;
        this.requests = requests;
        this.databases = databases;
        this.meters = meters;
    }

    @Scheduled(every = "${autopilot.backup.check-interval:1m}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void check() {
        config.databases().forEach((id, db) -> {
            if (!databases.exists(id)) {
                return;
            }
            try {
                checkRpo(id, db.rpo());
                checkWal(id, db.walTriggerBytes());
            } catch (RuntimeException e) {
                LOG.warnf("Backup trigger check of %s failed: %s", id, e.getMessage());
            }
        });
    }

    private void checkRpo(String id, Optional<Duration> rpo) {
        if (rpo.isEmpty()) {
            return;
        }
        Optional<Backup> latest = catalog.latestCompleted(id);
        long age = latest.map(b -> Duration.between(b.completedAt(), Instant.now()).toSeconds()).orElse(-1L);
        ages.computeIfAbsent(id, k -> meters.gauge("autopilot_backup_age_seconds",
                io.micrometer.core.instrument.Tags.of("database", k), new AtomicLong(-1))).set(age);
        if (latest.isPresent() && age <= rpo.get().toSeconds()) {
            return;
        }
        String why = latest.isEmpty() ? "no completed backup" : "the newest completed backup is " + age + " s old";
        Map<String, Object> trigger = new java.util.LinkedHashMap<>();
        trigger.put("trigger", "rpo_breached");
        if (latest.isPresent()) {
            trigger.put("backup_age_seconds", age);
        }
        trigger.put("rpo_seconds", rpo.get().toSeconds());
        requests.backupUnlessPending(id, null, null, "rpo-check", "RPO breached on " + id + ": " + why + " (rpo "
                + rpo.get().toSeconds() + " s)", trigger).ifPresent(op -> {
            meters.counter("autopilot_backup_rpo_breaches_total", "database", id).increment();
            LOG.warnf("RPO breached on %s (%s, rpo %s): backup operation %s requested", id, why, rpo.get(), op.id());
        });
    }

    private void checkWal(String id, Optional<Long> threshold) {
        if (threshold.isEmpty() || databases.engineOf(id).filter(e -> e != io.dbautopilot.model.Engine.POSTGRESQL)
                .isPresent()) {
            return; // WAL volume is PostgreSQL's; MySQL / MariaDB backups are triggered by RPO and schedules
        }
        Optional<Backup> latest = catalog.latestCompleted(id).filter(b -> b.lsnStop() != null);
        if (latest.isEmpty()) {
            return;
        }
        try (Connection c = databases.connect(id, "backup-check");
             PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)::bigint")) {
            ps.setString(1, latest.get().lsnStop());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long written = rs.getLong(1);
                if (written > threshold.get()) {
                    requests.backupUnlessPending(id, null, null, "wal-check", "WAL written since the last backup of " + id
                            + " is " + written + " bytes (wal-trigger-bytes " + threshold.get() + ")", Map.of("trigger",
                            "wal_volume", "wal_bytes", written, "wal_trigger_bytes", threshold.get())).ifPresent(op ->
                            LOG.infof("WAL volume on %s: %d bytes since the last backup: backup operation %s requested",
                                    id, written, op.id()));
                }
            }
        } catch (SQLException e) {
            LOG.debugf("WAL check of %s: %s", id, e.getMessage());
        }
    }
}
