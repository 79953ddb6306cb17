package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.execute.GuardedSession;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationsConfig;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.support.retry.Retry;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.dbautopilot.automation.migration.MigrationTexts.text;

/**
 * One {@code migrate_undo} operation under the lock: picks the applied versions to undo (the newest, or all above
 * {@code to_version}), refuses when one has no {@code U} script, takes the pre-undo backup (as apply does), and runs
 * their scripts newest first (each retried after {@code lock_timeout}), journaling each.
 */
@ApplicationScoped
public class UndoRun {

    private static final Logger LOG = Logger.getLogger(UndoRun.class);

    private final MigrationFlyway flyways;
    private final MigrationCatalog catalog;
    private final UndoRunner undoRunner;
    private final MigrationJournal journal;
    private final OperationsConfig operations;
    private final PreMigrationBackupStep backupStep;

    public UndoRun(MigrationFlyway flyways, MigrationCatalog catalog, UndoRunner undoRunner, MigrationJournal journal,
                   OperationsConfig operations, PreMigrationBackupStep backupStep) {
        this.backupStep = backupStep;
        this.flyways = flyways;
        this.catalog = catalog;
        this.undoRunner = undoRunner;
        this.journal = journal;
        this.operations = operations;
    }

    /** Undoes migrations in the guarded session {@code c}. */
    Outcome undo(ExecutionContext ctx, Connection c) throws SQLException {
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
        // like apply: a backup before anything is undone (undo scripts usually drop what the migration added)
        Optional<Outcome> noBackup = backupStep.take(ctx, from, "before-undo-" + from, effect);
        if (noBackup.isPresent()) {
            return noBackup.get();
        }
        List<Map<String, Object>> undone = new ArrayList<>();
        for (MigrationInfo mi : toUndo) {
            Optional<Outcome> stopped = undoOne(ctx, c, mi, scripts.get(mi.getVersion()), undone, effect);
            if (stopped.isPresent()) {
                return stopped.get();
            }
        }
        String now = MigrationCatalog.appliedVersion(flyways.flyway(id, "op:" + op.id(), null).info().all());
        effect.put("to_version", now);
        effect.put("undone", undone);
        return new Outcome.Succeeded("undid " + undone.size() + " migration(s) of " + id + ": version " + from + " -> " + now,
                effect);
    }

    /** Runs one undo script and adds it to {@code undone}; empty when it ran, else the outcome that ends the run. */
    private Optional<Outcome> undoOne(ExecutionContext ctx, Connection c, MigrationInfo mi, MigrationFlyway.UndoScript script,
                            List<Map<String, Object>> undone, Map<String, Object> effect) {
        Operation op = ctx.operation();
        String id = op.targetId();
        MigrationsConfig.Database settings = flyways.settings(id);
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
                return Optional.of(new Outcome.Cancelled("cancelled: " + error));
            }
            if (GuardedSession.LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                return Optional.of(new Outcome.Deferred("lock_timeout: " + error, Map.of("cause", "lock_timeout")));
            }
            return Optional.of(new Outcome.Failed(error, effect));
        }
        journal.record(id, op.id(), u.version(), script.description(), u.script(), "undo", "undone", u.checksum(), null,
                Map.of("execution_ms", u.millis()));
        undone.add(Map.of("version", u.version(), "script", u.script(), "execution_ms", u.millis()));
        return Optional.empty();
    }
}
