package io.dbautopilot.performance.score;

import io.dbautopilot.performance.operations.OperationEntry;
import io.dbautopilot.performance.operations.OperationTimeline;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The backup-status checks, from the backup operations (any type starting with {@code backup}) seen on
 * {@code autopilot.operations.v1}; empty (category unknown) when no backup of the target finished.
 */
@ApplicationScoped
public class BackupChecks {

    private final OperationTimeline timeline;
    private final HealthConfig config;

    public BackupChecks(OperationTimeline timeline, HealthConfig config) {
        this.timeline = timeline;
        this.config = config;
    }

    /** The checks, or empty when the backup status of the target is unknown. */
    public Optional<List<CheckResult>> evaluate(String target, Instant now) {
        Optional<OperationEntry> finished = timeline.lastFinished(target, OperationEntry::isBackup);
        if (finished.isEmpty()) {
            return Optional.empty();
        }
        Optional<OperationEntry> succeeded = timeline.lastSucceeded(target, OperationEntry::isBackup);
        CheckResult result;
        OperationEntry last = finished.get();
        double lastAge = seconds(last.occurredAt(), now);
        if ("succeeded".equals(last.state())) {
            result = CheckResult.ok("last_backup_result", Category.BACKUP_STATUS, lastAge, "latest backup succeeded",
                    last.type() + " " + last.operationId(), null);
        } else {
            result = CheckResult.lost("last_backup_result", Category.BACKUP_STATUS, 40, lastAge,
                    "latest backup succeeded", last.type() + " " + last.operationId(),
                    "the latest backup " + last.state() + (last.reason() == null ? "" : ": " + last.reason())
                            + " (evidence: seconds since)");
        }
        long max = config.backupMaxAge().toSeconds();
        CheckResult age;
        if (succeeded.isEmpty()) {
            age = CheckResult.lost("backup_age", Category.BACKUP_STATUS, 60, lastAge, "a successful backup",
                    null, "no backup of this target succeeded (within the topic's retention)");
        } else {
            double s = seconds(succeeded.get().occurredAt(), now);
            String what = succeeded.get().type() + " " + succeeded.get().operationId();
            if (s > 2 * max) {
                age = CheckResult.lost("backup_age", Category.BACKUP_STATUS, 60, s, "> " + 2 * max + " s", what,
                        "the last successful backup is more than twice autopilot.health.backup-max-age old");
            } else if (s > max) {
                age = CheckResult.lost("backup_age", Category.BACKUP_STATUS, 30, s, "> " + max + " s", what,
                        "the last successful backup is older than autopilot.health.backup-max-age");
            } else {
                age = CheckResult.ok("backup_age", Category.BACKUP_STATUS, s, "> " + max + " s", what, null);
            }
        }
        return Optional.of(List.of(result, age));
    }

    private static double seconds(Instant then, Instant now) {
        return Math.max(0, Duration.between(then, now).toMillis() / 1000.0);
    }
}
