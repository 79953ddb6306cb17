package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.execute.GuardedSession;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.dbautopilot.automation.migration.MigrationTexts.rootMessage;
import static io.dbautopilot.automation.migration.MigrationTexts.sqlState;
import static io.dbautopilot.automation.migration.MigrationTexts.version;

/**
 * Cleans up after a failed Flyway {@code migrate}: drops the invalid indexes it left, journals the failure and says
 * what it means (cancelled, deferred after lock timeouts, or failed with the version the schema stays at).
 */
@ApplicationScoped
public class ApplyFailure {

    private final MigrationFlyway flyways;
    private final InvalidIndexes invalidIndexes;
    private final MigrationJournal journal;

    public ApplyFailure(MigrationFlyway flyways, InvalidIndexes invalidIndexes, MigrationJournal journal) {
        this.flyways = flyways;
        this.invalidIndexes = invalidIndexes;
        this.journal = journal;
    }

    /** Whether Flyway recorded a failed migration (a non-transactional one): a retry would be refused. */
    static boolean recordedFailure(Flyway flyway) {
        return Arrays.stream(flyway.info().all()).anyMatch(mi -> mi.getState().isFailed());
    }

    /** The outcome of a {@code migrate} that threw {@code e} while {@code failing} ran ({@code retries} lock retries). */
    Outcome handle(ExecutionContext ctx, Connection c, FlywayException e, MigrationInfo failing, Set<Long> invalidBefore,
                   Map<String, Object> effect, int retries) throws SQLException {
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
        boolean transactional = flyways.transactionalDdl(id);
        effect.put("ddl_transactional", transactional);
        if (!transactional && failing != null) {
            // MySQL / MariaDB: each DDL statement commits implicitly, so Flyway cannot roll the script back
            effect.put("left_behind", "the statements of the failed script that ran before the failing one stay "
                    + "applied (MySQL / MariaDB DDL commits implicitly); Flyway recorded the version as failed");
            error += ". MySQL / MariaDB DDL is not transactional: the statements of this script before the failing "
                    + "one stay applied and Flyway recorded the version as failed, so it refuses further runs until "
                    + "you check the database, undo or complete those statements by hand, fix the script and remove "
                    + "the failed entry (flyway repair); this service never repairs the history";
        } else if (recordedFailure(after)) {
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
}
