package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.execute.GuardedSession;
import io.dbautopilot.automation.execute.GuardedStatements;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.OperationsConfig;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.support.retry.Retry;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs migration operations ({@code migrate}, {@code migrate_undo}) claimed by the engine: takes the one-runner lock
 * of the database, checks its health, validates checksums, takes the pre-migration backup, and applies (Flyway
 * {@code migrate}, retried after {@code lock_timeout}) or undoes (the {@code U} scripts) migrations, in the
 * operation's guarded session (backend recorded, an earlier attempt's backends stopped).
 */
@ApplicationScoped
public class MigrationExecutor implements OperationExecutor {

    private static final Logger LOG = Logger.getLogger(MigrationExecutor.class);

    private final MigrationFlyway flyways;
    private final MigrationCatalog catalog;
    private final MigrationLease lease;
    private final MigrationHealthGate gate;
    private final PreMigrationBackup backup;
    private final UndoRunner undoRunner;
    private final InvalidIndexes invalidIndexes;
    private final MigrationJournal journal;
    private final GuardedStatements guarded;
    private final MigrationsConfig config;
    private final OperationsConfig operations;

    public MigrationExecutor(MigrationFlyway flyways, MigrationCatalog catalog, MigrationLease lease,
                             MigrationHealthGate gate, PreMigrationBackup backup, UndoRunner undoRunner,
                             InvalidIndexes invalidIndexes, MigrationJournal journal, GuardedStatements guarded,
                             MigrationsConfig config, OperationsConfig operations) {
        this.flyways = flyways;
        this.catalog = catalog;
        this.lease = lease;
        this.gate = gate;
        this.backup = backup;
        this.undoRunner = undoRunner;
        this.invalidIndexes = invalidIndexes;
        this.journal = journal;
        this.guarded = guarded;
        this.config = config;
        this.operations = operations;
    }

