package io.dbautopilot.automation.backup;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import io.dbautopilot.automation.backup.restore.RestoreRequests;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Validates the backup settings at start-up (a bad cron, engine or database id stops the start naming the setting)
 * and registers one scheduler job per configured cron: backups of each type and restore drills, each creating an
 * operation (skipped while a backup of that database is still waiting or running).
 */
@ApplicationScoped
public class BackupScheduler {

    private static final Logger LOG = Logger.getLogger(BackupScheduler.class);
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

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
        config.databases().forEach((id, db) -> {
            String prefix = "autopilot.backup.databases." + id + ".";
            if (!databases.exists(id)) {
                throw new IllegalArgumentException(prefix + "*: '" + id + "' is not a managed database (set "
                        + "autopilot.databases." + id + ".url)");
            }
            db.engine().ifPresent(e -> EngineKind.parse(e).orElseThrow(() -> new IllegalArgumentException(prefix
                    + "engine: unknown engine '" + e + "' (pgbackrest, pg_basebackup, pg_dump)")));
            if (db.retentionFull() < 1) {
                throw new IllegalArgumentException(prefix + "retention-full must be at least 1");
            }
            Map<String, Optional<String>> crons = new LinkedHashMap<>();
            crons.put("schedule-full", db.scheduleFull());
            crons.put("schedule-differential", db.scheduleDifferential());
            crons.put("schedule-incremental", db.scheduleIncremental());
            crons.put("schedule-logical", db.scheduleLogical());
            crons.put("schedule-drill", db.scheduleDrill());
            crons.forEach((setting, cron) -> cron.ifPresent(expr -> {
                try {
                    CRON.parse(expr).validate();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(prefix + setting + ": '" + expr + "' is not a cron expression "
                            + "(Quartz syntax: seconds minutes hours day-of-month month day-of-week, e.g. '0 0 1 ? * SUN'): "
                            + e.getMessage(), e);
                }
                schedule(id, setting, expr);
            }));
        });
    }

    private void schedule(String id, String setting, String cron) {
        String kind = setting.substring("schedule-".length());
        scheduler.newJob("backup-" + id + "-" + kind).setCron(cron).setTask(execution -> {
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
