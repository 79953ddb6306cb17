package io.dbautopilot.automation.operation;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.maintenance.MaintenanceSchedule;
import io.dbautopilot.automation.state.StateTransactions;
import io.dbautopilot.model.OperationState;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The engine's state transitions on the shared state schema, safe with several instances: claims use
 * {@code FOR UPDATE SKIP LOCKED} (one claimer per row) and a unique index (one heavy operation per database);
 * every later transition is fenced by the lease owner, so an instance that lost its lease changes nothing. Nothing is
 * claimed for a target under an emergency stop ({@code automation.emergency_stop}).
 */
@ApplicationScoped
public class OperationClaims {

    private static final Logger LOG = Logger.getLogger(OperationClaims.class);

    private static final String NEXT_CLAIMABLE = """
            SELECT o.id FROM automation.operation o
             WHERE o.status IN ('pending', 'deferred') AND o.not_before <= now() AND o.target_id = ANY(?)
               AND NOT EXISTS (SELECT 1 FROM automation.emergency_stop s WHERE s.scope IN ('*', o.target_id))
               AND (NOT o.heavy OR NOT EXISTS (SELECT 1 FROM automation.operation r
                                                WHERE r.target_id = o.target_id AND r.status = 'running' AND r.heavy))
             ORDER BY o.not_before, o.requested_at
             LIMIT 1 FOR UPDATE SKIP LOCKED""";

    private static final String START = """
            UPDATE automation.operation SET status = 'running', lease_owner = ?, lease_expires_at = now() + ?::interval,
                   attempts = attempts + 1, started_at = coalesce(started_at, now()), backend_pid = NULL,
                   reason = NULL, updated_at = now()
             WHERE id = ? RETURNING *""";

    private static final String DEFER_FOR_WINDOW = """
            UPDATE automation.operation SET status = 'deferred', not_before = ?, reason = ?, updated_at = now()
             WHERE id = ? RETURNING *""";

    private static final String EXPIRED = """
            SELECT id FROM automation.operation WHERE status = 'running' AND lease_expires_at < now()
             ORDER BY lease_expires_at LIMIT 20 FOR UPDATE SKIP LOCKED""";

    private static final String INTERRUPT_RETRY = """
            UPDATE automation.operation SET status = 'deferred', not_before = now(), interruptions = interruptions + 1,
                   lease_owner = NULL, lease_expires_at = NULL, reason = ?, updated_at = now()
             WHERE id = ? RETURNING *""";

    private static final String INTERRUPT_FAIL = """
            UPDATE automation.operation SET status = 'failed', interruptions = interruptions + 1, finished_at = now(),
                   lease_owner = NULL, lease_expires_at = NULL, reason = ?, error = ?, updated_at = now()
             WHERE id = ? RETURNING *""";

    private static final String HEARTBEAT = """
            UPDATE automation.operation SET lease_expires_at = now() + ?::interval, updated_at = now()
             WHERE status = 'running' AND lease_owner = ? AND id = ANY(?)
            RETURNING *""";

    private static final String RECORD_PID = """
            UPDATE automation.operation SET backend_pid = ?, updated_at = now()
             WHERE id = ? AND status = 'running' AND lease_owner = ? RETURNING *""";

    private static final String FINISH = """
            UPDATE automation.operation SET status = ?, finished_at = now(), lease_owner = NULL, lease_expires_at = NULL,
                   result = ?::jsonb, error = ?, reason = ?, updated_at = now()
             WHERE id = ? AND status = 'running' AND lease_owner = ? RETURNING *""";

    private static final String DEFER = """
            UPDATE automation.operation SET status = 'deferred', not_before = now() + ?::interval, lease_owner = NULL,
                   lease_expires_at = NULL, backend_pid = NULL, reason = ?, updated_at = now()
             WHERE id = ? AND status = 'running' AND lease_owner = ? RETURNING *""";

    private final StateTransactions transactions;
    private final OperationStore store;
    private final Outbox outbox;
    private final ManagedDatabases databases;

