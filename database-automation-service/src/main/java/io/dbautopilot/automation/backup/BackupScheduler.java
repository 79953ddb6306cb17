package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.backup.restore.RestoreRequests;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Validates the backup settings at start-up (a bad cron, engine or database id stops the start naming the setting)
 * and registers one scheduler job per configured cron: backups of each type and restore drills, each creating an
 * operation (skipped while a backup of that database is still waiting or running).
 */
@ApplicationScoped
public class BackupScheduler {

    private static final Logger LOG = Logger.getLogger(BackupScheduler.class);

    private final BackupConfig config;
    private final ManagedDatabases databases;
    private final BackupRequests requests;
    private final RestoreRequests restores;
    private final Scheduler scheduler;

    public BackupScheduler(BackupConfig config, ManagedDatabases databases, BackupRequests requests,
                           RestoreRequests restores, Scheduler scheduler) {
        this.config = config;
        this.databases = databases;
        this.requests = requests;
        this.restores = restores;
        this.scheduler = scheduler;
    }

    void start(@Observes StartupEvent event) {
        // every database validated before the first job is registered: a bad setting fails the start naming it
        java.util.Map<String, java.util.Map<String, String>> schedules = new java.util.TreeMap<>();
        // a database that is not managed yet (a registry target registered later) keeps its schedule: each run checks
        config.databases().forEach((id, db) -> {
            schedules.put(id, BackupSettings.validate(id, db, true));
            if (!databases.exists(id)) {
                LOG.warnf("Backups of %s are configured (autopilot.backup.databases.%s.*) but it is not managed yet: "
                        + "they run once it is registered or configured", id, id);
            }
        });
        schedules.forEach((id, crons) -> crons.forEach((setting, cron) -> schedule(id, setting, cron)));
    }

    private void schedule(String id, String setting, String cron) {
        String kind = setting.substring("schedule-".length());
        scheduler.newJob("backup-" + id + "-" + kind).setCron(cron).setTask(execution -> {
            if (!databases.exists(id)) {
                LOG.infof("Scheduled %s of %s skipped: %s", kind, id, databases.notManaged(id).orElse("not managed"));
                return;
            }
            try {
                if (kind.equals("drill")) {
                    restores.drill(id, "schedule").ifPresentOrElse(
                            r -> LOG.infof("Scheduled restore drill of %s: operation %s", id, r.operation().id()),
                            () -> LOG.warnf("Scheduled restore drill of %s skipped: no completed physical backup yet", id));
                } else {
                    BackupType type = BackupType.parse(kind).orElseThrow();
                    requests.backupUnlessPending(id, type, null, "schedule", "scheduled " + type.wire() + " backup ("
                            + setting + " " + cron + ")").ifPresentOrElse(
                            op -> LOG.infof("Scheduled %s backup of %s: operation %s", type.wire(), id, op.id()),
                            () -> LOG.infof("Scheduled %s backup of %s skipped: a backup is already waiting or running",
                                    type.wire(), id));
                }
            } catch (RuntimeException e) {
                LOG.warnf("Scheduled %s of %s could not be requested: %s", kind, id, e.getMessage());
            }
        }).schedule();
        LOG.infof("Backup schedule of %s: %s at '%s'", id, kind, cron);
    }
}