    @Override
    public Set<OperationType> types() {
        return EnumSet.of(OperationType.MIGRATE, OperationType.MIGRATE_UNDO);
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
            try (GuardedSession session = guarded.open(ctx)) {
                Connection c = session.connection();
                Optional<String> unsafe = gate.check(c, id, op.id());
                if (unsafe.isPresent()) {
                    return new Outcome.Deferred(unsafe.get(), Map.of("cause", "precondition"));
                }
                return op.type() == OperationType.MIGRATE_UNDO ? undo(ctx, c) : apply(ctx, c);
            }
        } catch (SQLException e) {
            if (ctx.stopRequested()) {
                return new Outcome.Cancelled("cancelled while running: " + e.getMessage());
            }
            return new Outcome.Failed("SQLSTATE " + e.getSQLState() + ": " + e.getMessage(), Map.of());
        } catch (FlywayException e) {
            return new Outcome.Failed("Flyway: " + e.getMessage(), Map.of());
        }
    }

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

    private Outcome apply(ExecutionContext ctx, Connection c) throws SQLException {
        Operation op = ctx.operation();
        String id = op.targetId();
        String target = text(op.parameters().get("target_version"));
        Tracker tracker = new Tracker(ctx);
        Flyway flyway = flyways.flyway(id, "op:" + op.id(), target, tracker);
        Map<String, Object> effect = new LinkedHashMap<>();
        ValidationReport validation = catalog.validate(id, flyway);
        if (!validation.valid()) {
            effect.put("validation", validation);
            return new Outcome.Failed("refused: " + validation.summary(), effect);
        }
        var info = flyway.info();
        String from = MigrationCatalog.appliedVersion(info.all());
        effect.put("from_version", from);
        MigrationInfo[] pending = info.pending();
        if (pending.length == 0) {
            effect.put("to_version", from);
            effect.put("applied", List.of());
            return new Outcome.Succeeded("nothing to apply: " + id + " is at version " + from
                    + (target == null ? "" : " (target " + target + ")"), effect);
        }
        // an invalid index left by an interrupted CREATE INDEX CONCURRENTLY of a pending script would make it fail
        Set<String> scripts = new HashSet<>();
        for (MigrationInfo mi : pending) {
            scripts.add(MigrationCatalog.read(mi.getPhysicalLocation()));
        }
        List<String> droppedBefore = invalidIndexes.drop(c, e -> InvalidIndexes.namedIn(e.getValue(), scripts));
        if (!droppedBefore.isEmpty()) {
            effect.put("invalid_indexes_dropped_before", droppedBefore);
        }
        if (config.backupEnabled()) {
            ctx.progress("taking the pre-migration backup of " + id, Map.of("step", "backup"));
            try {
                PreMigrationBackup.Backup b = backup.backup(id, "before-" + pending[pending.length - 1].getVersion());
                Map<String, Object> bm = new LinkedHashMap<>();
                bm.put("method", b.method());
                bm.put("location", b.location());
                bm.put("size_bytes", b.sizeBytes());
                bm.putAll(b.details());
                effect.put("backup", bm);
                journal.record(id, op.id(), from, null, null, "backup", "completed", null, null, bm);
            } catch (PreMigrationBackup.BackupFailedException e) {
                journal.record(id, op.id(), from, null, null, "backup", "failed", null, e.getMessage(), Map.of());
                return new Outcome.Failed("pre-migration backup failed, nothing applied: " + e.getMessage(), effect);
            }
        } else {
            effect.put("backup", Map.of("method", "none", "reason", "autopilot.migrations.backup.enabled=false"));
        }
        Set<Long> invalidBefore = invalidIndexes.invalid(c).keySet();
        AtomicInteger attempts = new AtomicInteger();
        MigrateResult result;
        try {
            result = Retry.run(operations.lockBackoff(), FlywayException.class,
                    e -> GuardedSession.LOCK_NOT_AVAILABLE.equals(sqlState(e)) && !recordedFailure(flyway),
                    ctx::stopRequested,
                    (e, retry, wait) -> ctx.progress("lock_timeout applying version " + version(tracker.current.get())
                            + "; retry " + retry + " of " + operations.lockRetries() + " in " + wait.toMillis() + " ms",
                            Map.of("lock_retry", retry, "version", version(tracker.current.get()))),
                    attempt -> {
                        attempts.set(attempt);
                        return flyway.migrate();
                    });
        } catch (FlywayException e) {
            return applyFailed(ctx, c, e, tracker.current.get(), invalidBefore, effect, attempts.get() - 1);
        }
        List<Map<String, Object>> applied = new ArrayList<>();
        for (MigrateOutput m : result.migrations) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("version", m.version);
            one.put("description", m.description);
            one.put("script", m.filepath);
            one.put("execution_ms", m.executionTime);
            applied.add(one);
            journal.record(id, op.id(), m.version, m.description, m.filepath, "apply", "completed", null, null,
                    Map.of("execution_ms", m.executionTime));
        }
        String to = MigrationCatalog.appliedVersion(flyway.info().all());
        effect.put("to_version", to);
        effect.put("applied", applied);
        effect.put("lock_retries", attempts.get() - 1);
        return new Outcome.Succeeded("applied " + applied.size() + " migration(s) to " + id + ": version " + from
                + " -> " + to, effect);
    }

    /** A failed {@code migrate}: invalid indexes it left dropped, the failure journaled; deferred after lock timeouts. */
    private Outcome applyFailed(ExecutionContext ctx, Connection c, FlywayException e, MigrationInfo failing,
                                Set<Long> invalidBefore, Map<String, Object> effect, int retries) throws SQLException {
        Operation op = ctx.operation();
        String id = op.targetId();
        String sqlState = sqlState(e);
        List<String> dropped = invalidIndexes.drop(c, x -> !invalidBefore.contains(x.getKey()));
        if (!dropped.isEmpty()) {
            effect.put("invalid_indexes_dropped", dropped);
        }
        Flyway after = flyways.flyway(id, "op:" + op.id(), null);
        String now = MigrationCatalog.appliedVersion(after.info().all());
        effect.put("to_version", now);
        String what = failing == null ? "migration" : "migration " + version(failing) + " (" + failing.getScript() + ")";
        String error = what + " failed: " + rootMessage(e) + "; schema stays at version " + now;
        if (recordedFailure(after)) {
            error += ". It ran outside a transaction, so Flyway recorded it as failed and refuses further runs:"
                    + " check the database, fix the script, then remove the failed entry yourself (flyway repair);"
                    + " this service never repairs the history";
        }
        if (failing != null) {
            journal.record(id, op.id(), version(failing), failing.getDescription(), failing.getScript(), "apply",
                    "failed", failing.getChecksum(), rootMessage(e), Map.of("sqlstate", String.valueOf(sqlState)));
            effect.put("failed_version", version(failing));
        }
        if (ctx.stopRequested()) {
            return new Outcome.Cancelled("cancelled: " + error);
        }
        if (GuardedSession.LOCK_NOT_AVAILABLE.equals(sqlState)) {
            return new Outcome.Deferred("lock_timeout: " + error + " (after " + retries + " retries)",
                    Map.of("cause", "lock_timeout"));
        }
        return new Outcome.Failed(error, effect);
    }

    private Outcome undo(ExecutionContext ctx, Connection c) throws SQLException {
        Operation op = ctx.operation();
        String id = op.targetId();
        String to = text(op.parameters().get("to_version"));
        MigrationVersion toVersion = to == null ? null : MigrationVersion.fromVersion(to);
        Flyway flyway = flyways.flyway(id, "op:" + op.id(), null);
        ValidationReport validation = catalog.validate(id, flyway);
        Map<String, Object> effect = new LinkedHashMap<>();
        if (!validation.valid()) {
            effect.put("validation", validation);
            return new Outcome.Failed("refused: " + validation.summary(), effect);
        }
        List<MigrationInfo> applied = Arrays.stream(flyway.info().all())
                .filter(mi -> mi.getVersion() != null && (mi.getState() == MigrationState.SUCCESS
                        || mi.getState() == MigrationState.OUT_OF_ORDER))
                .sorted((a, b) -> b.getVersion().compareTo(a.getVersion()))
                .toList();
        String from = applied.isEmpty() ? null : applied.get(0).getVersion().getVersion();
        effect.put("from_version", from);
        List<MigrationInfo> toUndo = applied.stream()
                .filter(mi -> toVersion == null ? mi == applied.get(0) : mi.getVersion().isNewerThan(toVersion.getVersion()))
                .toList();
        if (toUndo.isEmpty()) {
            effect.put("to_version", from);
            return new Outcome.Succeeded("nothing to undo: " + id + " is at version " + from, effect);
        }
        Map<MigrationVersion, MigrationFlyway.UndoScript> scripts = flyways.undoScripts(id);
        List<String> missing = toUndo.stream().filter(mi -> !scripts.containsKey(mi.getVersion()))
                .map(mi -> mi.getVersion().getVersion()).toList();
        if (!missing.isEmpty()) {
            return new Outcome.Failed("no undo script for version(s) " + missing + " in " + flyways.location(id).orElse("?")
                    + " (expected U<version>__<description>.sql); nothing was undone", effect);
        }
        MigrationsConfig.Database settings = flyways.settings(id);
        List<Map<String, Object>> undone = new ArrayList<>();
        for (MigrationInfo mi : toUndo) {
            MigrationFlyway.UndoScript script = scripts.get(mi.getVersion());
            ctx.progress("undoing version " + mi.getVersion() + " with " + script.file().getFileName(),
                    Map.of("version", mi.getVersion().getVersion()));
            UndoRunner.Undone u;
            try {
                u = Retry.run(operations.lockBackoff(), SQLException.class,
                        e -> GuardedSession.LOCK_NOT_AVAILABLE.equals(e.getSQLState()), ctx::stopRequested,
                        (e, retry, wait) -> LOG.debugf("undo of %s: lock_timeout, retry %d in %s", mi.getVersion(), retry, wait),
                        attempt -> undoRunner.undo(c, settings.schema().orElse(null), settings.table(), script,
                                ctx::executing));
            } catch (SQLException e) {
                String error = "undo of version " + mi.getVersion() + " (" + script.file() + ") failed: " + e.getMessage()
                        + "; rolled back, schema stays at version "
                        + MigrationCatalog.appliedVersion(flyways.flyway(id, "op:" + op.id(), null).info().all());
                journal.record(id, op.id(), mi.getVersion().getVersion(), script.description(),
                        script.file().getFileName().toString(), "undo", "failed", null, e.getMessage(), Map.of());
                effect.put("undone", undone);
                if (ctx.stopRequested()) {
                    return new Outcome.Cancelled("cancelled: " + error);
                }
                if (GuardedSession.LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    return new Outcome.Deferred("lock_timeout: " + error, Map.of("cause", "lock_timeout"));
                }
                return new Outcome.Failed(error, effect);
            }
            journal.record(id, op.id(), u.version(), script.description(), u.script(), "undo", "undone", u.checksum(), null,
                    Map.of("execution_ms", u.millis()));
            undone.add(Map.of("version", u.version(), "script", u.script(), "execution_ms", u.millis()));
        }
        String now = MigrationCatalog.appliedVersion(flyways.flyway(id, "op:" + op.id(), null).info().all());
        effect.put("to_version", now);
        effect.put("undone", undone);
        return new Outcome.Succeeded("undid " + undone.size() + " migration(s) of " + id + ": version " + from + " -> " + now,
                effect);
    }

    /** Follows Flyway's progress: the migration running now, its backend, a progress event per migration. */
    private static final class Tracker implements Callback {
        private final ExecutionContext ctx;
        private final AtomicReference<MigrationInfo> current = new AtomicReference<>();

        Tracker(ExecutionContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.BEFORE_EACH_MIGRATE;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            MigrationInfo mi = context.getMigrationInfo();
            current.set(mi);
            try (PreparedStatement ps = context.getConnection().prepareStatement("SELECT pg_backend_pid()");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    ctx.backendStarted(rs.getInt(1));
                }
            } catch (SQLException e) {
                LOG.debugf("backend pid of the migration connection unknown: %s", e.getMessage());
            }
            ctx.progress("applying version " + version(mi) + " (" + mi.getScript() + ")",
                    Map.of("version", String.valueOf(version(mi)), "script", mi.getScript()));
        }

        @Override
        public String getCallbackName() {
            return "db-autopilot-progress";
        }
    }

    /** Whether Flyway recorded a failed migration (a non-transactional one): a retry would be refused. */
    private static boolean recordedFailure(Flyway flyway) {
        return Arrays.stream(flyway.info().all()).anyMatch(mi -> mi.getState().isFailed());
    }

    private static String version(MigrationInfo mi) {
        return mi == null || mi.getVersion() == null ? null : mi.getVersion().getVersion();
    }

    private static String text(Object o) {
        return o == null || o.toString().isBlank() ? null : o.toString().trim();
    }

    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return "SQLSTATE " + s.getSQLState() + ": " + s.getMessage();
            }
        }
        String m = e.getMessage();
        return m == null ? e.toString() : m;
    }
}
