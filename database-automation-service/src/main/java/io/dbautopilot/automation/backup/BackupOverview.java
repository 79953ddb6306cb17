package io.dbautopilot.automation.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.automation.backup.restore.Restore;
import io.dbautopilot.automation.backup.restore.RestoreCatalog;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One line per database of where its backups stand: the newest completed backup, the next scheduled runs (from the
 * scheduler's own triggers), the RPO and the newest restore drill with its measured RTO; what the dashboard's backups
 * panel and an SRE's morning check read.
 */
@ApplicationScoped
public class BackupOverview {

    private static final List<String> KINDS = List.of("full", "differential", "incremental", "logical", "drill");

    /** The newest completed backup of a database. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LastBackup(String backupId, String engine, String backupType, Instant completedAt, Long sizeBytes) {
    }

    /** A scheduled job of a database: its kind (full… logical, drill), cron and next run. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Scheduled(String kind, String cron, Instant nextAt) {
    }

    /** The newest restore drill of a database and its recovery time. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LastDrill(String restoreId, String status, Instant finishedAt, Long rtoMs, String error) {
    }

    /** Where the backups of one database stand; absent parts are left out of the JSON. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Line(String database, LastBackup lastBackup, Long lastBackupAgeSeconds, Long rpoSeconds,
                       Instant nextBackupAt, List<Scheduled> schedules, LastDrill lastDrill) {
    }

    private final BackupCatalog catalog;
    private final RestoreCatalog restores;
    private final ManagedDatabases databases;
    private final BackupConfig config;
    private final Scheduler scheduler;

    public BackupOverview(BackupCatalog catalog, RestoreCatalog restores, ManagedDatabases databases,
                          BackupConfig config, Scheduler scheduler) {
        this.catalog = catalog;
        this.restores = restores;
        this.databases = databases;
        this.config = config;
        this.scheduler = scheduler;
    }

    /** Every managed database (or just {@code database} when not null), in id order. */
    public List<Line> lines(String database, Instant now) {
        List<Line> out = new ArrayList<>();
        for (String id : new TreeSet<>(databases.ids())) {
            if (database == null || database.equals(id)) {
                out.add(line(id, now));
            }
        }
        return out;
    }

    private Line line(String id, Instant now) {
        Optional<Backup> last = catalog.latestCompleted(id);
        List<Scheduled> schedules = new ArrayList<>();
        BackupConfig.Database settings = config.databases().get(id);
        if (settings != null) {
            Map<String, String> crons = BackupSettings.validate(id, settings, true);
            for (String kind : KINDS) {
                String cron = crons.get("schedule-" + kind);
                if (cron != null) {
                    Trigger job = scheduler.getScheduledJob("backup-" + id + "-" + kind);
                    schedules.add(new Scheduled(kind, cron, job == null ? null : job.getNextFireTime()));
                }
            }
        }
        Instant next = schedules.stream().filter(s -> !"drill".equals(s.kind()) && s.nextAt() != null)
                .map(Scheduled::nextAt).min(Comparator.naturalOrder()).orElse(null);
        LastDrill drill = restores.list(id, "drill", 1).stream().findFirst().map(BackupOverview::drill).orElse(null);
        Long rpo = settings == null ? null : settings.rpo().map(java.time.Duration::toSeconds).orElse(null);
        return new Line(id, last.map(b -> new LastBackup(b.backupId().toString(), b.engine().wire(),
                b.backupType().wire(), b.completedAt(), b.sizeBytes())).orElse(null),
                last.map(b -> java.time.Duration.between(b.completedAt(), now).toSeconds()).orElse(null), rpo, next,
                schedules, drill);
    }

    private static LastDrill drill(Restore r) {
        return new LastDrill(r.restoreId().toString(), r.status(), r.finishedAt(), r.rtoMillis(), r.error());
    }
}
