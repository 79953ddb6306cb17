package io.dbautopilot.automation.backup.restore;

import io.dbautopilot.automation.backup.BackupConfig;
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
 * Runs RESTORE and RESTORE_DRILL operations (object = restore id); the outcome event carries the measured RTO and
 * the checks, so every drill publishes its recovery time on {@code autopilot.operations.v1}.
 */
@ApplicationScoped
public class RestoreExecutor implements OperationExecutor {

    private final Restorer restorer;
    private final BackupConfig config;

    public RestoreExecutor(Restorer restorer, BackupConfig config) {
        this.restorer = restorer;
        this.config = config;
    }

    @Override
    public Set<OperationType> types() {
        return Set.of(OperationType.RESTORE, OperationType.RESTORE_DRILL);
    }

    /** PostgreSQL, MySQL / MariaDB (mariadb-dump, mariadb-backup) and Redis (redis_rdb). */
    @Override
    public Set<io.dbautopilot.model.Engine> engines() {
        return Set.of(io.dbautopilot.model.Engine.POSTGRESQL, io.dbautopilot.model.Engine.MYSQL,
                io.dbautopilot.model.Engine.MARIADB, io.dbautopilot.model.Engine.REDIS,
                io.dbautopilot.model.Engine.SQLITE);
    }

    @Override
    public Optional<Duration> timeBudget(Operation op) {
        return Optional.of(config.timeBudget());
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        UUID id;
        try {
            id = UUID.fromString(op.object());
        } catch (RuntimeException e) {
            return new Outcome.Failed("operation has no restore id as object: " + op.object(), Map.of());
        }
        Instant deadline = Instant.now().plus(ctx.remainingBudget());
        ctx.progress("restoring backup", Map.of("restore_id", id.toString(), "percent", 0));
        Restore r = restorer.run(id, ctx::stopRequested, deadline);
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("restore_id", r.restoreId().toString());
        effect.put("backup_id", r.backupId().toString());
        effect.put("kind", r.kind());
        if (r.rtoMillis() != null) {
            effect.put("rto_ms", r.rtoMillis());
        }
        if (r.port() != null && r.keepRunning() && "succeeded".equals(r.status())) {
            effect.put("port", r.port());
            effect.put("data_directory", r.dataDirectory());
        }
        if (r.checks() != null) {
            effect.put("checks", r.checks());
        }
        if ("succeeded".equals(r.status())) {
            return new Outcome.Succeeded(r.kind() + " of backup " + r.backupId() + " succeeded, RTO " + r.rtoMillis()
                    + " ms", effect);
        }
        if (ctx.stopRequested()) {
            return new Outcome.Cancelled(r.kind() + " stopped: " + r.error());
        }
        return new Outcome.Failed(r.kind() + " of backup " + r.backupId() + " failed: " + r.error(), effect);
    }
}
