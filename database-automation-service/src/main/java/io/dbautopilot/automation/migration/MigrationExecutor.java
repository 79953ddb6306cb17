package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.engine.Engines;
import io.dbautopilot.automation.execute.GuardedSession;
import io.dbautopilot.automation.mysql.MySqlGuardedStatements;
import io.dbautopilot.model.Engine;
import io.dbautopilot.automation.execute.GuardedStatements;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.api.FlywayException;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs migration operations ({@code migrate}, {@code migrate_undo}) claimed by the engine: takes the one-runner lock
 * of the database, checks its health, then hands the operation's guarded session (backend recorded, an earlier
 * attempt's backends stopped: {@link GuardedStatements} on PostgreSQL, {@link MySqlGuardedStatements} on MySQL /
 * MariaDB) to the {@link ApplyRun} or the {@link UndoRun}.
 */
@ApplicationScoped
public class MigrationExecutor implements OperationExecutor {

    private final MigrationFlyway flyways;
    private final MigrationLease lease;
    private final MigrationHealthGate gate;
    private final ApplyRun applyRun;
    private final UndoRun undoRun;
    private final GuardedStatements guarded;
    private final MySqlGuardedStatements mysqlGuarded;
    private final ManagedDatabases databases;
    private final MigrationsConfig config;

    public MigrationExecutor(MigrationFlyway flyways, MigrationLease lease, MigrationHealthGate gate, ApplyRun applyRun,
                             UndoRun undoRun, GuardedStatements guarded, MySqlGuardedStatements mysqlGuarded,
                             ManagedDatabases databases, MigrationsConfig config) {
        this.mysqlGuarded = mysqlGuarded;
        this.databases = databases;
        this.flyways = flyways;
        this.lease = lease;
        this.gate = gate;
        this.applyRun = applyRun;
        this.undoRun = undoRun;
        this.guarded = guarded;
        this.config = config;
    }

    @Override
    public Set<OperationType> types() {
        return EnumSet.of(OperationType.MIGRATE, OperationType.MIGRATE_UNDO);
    }

    @Override
    public Set<Engine> engines() {
        Set<Engine> engines = EnumSet.copyOf(Engines.MIGRATION_ENGINES);
        engines.remove(Engine.SQLITE); // SqliteMigrationExecutor
        return engines;
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
        return underLock(ctx, () -> {
            if (databases.engine(id) != Engine.POSTGRESQL) {
                return mysqlGuarded.execute(ctx, s -> run(ctx, s.connection()));
            }
            try (GuardedSession session = guarded.open(ctx)) {
                return run(ctx, session.connection());
            }
        });
    }

    /** Work on the managed database under its migration lock; target-side problems are thrown. */
    @FunctionalInterface
    interface LockedWork {
        Outcome run() throws SQLException;
    }

    /**
     * Runs {@code work} holding the database's one-runner lock (waiting up to {@code autopilot.migrations.lock-wait});
     * cancelled or deferred naming the holder when the lock cannot be had; SQL and Flyway errors become the outcome.
     */
    Outcome underLock(ExecutionContext ctx, LockedWork work) {
        Operation op = ctx.operation();
        String id = op.targetId();
        String owner = "op:" + op.id();
        Optional<MigrationLease.Held> held;
        try {
            held = acquire(ctx, id, owner);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Cancelled("interrupted while waiting for the migration lock");
        }
        if (held.isEmpty()) {
            if (ctx.stopRequested()) {
                return new Outcome.Cancelled("cancelled while waiting for the migration lock");
            }
            String who = lease.holder(flyways.lockKey(id)).map(h -> h.owner() + " (database id " + h.databaseId()
                    + ", since " + h.acquiredAt() + ")").orElse("another runner");
            return new Outcome.Deferred("migration lock of " + flyways.lockKey(id) + " held by " + who + " for longer than "
                    + config.lockWait() + " (autopilot.migrations.lock-wait)", Map.of("cause", "migration_lock"));
        }
        try (MigrationLease.Held lock = held.get()) {
            return work.run();
        } catch (SQLException e) {
            if (ctx.stopRequested()) {
                return new Outcome.Cancelled("cancelled while running: " + e.getMessage());
            }
            return new Outcome.Failed("SQLSTATE " + e.getSQLState() + ": " + e.getMessage(), Map.of());
        } catch (FlywayException e) {
            return new Outcome.Failed("Flyway: " + e.getMessage(), Map.of());
        }
    }

    /** The health gate, then the apply or undo, in the guarded session {@code c}. */
    private Outcome run(ExecutionContext ctx, Connection c) throws SQLException {
        Operation op = ctx.operation();
        try {
            Optional<String> unsafe = gate.check(c, op.targetId(), op.id());
            if (unsafe.isPresent()) {
                return new Outcome.Deferred(unsafe.get(), Map.of("cause", "precondition"));
            }
            return op.type() == OperationType.MIGRATE_UNDO ? undoRun.undo(ctx, c) : applyRun.apply(ctx, c);
        } catch (FlywayException e) {
            return new Outcome.Failed("Flyway: " + e.getMessage(), Map.of());
        }
    }

    /** Waits up to {@code autopilot.migrations.lock-wait} for the lock, reporting its holder once; empty when not held. */
    private Optional<MigrationLease.Held> acquire(ExecutionContext ctx, String id, String owner) throws InterruptedException {
        String key = flyways.lockKey(id);
        Instant giveUp = Instant.now().plus(config.lockWait());
        boolean reported = false;
        while (true) {
            Optional<MigrationLease.Held> held = lease.tryAcquire(key, id, owner, ctx.operation().id(), config.lockLease());
            if (held.isPresent() || Instant.now().isAfter(giveUp) || ctx.stopRequested()) {
                return held;
            }
            if (!reported) {
                Optional<MigrationLease.Holder> holder = lease.holder(key);
                ctx.progress("waiting for the migration lock of " + key + " held by "
                        + holder.map(MigrationLease.Holder::owner).orElse("another runner"),
                        Map.of("lock_key", key, "holder", holder.map(MigrationLease.Holder::owner).orElse("unknown")));
                reported = true;
            }
            Thread.sleep(500);
        }
    }
}
