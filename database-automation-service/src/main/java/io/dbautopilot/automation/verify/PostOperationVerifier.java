package io.dbautopilot.automation.verify;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.NewOperation;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationStore;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.OperationsConfig;
import io.dbautopilot.automation.operation.Outbox;
import io.dbautopilot.automation.state.StateTransactions;
import io.dbautopilot.model.OperationState;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Verifies succeeded reversible operations a window after they finished: registers them from the state database
 * (their executor's baseline is in {@code result.verification}), measures each due one again through the
 * {@link EffectCheck} of its type, publishes the verdict as a {@code verified} event of the operation and, when it
 * regressed, requests the rollback operation in the same transaction (trust and emergency stops apply to it as to any).
 */
@ApplicationScoped
public class PostOperationVerifier {

    private static final Logger LOG = Logger.getLogger(PostOperationVerifier.class);
    private static final int PER_TICK = 20;

    private final VerificationConfig config;
    private final OperationsConfig operations;
    private final StateTransactions transactions;
    private final Verifications verifications;
    private final OperationStore store;
    private final Outbox outbox;
    private final ManagedDatabases databases;
    private final MeterRegistry meters;
    private final Map<OperationType, EffectCheck> checks = new EnumMap<>(OperationType.class);

    public PostOperationVerifier(VerificationConfig config, OperationsConfig operations, StateTransactions transactions,
                                 Verifications verifications, OperationStore store, Outbox outbox,
                                 ManagedDatabases databases, MeterRegistry meters, Instance<EffectCheck> checks) {
        this.config = config;
        this.operations = operations;
        this.transactions = transactions;
        this.verifications = verifications;
        this.store = store;
        this.outbox = outbox;
        this.databases = databases;
        this.meters = meters;
        for (EffectCheck check : checks) {
            EffectCheck previous = this.checks.put(check.type(), check);
            if (previous != null) {
                throw new IllegalStateException("operation type " + check.type().wire() + " is verified by two checks: "
                        + previous.getClass().getName() + " and " + check.getClass().getName());
            }
        }
    }

    /** Fails the start on a setting out of range, naming it. */
    void validate(@Observes StartupEvent start) {
        config.problem().ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
    }

    @Scheduled(every = "${autopilot.verification.poll-interval:10s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        if (!config.enabled()) {
            return;
        }
        try {
            int registered = transactions.inTransaction(tx -> verifications.register(tx, config.window()));
            if (registered > 0) {
                LOG.infof("%d operation(s) will be verified %s after they finished", registered, config.window());
            }
            for (int i = 0; i < PER_TICK && verifyNext(); i++) {
                // one verification per transaction
            }
        } catch (RuntimeException e) {
            LOG.warnf("Post-operation verification failed, will retry: %s", e.getMessage());
        }
    }

    /** Verifies the next due verification of the managed targets; false when none was due. */
    public boolean verifyNext() {
        return transactions.inTransaction(tx -> {
            Optional<Verifications.Due> due = verifications.nextDue(tx, databases.ids());
            if (due.isEmpty()) {
                return false;
            }
            verify(tx, due.get());
            return true;
        });
    }

    private void verify(Connection tx, Verifications.Due due) throws SQLException {
        Operation op = store.find(tx, due.operationId()).orElseThrow();
        EffectCheck check = checks.get(op.type());
        Verdict verdict;
        if (check == null) {
            verdict = Verdict.inconclusive("no effect check for " + op.type().wire() + " in this build", Map.of());
        } else {
            try (Connection target = databases.connect(op.targetId(), "verify:" + op.id())) {
                verdict = check.verify(target, op, due.baseline());
            } catch (SQLException e) {
                String error = "SQLSTATE " + e.getSQLState() + ": " + e.getMessage();
                if (due.attempts() + 1 < config.maxAttempts()) {
                    LOG.warnf("Verification of operation %s: cannot measure %s (%s); retrying in %s", op.id(),
                            op.targetId(), error, config.retryDelay());
                    verifications.retry(tx, op.id(), config.retryDelay(), error);
                    return;
                }
                verdict = Verdict.inconclusive("the target could not be measured " + config.maxAttempts()
                        + " times: " + error, Map.of());
            }
        }
        Optional<Operation> rollback = Optional.empty();
        if (verdict.regressed() && check != null) {
            NewOperation n = check.rollback(op, due.baseline(), verdict, config.rollbackMode());
            rollback = store.insert(tx, n, operations.maxAttempts(), databases.trust(op.targetId()));
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("verdict", verdict.outcome().wire());
        record.put("summary", verdict.summary());
        record.put("expected_effect", op.type().expectedEffect());
        record.put("window", config.window().toString());
        record.put("measured", verdict.measured());
        rollback.ifPresent(r -> {
            record.put("rollback_operation_id", r.id().toString());
            record.put("rollback_status", r.status().wire());
        });
        verifications.finish(tx, op.id(), record, verdict.outcome().wire(), rollback.map(Operation::id).orElse(null));
        outbox.append(tx, op, OperationState.VERIFIED, verdict.outcome().wire() + ": " + verdict.summary(), record);
        meters.counter("autopilot_operations_verified", "type", op.type().wire(), "verdict", verdict.outcome().wire())
                .increment();
        UUID rid = rollback.map(Operation::id).orElse(null);
        LOG.infof("Operation %s (%s on %s) verified: %s%s", op.id(), op.type().wire(), op.targetId(),
                verdict.outcome().wire() + " - " + verdict.summary(), rid == null ? "" : "; rollback operation " + rid);
    }
}
