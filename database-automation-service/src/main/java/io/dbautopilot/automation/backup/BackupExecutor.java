package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Runs BACKUP operations (parameters {@code backup_type}, {@code engine}; defaults per database) and BACKUP_VERIFY
 * operations (object = backup id) claimed by the operation engine; progress goes out as operation progress events.
 */
@ApplicationScoped
public class BackupExecutor implements OperationExecutor {

    private final BackupRunner runner;
    private final BackupConfig config;

    public BackupExecutor(BackupRunner runner, BackupConfig config) {
        this.runner = runner;
        this.config = config;
    }

    @Override
    public Set<OperationType> types() {
        return Set.of(OperationType.BACKUP, OperationType.BACKUP_VERIFY);
    }

    /** PostgreSQL, MySQL / MariaDB (mariadb-dump, mariadb-backup), Redis (redis_rdb) and SQLite (VACUUM INTO). */
    @Override
    public Set<io.dbautopilot.model.Engine> engines() {
        return Set.of(io.dbautopilot.model.Engine.POSTGRESQL, io.dbautopilot.model.Engine.MYSQL,
                io.dbautopilot.model.Engine.MARIADB, io.dbautopilot.model.Engine.REDIS,
                io.dbautopilot.model.Engine.SQLITE);
    }

    @Override
    public Optional<Duration> timeBudget(Operation op) {
        return op.type() == OperationType.BACKUP ? Optional.of(config.timeBudget()) : Optional.empty();
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        try {
            if (op.type() == OperationType.BACKUP_VERIFY) {
                Backup b = runner.verify(UUID.fromString(op.object()));
                return new Outcome.Succeeded("backup " + b.backupId() + " verified: " + b.verification(), effect(b));
            }
            BackupType type = text(op, "backup_type").flatMap(BackupType::parse).orElse(null);
            EngineKind engine = text(op, "engine").flatMap(EngineKind::parse).orElse(null);
            Instant deadline = Instant.now().plus(ctx.remainingBudget());
            Backup b = runner.backup(op.targetId(), type, engine, op.reason(), op.id(), new BackupRunner.Watch() {
                @Override
                public void progress(Map<String, Object> details) {
                    ctx.progress(details.containsKey("percent") ? "backup " + details.get("percent") + "% done"
                            : "backup engine " + details.get("engine") + " (" + details.get("engine_choice") + ")",
                            details);
                }

                @Override
                public boolean stop() {
                    return ctx.stopRequested();
                }

                @Override
                public Instant deadline() {
                    return deadline;
                }
            });
            return new Outcome.Succeeded(b.engine().wire() + " " + b.backupType().wire() + " backup " + b.backupId()
                    + " completed and verified (" + b.sizeBytes() + " bytes)", effect(b));
        } catch (BackupRunner.BackupFailedException e) {
            if (ctx.stopRequested() && e.backup() != null && e.backup().status() == BackupStatus.FAILED) {
                return new Outcome.Cancelled("backup stopped: " + e.getMessage());
            }
            return new Outcome.Failed(e.getMessage(), e.backup() == null ? Map.of() : effect(e.backup()));
        } catch (IllegalArgumentException e) {
            return new Outcome.Failed(e.getMessage(), Map.of());
        }
    }

    private static Optional<String> text(Operation op, String key) {
        Object v = op.parameters() == null ? null : op.parameters().get(key);
        return v == null ? Optional.empty() : Optional.of(v.toString());
    }

    /** The catalog facts published with the operation's outcome. */
    static Map<String, Object> effect(Backup b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backup_id", b.backupId().toString());
        m.put("backup_status", b.status().wire());
        m.put("engine", b.engine().wire());
        m.put("backup_type", b.backupType().wire());
        if (b.label() != null) {
            m.put("label", b.label());
        }
        if (b.sizeBytes() != null) {
            m.put("size_bytes", b.sizeBytes());
        }
        if (b.storedBytes() != null) {
            m.put("stored_bytes", b.storedBytes());
        }
        if (b.parentId() != null) {
            m.put("parent_id", b.parentId().toString());
        }
        if (b.verification() != null) {
            m.put("verification", b.verification());
        }
        if (b.backupMillis() != null) {
            m.put("backup_ms", b.backupMillis());
        }
        if (b.verifyMillis() != null) {
            m.put("verify_ms", b.verifyMillis());
        }
        if (b.createdAt() != null && b.completedAt() != null) {
            m.put("duration_ms", Duration.between(b.createdAt(), b.completedAt()).toMillis());
        }
        return m;
    }
}