    public OperationClaims(StateTransactions transactions, OperationStore store, Outbox outbox, ManagedDatabases databases) {
        this.transactions = transactions;
        this.store = store;
        this.outbox = outbox;
        this.databases = databases;
    }

    /**
     * Claims the next claimable operation of the given databases for {@code owner}: it becomes running with a
     * lease and a {@code started} event. A window-mode operation outside its window is deferred to the window's
     * opening instead (with a {@code deferred} event when the reason changed). Empty when nothing was claimed.
     */
    public Optional<Operation> claimNext(String owner, Collection<String> targetIds, Duration lease, Duration noWindowRecheck) {
        if (targetIds.isEmpty()) {
            return Optional.empty();
        }
        try {
            return transactions.inTransaction(tx -> {
                Optional<UUID> id = firstId(tx, NEXT_CLAIMABLE, targetIds.toArray(String[]::new));
                if (id.isEmpty()) {
                    return Optional.<Operation>empty();
                }
                Operation op = store.find(tx, id.get()).orElseThrow();
                if ("window".equals(op.mode()) && databases.exists(op.targetId())) {
                    Instant now = Instant.now();
                    MaintenanceSchedule schedule = databases.schedule(op.targetId());
                    if (!schedule.isOpen(now)) {
                        Optional<Instant> next = schedule.nextOpening(now);
                        String reason = next.map(t -> "outside the maintenance window of " + op.targetId()
                                        + "; deferred until it opens at " + t)
                                .orElse("no maintenance window configured for " + op.targetId() + " (autopilot.databases."
                                        + op.targetId() + ".maintenance-windows); waits for a window or an operator");
                        Instant notBefore = next.orElse(now.plus(noWindowRecheck));
                        Operation deferred = store.update(tx, DEFER_FOR_WINDOW, notBefore, reason, op.id()).orElseThrow();
                        if (!reason.equals(op.reason())) {
                            outbox.append(tx, deferred, OperationState.DEFERRED, reason,
                                    Map.of("not_before", notBefore.toString(), "cause", "maintenance_window"));
                        }
                        return Optional.<Operation>empty();
                    }
                }
                Operation started = store.update(tx, START, owner, interval(lease), op.id()).orElseThrow();
                outbox.append(tx, started, OperationState.STARTED, null, Map.of("executor", owner));
                return Optional.of(started);
            });
        } catch (StateTransactions.StateDatabaseException e) {
            if ("23505".equals(e.sqlState())) {
                LOG.debugf("Claim lost a race for the heavy-operation slot: %s", e.getMessage());
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Marks operations whose lease expired (their executor died) as interrupted: deferred for an immediate retry,
     * or failed once {@code max_attempts} interruptions happened. Returns the operations changed.
     */
    public List<Operation> reapExpiredLeases() {
        return transactions.inTransaction(tx -> {
            List<Operation> changed = new ArrayList<>();
            for (UUID id : ids(tx, EXPIRED)) {
                Operation op = store.find(tx, id).orElseThrow();
                int interruptions = op.interruptions() + 1;
                String what = "interrupted: executor " + op.leaseOwner() + " stopped renewing its lease (expired at "
                        + op.leaseExpiresAt() + ")";
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("interrupted", true);
                details.put("previous_executor", op.leaseOwner());
                details.put("interruptions", interruptions);
                if (op.backendPid() != null) {
                    details.put("previous_backend_pid", op.backendPid());
                }
                if (interruptions < op.maxAttempts()) {
                    String reason = what + "; retrying (interruption " + interruptions + " of " + op.maxAttempts() + " tolerated)";
                    Operation retried = store.update(tx, INTERRUPT_RETRY, reason, op.id()).orElseThrow();
                    outbox.append(tx, retried, OperationState.DEFERRED, reason, details);
                    changed.add(retried);
                } else {
                    String reason = what + "; failed after " + interruptions + " interruptions";
                    Operation failed = store.update(tx, INTERRUPT_FAIL, reason, reason, op.id()).orElseThrow();
                    outbox.append(tx, failed, OperationState.FAILED, reason, details);
                    changed.add(failed);
                }
            }
            return changed;
        });
    }

    /** Renews the leases {@code owner} holds on these operations; returns those it still holds (with cancel flags). */
    public List<Operation> heartbeat(String owner, Collection<UUID> ids, Duration lease) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return transactions.inTransaction(tx -> store.query(tx, HEARTBEAT, interval(lease), owner, ids.toArray(UUID[]::new)));
    }

    /** Records the target backend executing the operation (so a cancel can reach it). */
    public Optional<Operation> recordBackend(UUID id, String owner, int pid) {
        return transactions.inTransaction(tx -> store.update(tx, RECORD_PID, pid, id, owner));
    }

    /** Whether an operator asked to cancel the operation (read from the state database). */
    public boolean cancelRequested(UUID id) {
        return transactions.inTransaction(tx -> store.find(tx, id).map(Operation::cancelRequested).orElse(false));
    }

    /** The reason recorded when a cancel was requested (who, and why: e.g. an emergency stop); empty when none was. */
    public Optional<String> cancelReason(UUID id) {
        return transactions.inTransaction(tx -> store.find(tx, id).filter(Operation::cancelRequested)
                .map(Operation::reason));
    }

    /** Publishes a progress event for a running operation the owner still holds. */
    public void progress(Operation op, String owner, String reason, Map<String, Object> details) {
        transactions.inTransaction(tx -> {
            Optional<Operation> current = store.find(tx, op.id())
                    .filter(o -> o.status() == OperationStatus.RUNNING && owner.equals(o.leaseOwner()));
            if (current.isPresent()) {
                outbox.append(tx, current.get(), OperationState.PROGRESS, reason, details);
            }
            return null;
        });
    }

    /** Ends a running operation (succeeded, failed or cancelled) if {@code owner} still holds it. */
    public Optional<Operation> finish(Operation op, String owner, OperationStatus status, String reason,
                                      Map<String, Object> result, String error) {
        OperationState state = switch (status) {
            case SUCCEEDED -> OperationState.SUCCEEDED;
            case FAILED -> OperationState.FAILED;
            case CANCELLED -> OperationState.CANCELLED;
            default -> throw new IllegalArgumentException("not a final status: " + status);
        };
        return transactions.inTransaction(tx -> {
            Optional<Operation> done = store.update(tx, FINISH, status.wire(),
                    result == null ? null : store.json(result), error, reason, op.id(), owner);
            if (done.isPresent()) {
                Map<String, Object> details = new LinkedHashMap<>();
                if (result != null) {
                    details.put("effect", result);
                }
                outbox.append(tx, done.get(), state, reason, details);
            } else {
                LOG.warnf("Operation %s: lease lost before it could be recorded as %s", op.id(), status.wire());
            }
            return done;
        });
    }

    /** Defers a running operation (lock retries exhausted, precondition failed) if {@code owner} still holds it. */
    public Optional<Operation> defer(Operation op, String owner, Duration delay, String reason, Map<String, Object> details) {
        return transactions.inTransaction(tx -> {
            Optional<Operation> deferred = store.update(tx, DEFER, interval(delay), reason, op.id(), owner);
            if (deferred.isPresent()) {
                Map<String, Object> all = new LinkedHashMap<>(details);
                all.put("not_before", deferred.get().notBefore().toString());
                outbox.append(tx, deferred.get(), OperationState.DEFERRED, reason, all);
            }
            return deferred;
        });
    }

    private static String interval(Duration d) {
        return d.toMillis() + " milliseconds";
    }

    private static Optional<UUID> firstId(Connection tx, String sql, Object param) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            if (param instanceof String[] array) {
                ps.setArray(1, tx.createArrayOf("text", array));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }

    private static List<UUID> ids(Connection tx, String sql) throws SQLException {
        List<UUID> out = new ArrayList<>();
        try (PreparedStatement ps = tx.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getObject(1, UUID.class));
            }
        }
        return out;
    }
}
