package io.dbautopilot.automation.backup.restore;

import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupCatalog;
import io.dbautopilot.automation.backup.BackupStatus;
import io.dbautopilot.automation.backup.EngineKind;
import io.dbautopilot.automation.operation.NewOperation;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationStatus;
import io.dbautopilot.automation.operation.OperationStore;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.OperationsConfig;
import io.dbautopilot.automation.state.StateTransactions;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Creates restore and drill operations together with their {@code automation.restore} rows. */
@ApplicationScoped
public class RestoreRequests {

    /** A restore row and the operation that runs it. */
    public record Requested(Restore restore, Operation operation) {
    }

    private final RestoreCatalog restores;
    private final BackupCatalog backups;
    private final OperationStore store;
    private final StateTransactions transactions;
    private final OperationsConfig operations;

    public RestoreRequests(RestoreCatalog restores, BackupCatalog backups, OperationStore store,
                           StateTransactions transactions, OperationsConfig operations) {
        this.restores = restores;
        this.backups = backups;
        this.store = store;
        this.transactions = transactions;
        this.operations = operations;
    }

    /** Requests a restore (or drill) of a backup; the caller validated the inputs. */
    public Requested request(Backup backup, String kind, String dataDirectory, Integer port, Instant targetTime,
                             boolean keepRunning, String requestedBy, String reason) {
        Requested requested = transactions.inTransaction(tx -> {
            Restore r = restores.create(tx, backup.backupId(), backup.databaseId(), kind, dataDirectory, port, targetTime,
                    keepRunning);
            OperationType type = "drill".equals(kind) ? OperationType.RESTORE_DRILL : OperationType.RESTORE;
            NewOperation n = new NewOperation(backup.databaseId(), type, r.restoreId().toString(), "auto", null, null, null,
                    requestedBy, Map.of("restore_id", r.restoreId().toString(), "backup_id", backup.backupId().toString()),
                    reason);
            Operation op = store.insert(tx, n, operations.maxAttempts()).orElseThrow();
            restores.operation(tx, r.restoreId(), op.id());
            return new Requested(r, op);
        });
        if (requested.operation().status() == OperationStatus.CANCELLED) {
            // refused by an emergency stop: the restore will not run either
            return new Requested(restores.finished(requested.restore().restoreId(), "failed", null, Map.of(),
                    requested.operation().reason()), requested.operation());
        }
        return requested;
    }

    /** The newest completed physical backup of a database (what a drill restores). */
    public Optional<Backup> latestPhysical(String databaseId) {
        return backups.completed(databaseId).stream()
                .filter(b -> b.engine() != EngineKind.PG_DUMP && b.status() == BackupStatus.COMPLETED)
                .reduce((a, b) -> b);
    }

    /** The newest completed pgBackRest backup of a database finished before {@code time} (a point-in-time base). */
    public Optional<Backup> latestPointInTimeBase(String databaseId, Instant time) {
        return backups.completed(databaseId).stream()
                .filter(b -> b.engine() == EngineKind.PGBACKREST && b.status() == BackupStatus.COMPLETED)
                .filter(b -> b.completedAt() != null && !b.completedAt().isAfter(time))
                .reduce((a, b) -> b);
    }

    /** Requests a drill of the latest physical backup; empty when there is none. */
    public Optional<Requested> drill(String databaseId, String requestedBy) {
        return latestPhysical(databaseId).map(b -> request(b, "drill", null, null, null, false, requestedBy,
                "restore drill of the latest backup " + b.backupId() + " (" + b.engine().wire() + " "
                        + b.backupType().wire() + ")"));
    }
}
