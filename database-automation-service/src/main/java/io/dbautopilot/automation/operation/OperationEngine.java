package io.dbautopilot.automation.operation;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import io.dbautopilot.automation.engine.Engines;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Drives operations through their lifecycle on this instance: marks expired leases interrupted, claims claimable
 * operations of the configured databases (up to {@code max-parallel}), hands each to the {@link OperationExecutor}
 * of its type on a worker thread, renews the leases while they run and records the outcome.
 */
@ApplicationScoped
public class OperationEngine {

    private static final Logger LOG = Logger.getLogger(OperationEngine.class);

    private final OperationClaims claims;
    private final Engines executors;
    private final ManagedDatabases databases;
    private final OperationsConfig config;
    private final ManagedExecutor workers;
    private final MeterRegistry meters;
    private final String owner;
    private final Map<UUID, Running> running = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;

    public OperationEngine(OperationClaims claims, Engines executors, ManagedDatabases databases,
                           OperationsConfig config, ManagedExecutor workers, MeterRegistry meters) {
        this.claims = claims;
        this.executors = executors;
        this.databases = databases;
        this.config = config;
        this.workers = workers;
        this.meters = meters;
        this.owner = config.instanceId().filter(s -> !s.isBlank()).orElseGet(OperationEngine::defaultInstanceId);
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This instance's name in leases. */
    public String owner() {
        return owner;
    }

    @Scheduled(every = "${autopilot.operations.poll-interval:2s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        if (!config.enabled()) {
            return;
        }
        try {
            for (Operation op : claims.reapExpiredLeases()) {
                LOG.warnf("Operation %s on %s was interrupted (lease expired): now %s", op.id(), op.targetId(), op.status().wire());
                meters.counter("autopilot_operations_interrupted").increment();
            }
            Set<String> targets = databases.ids();
            while (running.size() < config.maxParallel()) {
                Optional<Operation> claimed = claims.claimNext(owner, targets, config.lease(), config.noWindowRecheck());
                if (claimed.isEmpty()) {
                    break;
                }
                dispatch(claimed.get());
            }
        } catch (RuntimeException e) {
            LOG.warnf("Operation engine poll failed, will retry: %s", e.getMessage());
        }
    }

