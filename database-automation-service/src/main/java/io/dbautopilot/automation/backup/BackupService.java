package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.operation.ExecutionContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Blocking Java API of the backup capability for other capabilities (e.g. a backup before a schema migration):
 * takes, verifies and catalogs a backup on the caller's worker thread. It does not queue an operation: call it from
 * inside an already claimed heavy operation of the same database (which holds that database's one heavy slot).
 */
@ApplicationScoped
public class BackupService {

    private final BackupRunner runner;
    private final BackupConfig config;

    public BackupService(BackupRunner runner, BackupConfig config) {
        this.runner = runner;
        this.config = config;
    }

    /** A backup did not complete (failed, corrupt, or its engine is unavailable); the message says why and what to do. */
    public static class BackupException extends RuntimeException {
        private final transient Backup backup;

        public BackupException(String message, Backup backup, Throwable cause) {
            super(message, cause);
            this.backup = backup;
        }

        /** The failed/corrupt catalog record, or null when none was written. */
        public Backup backup() {
            return backup;
        }
    }

    /**
     * Takes a backup now and returns its completed, verified catalog record.
     *
     * @param databaseId managed database id
     * @param type       backup type, or null for the engine's default (pgBackRest: incremental after a full)
     * @param engine     engine, or null for the database's configured/default engine
     * @param reason     recorded in the catalog, e.g. "before migration V7"
     * @throws BackupException when the backup failed or is corrupt
     */
    public Backup backupNow(String databaseId, BackupType type, EngineKind engine, String reason) {
        return backupNow(null, databaseId, type, engine, reason);
    }

    /**
     * Like {@link #backupNow(String, BackupType, EngineKind, String)} inside a running operation: its progress is
     * published as that operation's progress events, its cancel stops the backup, and the catalog row names it.
     */
    public Backup backupNow(ExecutionContext ctx, String databaseId, BackupType type, EngineKind engine, String reason) {
        Instant deadline = Instant.now().plus(ctx == null ? config.timeBudget() : ctx.remainingBudget());
        UUID operationId = ctx == null ? null : ctx.operation().id();
        return backupNow(databaseId, type, engine, reason, operationId, details -> {
            if (ctx != null) {
                ctx.progress("backup " + details.get("percent") + "% done", details);
            }
        }, () -> ctx != null && ctx.stopRequested(), deadline);
    }

    /**
     * Like {@link #backupNow(String, BackupType, EngineKind, String)} with a stop signal and a time limit of its own
     * (e.g. the pre-migration backup's {@code autopilot.migrations.backup.timeout}).
     */
    public Backup backupNow(String databaseId, BackupType type, EngineKind engine, String reason, BooleanSupplier stop,
                            Duration timeout) {
        return backupNow(databaseId, type, engine, reason, null, details -> { }, stop, Instant.now().plus(timeout));
    }

    private Backup backupNow(String databaseId, BackupType type, EngineKind engine, String reason, UUID operationId,
                             Consumer<Map<String, Object>> progress, BooleanSupplier stop, Instant deadline) {
        try {
            return runner.backup(databaseId, type, engine, reason, operationId, new BackupRunner.Watch() {
                @Override
                public void progress(Map<String, Object> details) {
                    progress.accept(details);
                }

                @Override
                public boolean stop() {
                    return stop.getAsBoolean();
                }

                @Override
                public Instant deadline() {
                    return deadline;
                }
            });
        } catch (BackupRunner.BackupFailedException e) {
            throw new BackupException(e.getMessage(), e.backup(), e);
        }
    }
}
