package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.NewOperation;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationStore;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.OperationsConfig;
import io.dbautopilot.support.problem.ProblemException;
import io.dbautopilot.automation.state.StateTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.api.MigrationVersion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Creates migration operations ({@code migrate}, {@code migrate_undo}) requested through the API or by the pending-migration check. */
@ApplicationScoped
public class MigrationRequests {

    private final ManagedDatabases databases;
    private final MigrationFlyway flyways;
    private final OperationStore store;
    private final StateTransactions transactions;
    private final OperationsConfig config;
    private final MigrationCatalog catalog;
    private final io.dbautopilot.automation.engine.Engines engines;

    public MigrationRequests(ManagedDatabases databases, MigrationFlyway flyways, OperationStore store,
                             StateTransactions transactions, OperationsConfig config, MigrationCatalog catalog,
                             io.dbautopilot.automation.engine.Engines engines) {
        this.engines = engines;
        this.databases = databases;
        this.flyways = flyways;
        this.store = store;
        this.transactions = transactions;
        this.config = config;
        this.catalog = catalog;
    }

    /** The mode an apply is requested in, and the reason's addition when the lint holds it for approval. */
    private record Held(String mode, String why) {
    }

    /**
     * An apply in a mode other than approval whose pending scripts the {@link MigrationLint} finds lock-taking or
     * rewriting statements in waits for approval instead (the findings go into the parameters); a lint that cannot run
     * holds it too.
     */
    private Held lintHold(String database, String target, String mode, Map<String, Object> parameters) {
        if ("approval".equals(mode)) {
            return new Held(mode, "");
        }
        List<LintFinding> findings;
        try {
            findings = catalog.dryRun(database, target).lint();
        } catch (RuntimeException e) {
            findings = List.of(new LintFinding(null, null, "lint_unavailable", null, null,
                    "the pending migrations could not be read for the lint: " + e.getClass().getSimpleName()));
        }
        if (findings.isEmpty()) {
            return new Held(mode, "");
        }
        parameters.put("lint", findings.stream().map(LintFinding::summary).toList());
        return new Held("approval", "; held for approval (requested mode " + mode + "): migration lint found "
                + findings.size() + " lock-taking statement(s): " + String.join(", ",
                findings.stream().map(LintFinding::summary).toList()));
    }

    /** Body of {@code POST /api/migrations/{database}/apply}, {@code /undo} and {@code /dry-run}. */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Request(String targetVersion, String toVersion, String mode, String reason) {
    }

    /** Checks that the database is managed and has a migrations location; 404 otherwise. */
    public void requireConfigured(String database) {
        if (!databases.exists(database)) {
            throw ProblemException.notFound("'" + database + "' is not a managed database (one of " + databases.ids() + ")");
        }
        databases.engineOf(database).filter(e -> !io.dbautopilot.automation.engine.Engines.MIGRATION_ENGINES.contains(e))
                .ifPresent(e -> {
                    throw ProblemException.conflict("migrations of '" + database + "' are unavailable: "
                            + io.dbautopilot.automation.engine.Engines.migrationsUnavailable(e).orElseThrow());
                });
        if (!flyways.configured(database)) {
            throw ProblemException.notFound("database '" + database + "' has no migrations location (set "
                    + "autopilot.migrations.databases." + database + ".location); databases with one: " + flyways.ids());
        }
    }

    /** A manual apply (optionally up to a target version) or undo (down to a version), as an operation. */
    public Operation manual(String database, OperationType type, Request request, String caller) {
        requireConfigured(database);
        databases.engineOf(database).flatMap(e -> engines.unavailable(type, e)).ifPresent(why -> {
            throw ProblemException.conflict(type.wire() + " of '" + database + "' is unavailable: " + why);
        });
        Request r = request == null ? new Request(null, null, null, null) : request;
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (type == OperationType.MIGRATE && r.targetVersion() != null) {
            parameters.put("target_version", checkedVersion("target_version", r.targetVersion()));
        }
        if (type == OperationType.MIGRATE_UNDO && r.toVersion() != null) {
            parameters.put("to_version", checkedVersion("to_version", r.toVersion()));
        }
        // an undo usually drops what a migration added: it waits for an operator's approval unless asked otherwise
        String mode = r.mode() != null ? r.mode() : type == OperationType.MIGRATE_UNDO ? "approval" : "auto";
        if (!Set.of("auto", "window", "approval").contains(mode)) {
            throw ProblemException.badRequest("field 'mode': '" + mode + "' is not one of auto, window, approval");
        }
        String what = type == OperationType.MIGRATE
                ? "apply migrations" + (parameters.containsKey("target_version") ? " up to version " + parameters.get("target_version") : "")
                : "undo migrations" + (parameters.containsKey("to_version") ? " down to version " + parameters.get("to_version")
                : " (the latest applied version)");
        String reason = "manual request by " + caller + ": " + what + (r.reason() == null ? "" : " (" + r.reason() + ")");
        if (type == OperationType.MIGRATE) {
            Held held = lintHold(database, (String) parameters.get("target_version"), mode, parameters);
            mode = held.mode();
            reason += held.why();
        }
        NewOperation n = new NewOperation(database, type, null, mode, null, null, null, caller, parameters, reason);
        return transactions.inTransaction(tx -> store.insert(tx, n, config.maxAttempts(), databases.trust(database)).orElseThrow());
    }

    /**
     * The pending-migration check's request: one {@code migrate} operation per database and pending target version
     * (the triggering id {@code migration_pending:<database>:<version>} makes a repeated check create nothing new).
     */
    public Optional<Operation> pending(String database, String latestPending, String mode, String rule, String reason) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("target_version", latestPending);
        Held held = lintHold(database, latestPending, mode, parameters);
        NewOperation n = new NewOperation(database, OperationType.MIGRATE, null, held.mode(), rule, "warning",
                "migration_pending:" + database + ":" + latestPending, "policy", parameters, reason + held.why());
        return transactions.inTransaction(tx -> store.insert(tx, n, config.maxAttempts(), databases.trust(database)));
    }

    private static String checkedVersion(String field, String text) {
        try {
            return MigrationVersion.fromVersion(text.trim()).getVersion();
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("field '" + field + "': '" + text + "' is not a migration version (e.g. 3 or 1.2)");
        }
    }
}