    @Scheduled(every = "${autopilot.operations.heartbeat-interval:5s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void heartbeat() {
        if (running.isEmpty()) {
            return;
        }
        try {
            // only the operations this heartbeat renewed: one claimed meanwhile is not "lost"
            Set<UUID> renewed = Set.copyOf(running.keySet());
            List<Operation> held = claims.heartbeat(owner, renewed, config.lease());
            Map<UUID, Operation> byId = held.stream().collect(Collectors.toMap(Operation::id, o -> o));
            for (UUID id : renewed) {
                Running r = running.get(id);
                if (r == null) {
                    continue;
                }
                Operation current = byId.get(id);
                if (current == null) {
                    LOG.warnf("Operation %s: lease lost, stopping its statement", r.op.id());
                    r.stop();
                } else if (current.cancelRequested()) {
                    r.stop();
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("Lease heartbeat failed: %s", e.getMessage());
        }
    }

    /** Marks a running operation of this instance as cancel-requested (the API already signalled its backend). */
    public void cancelLocally(UUID id) {
        Running r = running.get(id);
        if (r != null) {
            r.stop();
        }
    }

    /** The executor of an operation on its target's engine; empty when the target is gone or its engine has none. */
    private Optional<OperationExecutor> executor(Operation op) {
        return databases.engineOf(op.targetId()).flatMap(engine -> executors.executor(op.type(), engine));
    }

    private void dispatch(Operation op) {
        OperationExecutor executor = executor(op).orElse(null);
        Duration budget = executor == null ? config.timeBudget() : executor.timeBudget(op).orElse(config.timeBudget());
        Running r = new Running(op, Instant.now().plus(budget));
        running.put(op.id(), r);
        LOG.infof("Operation %s (%s %s on %s) claimed by %s", op.id(), op.type().wire(),
                op.object() == null ? "" : op.object(), op.targetId(), owner);
        workers.runAsync(() -> run(r)).whenComplete((v, e) -> {
            running.remove(op.id());
            if (e != null) {
                LOG.errorf(e, "Operation %s: executor crashed", op.id());
                claims.finish(op, owner, OperationStatus.FAILED, "executor error: " + e.getMessage(), null, e.toString());
            }
        });
    }

    private void run(Running r) {
        Operation op = r.op;
        OperationExecutor executor = executor(op).orElse(null);
        Outcome outcome = executor == null
                ? new Outcome.Failed(databases.engineOf(op.targetId())
                        .flatMap(engine -> executors.unavailable(op.type(), engine)).map(why -> "unavailable: " + why)
                        .orElse("database '" + op.targetId() + "' is not managed ("
                                + databases.notManaged(op.targetId()).orElse("unknown target") + ")"), Map.of())
                : executor.execute(r);
        if (shuttingDown && outcome instanceof Outcome.Cancelled) {
            // stopped by this instance's shutdown, not by an operator: hand it back for an immediate retry
            outcome = new Outcome.Deferred("interrupted: instance " + owner + " shut down while it ran; retrying",
                    Map.of("cause", "shutdown", "interrupted", true));
            claims.defer(op, owner, Duration.ZERO, ((Outcome.Deferred) outcome).reason(),
                    ((Outcome.Deferred) outcome).details());
        } else if (outcome instanceof Outcome.Succeeded s) {
            claims.finish(op, owner, OperationStatus.SUCCEEDED, s.summary(), s.effect(), null);
        } else if (outcome instanceof Outcome.Failed f) {
            claims.finish(op, owner, OperationStatus.FAILED, f.error(), f.effect().isEmpty() ? null : f.effect(), f.error());
        } else if (outcome instanceof Outcome.Cancelled c) {
            String why = claims.cancelReason(op.id()).map(asked -> asked + "; " + c.reason()).orElse(c.reason());
            claims.finish(op, owner, OperationStatus.CANCELLED, why, null, null);
        } else if (outcome instanceof Outcome.Deferred d) {
            claims.defer(op, owner, config.deferDelay(), d.reason(), d.details());
        }
        meters.counter("autopilot_operations_finished", "type", op.type().wire(),
                "outcome", outcome.getClass().getSimpleName().toLowerCase()).increment();
        LOG.infof("Operation %s (%s on %s): %s", op.id(), op.type().wire(), op.targetId(), outcome);
    }

    @PreDestroy
    void stop() {
        shuttingDown = true;
        running.values().forEach(Running::stop);
    }

    /** One execution on this instance: the context the executor sees. */
    private final class Running implements ExecutionContext {
        private final Operation op;
        private final Instant deadline;
        private volatile boolean stop;
        private volatile Statement statement;

        Running(Operation op, Instant deadline) {
            this.op = op;
            this.deadline = deadline;
        }

        void stop() {
            stop = true;
            Statement st = statement;
            if (st != null) {
                try {
                    st.cancel();
                } catch (SQLException e) {
                    LOG.debugf("cancel of operation %s statement failed: %s", op.id(), e.getMessage());
                }
            }
        }

        @Override
        public Operation operation() {
            return op;
        }

        @Override
        public void backendStarted(int pid) {
            claims.recordBackend(op.id(), owner, pid);
        }

        @Override
        public void progress(String reason, Map<String, Object> details) {
            claims.progress(op, owner, reason, details);
        }

        @Override
        public boolean stopRequested() {
            if (!stop && claims.cancelRequested(op.id())) {
                stop = true;
            }
            return stop;
        }

        @Override
        public Duration remainingBudget() {
            return Duration.between(Instant.now(), deadline);
        }

        @Override
        public void executing(Statement statement) {
            this.statement = statement;
        }
    }
}
