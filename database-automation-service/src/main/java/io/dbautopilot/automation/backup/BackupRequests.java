package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.NewOperation;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationStore;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.OperationsConfig;
import io.dbautopilot.automation.state.StateTransactions;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Creates backup and verification operations (API, schedules, triggers), which the operation engine then runs. */
@ApplicationScoped
public class BackupRequests {

    private final OperationStore store;
    private final StateTransactions transactions;
    private final OperationsConfig operations;
    private final ManagedDatabases databases;
    private final io.dbautopilot.automation.engine.Engines engines;
    private final java.util.Set<String> unavailableLogged = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public BackupRequests(OperationStore store, StateTransactions transactions, OperationsConfig operations,
                          ManagedDatabases databases, io.dbautopilot.automation.engine.Engines engines) {
        this.engines = engines;
        this.store = store;
        this.transactions = transactions;
        this.operations = operations;
        this.databases = databases;
    }

    /** Requests a backup operation (mode auto); type/engine null = the database's defaults at run time. */
    public Operation backup(String databaseId, BackupType type, EngineKind engine, String requestedBy, String reason) {
        return backup(databaseId, type, engine, requestedBy, reason, Map.of());
    }

    /**
     * Requests a backup operation whose parameters also carry {@code trigger} facts (e.g. {@code trigger:
     * rpo_breached}, the age and the RPO), which the {@code requested} event shows in {@code details.parameters}
     * so a consumer can filter on them without parsing the reason.
     */
    public Operation backup(String databaseId, BackupType type, EngineKind engine, String requestedBy, String reason,
                            Map<String, Object> trigger) {
        Map<String, Object> parameters = new LinkedHashMap<>(trigger);
        if (type != null) {
            parameters.put("backup_type", type.wire());
        }
        if (engine != null) {
            parameters.put("engine", engine.wire());
        }
        NewOperation n = new NewOperation(databaseId, OperationType.BACKUP, null, "auto", null, null, null, requestedBy,
                parameters, reason);
        return transactions.inTransaction(tx -> store.insert(tx, n, operations.maxAttempts()).orElseThrow());
    }

    /**
     * Requests a backup unless one of this database is already waiting or running (schedules and triggers use
     * this so a slow backup is not queued twice); empty when one is pending.
     */
    public Optional<Operation> backupUnlessPending(String databaseId, BackupType type, EngineKind engine,
                                                   String requestedBy, String reason) {
        return backupUnlessPending(databaseId, type, engine, requestedBy, reason, Map.of());
    }

    /** {@link #backupUnlessPending(String, BackupType, EngineKind, String, String)} with trigger parameters. */
    public Optional<Operation> backupUnlessPending(String databaseId, BackupType type, EngineKind engine,
                                                   String requestedBy, String reason, Map<String, Object> trigger) {
        Optional<String> unavailable = unavailable(databaseId);
        if (unavailable.isPresent()) {
            if (unavailableLogged.add(databaseId)) {
                org.jboss.logging.Logger.getLogger(BackupRequests.class).infof("Backups of %s (%s) are not taken: "
                        + "unavailable: %s (logged once)", databaseId, requestedBy, unavailable.get());
            }
            return Optional.empty();
        }
        boolean pending = transactions.inTransaction(tx -> {
            try (PreparedStatement ps = tx.prepareStatement("""
                    SELECT 1 FROM automation.operation WHERE target_id = ? AND type = 'backup'
                       AND status NOT IN ('succeeded', 'failed', 'cancelled', 'would_run') LIMIT 1""")) {
                ps.setString(1, databaseId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        return pending ? Optional.empty() : Optional.of(backup(databaseId, type, engine, requestedBy, reason, trigger));
    }

    /** Requests a verification of a stored backup. */
    public Operation verify(Backup backup, String requestedBy) {
        NewOperation n = new NewOperation(backup.databaseId(), OperationType.BACKUP_VERIFY, backup.backupId().toString(),
                "auto", null, null, null, requestedBy, Map.of("backup_id", backup.backupId().toString()),
                "verification of backup " + backup.backupId() + " requested by " + requestedBy);
        return transactions.inTransaction(tx -> store.insert(tx, n, operations.maxAttempts()).orElseThrow());
    }

    /** Why a managed database's engine gets no backups here; empty when a backup engine serves it (or unmanaged). */
    public Optional<String> unavailable(String databaseId) {
        return databases.engineOf(databaseId).filter(e -> !engines.backsUp(e))
                .map(e -> "engine " + e.wire() + " has no backup engine yet");
    }

    /** Whether a database id is managed. */
    public boolean managed(String databaseId) {
        return databases.exists(databaseId);
    }

    /** Parses a backup id. */
    static UUID id(String text) {
        return UUID.fromString(text);
    }
}
