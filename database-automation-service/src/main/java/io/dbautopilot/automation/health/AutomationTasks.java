package io.dbautopilot.automation.health;

import io.dbautopilot.automation.backup.BackupTriggers;
import io.dbautopilot.automation.migration.PendingMigrationCheck;
import io.dbautopilot.automation.operation.OperationEngine;
import io.dbautopilot.automation.operation.OutboxRelay;
import io.dbautopilot.automation.partition.PartitionUpkeep;
import io.dbautopilot.automation.verify.PostOperationVerifier;
import io.dbautopilot.support.health.HealthContribution;
import io.dbautopilot.support.health.WatchedTask;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * database-automation-service's background tasks on {@code /health}: the operations outbox relay, the operation queue
 * and its heartbeat, verification, partition upkeep, backup triggers and every backup schedule, and the pending
 * migration checks.
 */
@ApplicationScoped
public class AutomationTasks implements HealthContribution {

    private static final String BACKUP_JOB = "backup-";
    private static final List<WatchedTask> FIXED = List.of(
            WatchedTask.method("operations outbox relay", OutboxRelay.class, "relay"),
            WatchedTask.method("operation queue", OperationEngine.class, "poll"),
            WatchedTask.method("operation heartbeat", OperationEngine.class, "heartbeat"),
            WatchedTask.method("operation verification", PostOperationVerifier.class, "tick"),
            WatchedTask.method("partition upkeep", PartitionUpkeep.class, "check"),
            WatchedTask.method("backup triggers", BackupTriggers.class, "check"),
            WatchedTask.method("migration checks", PendingMigrationCheck.class, "scheduled"),
            WatchedTask.method("canary", io.dbautopilot.automation.canary.CanaryScheduler.class, "tick"));

    private final Scheduler scheduler;

    public AutomationTasks(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public List<WatchedTask> tasks() {
        List<WatchedTask> tasks = new ArrayList<>(FIXED);
        // backup schedules are cron jobs named backup-<database>-<full|incremental|drill ...> (BackupScheduler)
        scheduler.getScheduledJobs().stream().map(Trigger::getId).filter(id -> id.startsWith(BACKUP_JOB))
                .sorted(Comparator.naturalOrder())
                .forEach(id -> tasks.add(new WatchedTask("backup schedule " + id.substring(BACKUP_JOB.length()), id, null)));
        return tasks;
    }
}
