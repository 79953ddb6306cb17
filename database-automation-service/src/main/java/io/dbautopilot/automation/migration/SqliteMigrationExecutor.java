package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.model.Engine;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code migrate} on SQLite files (Flyway core's own SQLite support): under the same one-runner lock as PostgreSQL,
 * deferred while another operation of this service runs on the file, then the same {@link ApplyRun} (validation,
 * pre-migration backup, Flyway migrate, journal) in a plain session of the file; PostgreSQL's lint and invalid-index
 * cleanup do not apply; {@code migrate_undo} runs the same {@link UndoRun} (pre-undo backup, the {@code U} scripts newest
 * first, each in one transaction: SQLite's DDL is transactional).
 */
@ApplicationScoped
public class SqliteMigrationExecutor implements OperationExecutor {

    private final MigrationExecutor migrations;
    private final MigrationFlyway flyways;
    private final MigrationHealthGate gate;
    private final ApplyRun applyRun;
    private final UndoRun undoRun;
    private final ManagedDatabases databases;
    private final MigrationsConfig config;

    public SqliteMigrationExecutor(MigrationExecutor migrations, MigrationFlyway flyways, MigrationHealthGate gate,
                                   ApplyRun applyRun, UndoRun undoRun, ManagedDatabases databases,
                                   MigrationsConfig config) {
        this.undoRun = undoRun;
        this.migrations = migrations;
        this.flyways = flyways;
        this.gate = gate;
        this.applyRun = applyRun;
        this.databases = databases;
        this.config = config;
    }

    @Override
    public Set<OperationType> types() {
        return EnumSet.of(OperationType.MIGRATE, OperationType.MIGRATE_UNDO);
    }

    @Override
    public Set<Engine> engines() {
        return EnumSet.of(Engine.SQLITE);
    }

    @Override
    public Optional<Duration> timeBudget(Operation op) {
        return Optional.of(config.timeBudget());
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        String id = op.targetId();
        if (!flyways.configured(id)) {
            return new Outcome.Failed("database '" + id + "' has no migrations location (autopilot.migrations.databases."
                    + id + ".location)", Map.of());
        }
        return migrations.underLock(ctx, () -> {
            Optional<String> busy = gate.otherOperation(id, op.id());
            if (busy.isPresent()) {
                return new Outcome.Deferred(busy.get(), Map.of("cause", "precondition"));
            }
            try (Connection c = databases.connect(id, "op:" + op.id())) {
                return op.type() == OperationType.MIGRATE_UNDO ? undoRun.undo(ctx, c) : applyRun.apply(ctx, c);
            }
        });
    }
}
