package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.execute.GuardedSession;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationsConfig;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.support.retry.Retry;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.dbautopilot.automation.migration.MigrationTexts.sqlState;
import static io.dbautopilot.automation.migration.MigrationTexts.text;
import static io.dbautopilot.automation.migration.MigrationTexts.version;

/**
 * One {@code migrate} operation under the lock: validates checksums, drops the invalid indexes a pending script would
 * trip over, takes the pre-migration backup, then runs Flyway {@code migrate} (retried after {@code lock_timeout})
 * and journals what it applied.
 */
@ApplicationScoped
public class ApplyRun {

    private final MigrationFlyway flyways;
    private final MigrationCatalog catalog;
    private final PreMigrationBackupStep backupStep;
    private final ApplyFailure failure;
    private final InvalidIndexes invalidIndexes;
    private final MigrationJournal journal;
    private final OperationsConfig operations;
    private final MigrationLint lint;

    public ApplyRun(MigrationFlyway flyways, MigrationCatalog catalog, PreMigrationBackupStep backupStep,
                    ApplyFailure failure, InvalidIndexes invalidIndexes, MigrationJournal journal,
                    OperationsConfig operations, MigrationLint lint) {
        this.lint = lint;
        this.flyways = flyways;
        this.catalog = catalog;
        this.backupStep = backupStep;
        this.failure = failure;
        this.invalidIndexes = invalidIndexes;
        this.journal = journal;
        this.operations = operations;
    }

    /** Applies the pending migrations (up to the operation's {@code target_version}) in the guarded session {@code c}. */
    Outcome apply(ExecutionContext ctx, Connection c) throws SQLException {
        Operation op = ctx.operation();
        String id = op.targetId();
        String target = text(op.parameters().get("target_version"));
        FlywayProgress progress = new FlywayProgress(ctx);
        Flyway flyway = flyways.flyway(id, "op:" + op.id(), target, progress);
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
        List<MigrationLint.Script> linted = new ArrayList<>();
        for (MigrationInfo mi : pending) {
            String sql = MigrationCatalog.read(mi.getPhysicalLocation());
            scripts.add(sql);
            linted.add(new MigrationLint.Script(mi.getVersion() == null ? null : mi.getVersion().getVersion(),
                    mi.getScript(), sql));
        }
        // re-checked now: a table may have grown (or a script changed) since the apply was requested without findings
        if (op.approvedBy() == null) {
            List<LintFinding> findings = lint.lint(c, id, linted);
            if (!findings.isEmpty()) {
                effect.put("lint", findings);
                return new Outcome.Failed("refused: migration lint found " + findings.size() + " lock-taking "
                        + "statement(s) and the apply was not approved: " + String.join(", ", findings.stream()
                        .map(LintFinding::summary).toList()) + "; request the apply again (it then waits for "
                        + "approval)", effect);
            }
        }
        List<String> droppedBefore = invalidIndexes.drop(c, e -> InvalidIndexes.namedIn(e.getValue(), scripts));
        if (!droppedBefore.isEmpty()) {
            effect.put("invalid_indexes_dropped_before", droppedBefore);
        }
        Optional<Outcome> noBackup = backupStep.take(ctx, from, "before-" + pending[pending.length - 1].getVersion(), effect);
        if (noBackup.isPresent()) {
            return noBackup.get();
        }
        Set<Long> invalidBefore = invalidIndexes.invalid(c).keySet();
        AtomicInteger attempts = new AtomicInteger();
        MigrateResult result;
        try {
            result = Retry.run(operations.lockBackoff(), FlywayException.class,
                    e -> GuardedSession.LOCK_NOT_AVAILABLE.equals(sqlState(e)) && !ApplyFailure.recordedFailure(flyway),
                    ctx::stopRequested,
                    (e, retry, wait) -> ctx.progress("lock_timeout applying version " + version(progress.current())
                            + "; retry " + retry + " of " + operations.lockRetries() + " in " + wait.toMillis() + " ms",
                            Map.of("lock_retry", retry, "version", version(progress.current()))),
                    attempt -> {
                        attempts.set(attempt);
                        return flyway.migrate();
                    });
        } catch (FlywayException e) {
            return failure.handle(ctx, c, e, progress.current(), invalidBefore, effect, attempts.get() - 1);
        }
        return applied(op, flyway, result, from, effect, attempts.get() - 1);
    }

    /** The succeeded outcome of a {@code migrate}: each applied migration journaled and listed. */
    private Outcome applied(Operation op, Flyway flyway, MigrateResult result, String from, Map<String, Object> effect,
                            int retries) {
        String id = op.targetId();
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
        effect.put("lock_retries", retries);
        return new Outcome.Succeeded("applied " + applied.size() + " migration(s) to " + id + ": version " + from
                + " -> " + to, effect);
    }
}
