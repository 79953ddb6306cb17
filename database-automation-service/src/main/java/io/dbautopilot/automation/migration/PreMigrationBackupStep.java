package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.Outcome;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The apply run's backup step: takes the pre-migration backup (stopped by the operation's cancel), records it in the
 * run's effect and the journal, and says when the run must end because no backup could be taken.
 */
@ApplicationScoped
public class PreMigrationBackupStep {

    private final PreMigrationBackup backup;
    private final MigrationJournal journal;
    private final MigrationsConfig config;

    public PreMigrationBackupStep(PreMigrationBackup backup, MigrationJournal journal, MigrationsConfig config) {
        this.backup = backup;
        this.journal = journal;
        this.config = config;
    }

    /**
     * Backs the database up as {@code label} (e.g. {@code before-7}); empty when the run may go on, else the outcome that
     * ends it with nothing applied (cancelled when the operator cancelled the backup, failed otherwise).
     */
    Optional<Outcome> take(ExecutionContext ctx, String from, String label, Map<String, Object> effect) {
        Operation op = ctx.operation();
        String id = op.targetId();
        if (!config.backupEnabled()) {
            effect.put("backup", Map.of("method", "none", "reason", "autopilot.migrations.backup.enabled=false"));
            return Optional.empty();
        }
        ctx.progress("taking the pre-migration backup of " + id, Map.of("step", "backup"));
        try {
            PreMigrationBackup.Backup b = backup.backup(id, label, ctx::stopRequested);
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("method", b.method());
            bm.put("location", b.location());
            bm.put("size_bytes", b.sizeBytes());
            bm.putAll(b.details());
            effect.put("backup", bm);
            journal.record(id, op.id(), from, null, null, "backup", "completed", null, null, bm);
            return Optional.empty();
        } catch (PreMigrationBackup.BackupFailedException e) {
            journal.record(id, op.id(), from, null, null, "backup", "failed", null, e.getMessage(), Map.of());
            if (ctx.stopRequested()) {
                return Optional.of(new Outcome.Cancelled("cancelled during the pre-migration backup, nothing applied: "
                        + e.getMessage()));
            }
            return Optional.of(new Outcome.Failed("pre-migration backup failed, nothing applied: " + e.getMessage(), effect));
        }
    }
}
