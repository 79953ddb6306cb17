package io.dbautopilot.automation.canary;

import io.agroal.api.AgroalDataSource;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.OperationRequests;
import io.dbautopilot.automation.policy.Decision;
import io.dbautopilot.automation.policy.Mode;
import io.dbautopilot.automation.policy.PolicyDecider;
import io.dbautopilot.automation.policy.Trigger;
import io.dbautopilot.automation.state.StateTransactions;
import io.dbautopilot.automation.stop.EmergencyStop;
import io.dbautopilot.automation.stop.EmergencyStops;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.Trust;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs the canary (docs/canary.md), one instance at a time: every {@code check-interval} it follows each running run
 * through this service's own records (anomaly received → operation decided → executed → anomaly resolved), ends it
 * when it got through or when its deadline passed, and starts a new run on every opted-in target whose last one started
 * {@code interval} ago. A start is refused, and published as {@code skipped} with the reason, while an emergency stop
 * is in force, when the policy would not act on the planted condition, or when its VACUUM would have to wait for a
 * maintenance window that is closed.
 */
@ApplicationScoped
public class CanaryScheduler {

    private static final Logger LOG = Logger.getLogger(CanaryScheduler.class);
    /** Advisory lock key of the canary tick ("canary" in ASCII). */
    private static final long LOCK = 0x63616e617279L;

    private final CanaryConfig config;
    private final ManagedDatabases databases;
    private final PolicyDecider decider;
    private final EmergencyStops stops;
    private final StateTransactions transactions;
    private final AgroalDataSource dataSource;
    private final CanaryRuns runs;
    private final CanaryStages stages;
    private final CanaryTable table;
    private final CanaryOutbox outbox;
    private final OperationRequests requests;

    public CanaryScheduler(CanaryConfig config, ManagedDatabases databases, PolicyDecider decider, EmergencyStops stops,
                           StateTransactions transactions, AgroalDataSource dataSource, CanaryRuns runs,
                           CanaryStages stages, CanaryTable table, CanaryOutbox outbox, OperationRequests requests) {
        this.config = config;
        this.databases = databases;
        this.decider = decider;
        this.stops = stops;
        this.transactions = transactions;
        this.dataSource = dataSource;
        this.runs = runs;
        this.stages = stages;
        this.table = table;
        this.outbox = outbox;
        this.requests = requests;
    }

    @Scheduled(every = "${autopilot.canary.check-interval:10s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(true);
            if (!advisory(lock, "SELECT pg_try_advisory_lock(?)")) {
                return;
            }
            try {
                tickLocked();
            } finally {
                advisory(lock, "SELECT pg_advisory_unlock(?)");
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Canary check failed, tried again in %s: %s", config.checkInterval(), e.getMessage());
        }
    }

    private void tickLocked() {
        if (!config.enabled()) {
            for (CanaryRun run : transactions.withConnection(runs::running)) {
                end(run, "skipped", null, "the canary was switched off while the run was going on "
                        + "(autopilot.canary.enabled=false)");
            }
            switchedOff();
            return;
        }
        switchedOff();
        for (CanaryRun run : transactions.withConnection(runs::running)) {
            try {
                follow(run);
            } catch (RuntimeException e) {
                LOG.warnf("Canary run %s on %s: %s", run.id(), run.targetId(), e.getMessage());
            }
        }
        Instant now = Instant.now();
        for (String id : databases.ids()) {
            if (!optedIn(id)) {
                continue;
            }
            Optional<CanaryRun> last = transactions.withConnection(tx -> runs.latest(tx, id));
            if (last.isPresent() && !"off".equals(last.get().status()) && (last.get().running()
                    || last.get().startedAt().plus(config.interval()).isAfter(now))) {
                continue;
            }
            try {
                start(id);
            } catch (RuntimeException e) {
                LOG.warnf("Canary on %s not started: %s", id, e.getMessage());
            }
        }
    }

    /** Whether a managed target runs the canary now. */
    private boolean optedIn(String id) {
        try {
            return config.enabled() && databases.exists(id) && databases.settings(id).canary();
        } catch (IllegalArgumentException removedMeanwhile) {
            return false;
        }
    }

    /**
     * Publishes {@code off} once for every target whose canary was switched off (or that is no longer managed) after
     * its last run ended, so the watchdog stops expecting runs instead of reporting them overdue.
     */
    private void switchedOff() {
        for (CanaryRun last : transactions.withConnection(runs::latestPerTarget)) {
            if (last.running() || "off".equals(last.status()) || optedIn(last.targetId())) {
                continue;
            }
            Instant now = Instant.now();
            String why = !config.enabled() ? "autopilot.canary.enabled=false"
                    : !databases.exists(last.targetId()) ? "the target is no longer managed" : "canary=off on the target";
            CanaryRun off = new CanaryRun(UUID.randomUUID(), last.targetId(), "off", last.trust(), null,
                    "the canary was switched off (" + why + "): no more runs are due", now, now, null, null, null, null,
                    null, null, null, now, null, now, Map.of());
            transactions.inTransaction(tx -> {
                runs.insertCompleted(tx, off);
                outbox.append(tx, off, config.deadline());
                return null;
            });
            LOG.infof("Canary on %s switched off (%s)", last.targetId(), why);
        }
    }

    private void start(String target) {
        UUID id = UUID.randomUUID();
        Trust trust = databases.trust(target);
        String qualified = table.qualified(id);
        Instant now = Instant.now();
        Optional<io.dbautopilot.model.Engine> engine = databases.engineOf(target)
                .filter(e -> e != io.dbautopilot.model.Engine.POSTGRESQL);
        if (engine.isPresent()) {
            // the canary plants dead tuples for VACUUM: a PostgreSQL condition; other engines skip, saying why
            skip(target, id, trust, now, "unavailable: the canary plants dead tuples for a VACUUM, a PostgreSQL "
                    + "condition; engine " + engine.get().wire() + " has no canary yet");
            return;
        }
        Optional<EmergencyStop> stop = transactions.withConnection(tx -> stops.activeFor(tx, target));
        if (stop.isPresent()) {
            skip(target, id, trust, now, "not planted: " + stop.get().refusal());
            return;
        }
        Optional<Decision> decision = decider.decide(new Trigger(Trigger.Kind.ANOMALY, target, CanaryStages.DETECTOR,
                "vacuum", qualified, Severity.CRITICAL, true, false, null, "canary dead_tuples (critical)"));
        if (decision.isEmpty()) {
            skip(target, id, trust, now, "not planted: the policy creates no operation for a critical dead_tuples "
                    + "anomaly on this target (no rule, or its mode is off)");
            return;
        }
        if (decision.get().mode() == Mode.WINDOW && trust != Trust.OBSERVE
                && !databases.schedule(target).isOpen(now)) {
            String next = databases.schedule(target).nextOpening(now).map(Instant::toString).orElse("never");
            skip(target, id, trust, now, "not planted: outside the maintenance window (rule " + decision.get().ruleName()
                    + " runs the VACUUM in a window; next opens " + next + ")");
            return;
        }
        boolean started = transactions.inTransaction(tx -> runs.start(tx, id, target, trust.wire(), qualified,
                now.plus(config.deadline())));
        if (!started) {
            return;
        }
        CanaryRun run = transactions.withConnection(tx -> runs.latest(tx, target)).orElseThrow();
        table.dropAllBut(target, runningRuns()); // leftovers of runs whose clean-up could not reach the target
        try {
            table.plant(target, id);
        } catch (RuntimeException e) {
            end(run, "failed", "planted", e.getMessage());
            return;
        }
        CanaryRun planted = withStages(run, Instant.now(), null, null, null, null, null, null, null);
        transactions.inTransaction(tx -> {
            runs.progress(tx, planted);
            return null;
        });
        LOG.infof("Canary run %s on %s: planted %s (trust %s, deadline %s)", id, target, qualified, trust.wire(),
                config.deadline());
    }

    private void follow(CanaryRun run) {
        Instant now = Instant.now();
        String tableName = run.table();
        CanaryRun r = run;
        if (r.plantedAt() != null) {
            List<CanaryStages.AnomalySeen> seen = transactions.withConnection(tx ->
                    stages.anomalies(tx, run.targetId(), tableName, run.startedAt()));
            Optional<CanaryStages.AnomalySeen> opened = seen.stream().filter(a -> !"resolved".equals(a.state())).findFirst();
            Instant detected = opened.map(a -> a.openedAt() != null ? a.openedAt() : a.occurredAt()).orElse(null);
            List<String> ids = seen.stream().filter(a -> !"resolved".equals(a.state()))
                    .map(CanaryStages.AnomalySeen::eventId).toList();
            Optional<CanaryStages.OperationSeen> op = transactions.withConnection(tx -> stages.operation(tx, ids));
            Instant decided = op.map(CanaryStages.OperationSeen::requestedAt).orElse(null);
            Instant executed = op.filter(o -> "succeeded".equals(o.status()))
                    .map(CanaryStages.OperationSeen::finishedAt).orElse(null);
            Map<String, Double> effect = new LinkedHashMap<>(r.effect());
            op.ifPresent(o -> {
                if (o.result().path("n_dead_tup_before").isNumber()) {
                    effect.put("n_dead_tup_before", o.result().path("n_dead_tup_before").asDouble());
                    effect.put("n_dead_tup_after", o.result().path("n_dead_tup_after").asDouble());
                }
            });
            Instant verified = executed == null ? null : seen.stream().filter(a -> "resolved".equals(a.state()))
                    .map(CanaryStages.AnomalySeen::occurredAt)
                    .filter(at -> !at.isBefore(executed.minusSeconds(1))).findFirst().orElse(null);
            r = withStages(r, null, detected, opened.map(CanaryStages.AnomalySeen::eventId).orElse(null), decided,
                    op.map(CanaryStages.OperationSeen::id).orElse(null), executed, verified, effect);
            if (op.isPresent()) {
                CanaryStages.OperationSeen o = op.get();
                switch (o.status()) {
                    case "would_run" -> {
                        end(r, "would_run", null, "trust observe: the policy decided "
                                + o.result().path("statement").asText("a VACUUM") + " (operation " + o.id()
                                + "), nothing was executed");
                        return;
                    }
                    case "awaiting_approval" -> {
                        try {
                            requests.cancel(o.id(), "canary", "the canary's own operation: not left waiting for an operator");
                        } catch (RuntimeException e) {
                            LOG.warnf("Canary: could not withdraw operation %s: %s", o.id(), e.getMessage());
                        }
                        end(r, "awaiting_approval", null, "decided: operation " + o.id()
                                + " waited for an operator's approval; the canary withdrew it");
                        return;
                    }
                    case "cancelled" -> {
                        Optional<EmergencyStop> stop = transactions.withConnection(tx -> stops.activeFor(tx, run.targetId()));
                        if (stop.isPresent()) {
                            end(r, "skipped", null, "operation " + o.id() + " refused: " + stop.get().refusal());
                        } else {
                            end(r, "failed", "executed", "operation " + o.id() + " cancelled: "
                                    + (o.error() != null ? o.error() : o.reason()));
                        }
                        return;
                    }
                    case "failed" -> {
                        end(r, "failed", "executed", "operation " + o.id() + " " + o.status() + ": "
                                + (o.error() != null ? o.error() : o.reason()));
                        return;
                    }
                    default -> {
                    }
                }
            }
            if (verified != null) {
                double before = effect.getOrDefault("n_dead_tup_before", 0.0);
                double after = effect.getOrDefault("n_dead_tup_after", before);
                if (after >= before) {
                    end(r, "failed", "verified", "the VACUUM did not remove the dead tuples (" + before + " before, "
                            + after + " after)");
                } else {
                    end(r, "succeeded", null, null);
                }
                return;
            }
        }
        if (now.isAfter(r.deadlineAt())) {
            String missing = firstMissing(r);
            end(r, "failed", missing, "not " + missing + " within the deadline of " + config.deadline()
                    + waitingFor(r));
            return;
        }
        CanaryRun progressed = r;
        transactions.inTransaction(tx -> {
            runs.progress(tx, progressed);
            return null;
        });
    }

    private String waitingFor(CanaryRun r) {
        if (r.operationId() == null) {
            return r.detectedAt() == null ? ": no dead_tuples anomaly about " + r.table() + " arrived from "
                    + "performance-service" : ": the anomaly arrived but no operation was created";
        }
        try {
            return transactions.withConnection(tx -> {
                try (PreparedStatement ps = tx.prepareStatement(
                        "SELECT status, reason FROM automation.operation WHERE id = ?")) {
                    ps.setObject(1, r.operationId());
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? ": operation " + r.operationId() + " is " + rs.getString(1)
                                + (rs.getString(2) == null ? "" : " (" + rs.getString(2) + ")") : "";
                    }
                }
            });
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String firstMissing(CanaryRun r) {
        if (r.plantedAt() == null) {
            return "planted";
        }
        if (r.detectedAt() == null) {
            return "detected";
        }
        if (r.decidedAt() == null) {
            return "decided";
        }
        return r.executedAt() == null ? "executed" : "verified";
    }

    private void skip(String target, UUID id, Trust trust, Instant now, String reason) {
        CanaryRun run = new CanaryRun(id, target, "skipped", trust.wire(), null, reason, now, now, null, null, null,
                null, null, null, null, now, null, nextDue(now, now), Map.of());
        transactions.inTransaction(tx -> {
            runs.insertCompleted(tx, run);
            outbox.append(tx, run, config.deadline());
            return null;
        });
        LOG.infof("Canary on %s skipped: %s", target, reason);
    }

    private void end(CanaryRun run, String status, String failedStage, String reason) {
        Instant now = Instant.now();
        CanaryRun ended = new CanaryRun(run.id(), run.targetId(), status, run.trust(), run.table(), reason,
                run.startedAt(), run.deadlineAt(), run.plantedAt(), run.detectedAt(), run.anomalyEventId(),
                run.decidedAt(), run.operationId(), run.executedAt(), run.verifiedAt(), now, failedStage,
                nextDue(run.startedAt(), now), run.effect());
        transactions.inTransaction(tx -> {
            runs.complete(tx, ended);
            outbox.append(tx, ended, config.deadline());
            return null;
        });
        if (databases.exists(run.targetId())) {
            table.dropAllBut(run.targetId(), runningRuns());
        }
        if ("failed".equals(status)) {
            LOG.warnf("Canary run %s on %s FAILED at %s: %s", run.id(), run.targetId(), failedStage, reason);
        } else {
            LOG.infof("Canary run %s on %s ended %s%s", run.id(), run.targetId(), status,
                    reason == null ? "" : ": " + reason);
        }
    }

    /** Ids of every running run (their tables are kept when another run cleans up the same database). */
    private List<UUID> runningRuns() {
        return transactions.withConnection(runs::running).stream().map(CanaryRun::id).toList();
    }

    /** When the target's next canary event is due at the latest: its next start, its deadline and two checks. */
    private Instant nextDue(Instant started, Instant now) {
        Instant nextStart = started.plus(config.interval());
        if (nextStart.isBefore(now)) {
            nextStart = now;
        }
        return nextStart.plus(config.deadline()).plus(config.checkInterval().multipliedBy(2));
    }

    private static CanaryRun withStages(CanaryRun r, Instant planted, Instant detected, String anomalyEventId,
                                        Instant decided, UUID operationId, Instant executed, Instant verified,
                                        Map<String, Double> effect) {
        return new CanaryRun(r.id(), r.targetId(), r.status(), r.trust(), r.table(), r.reason(), r.startedAt(),
                r.deadlineAt(), planted != null ? planted : r.plantedAt(), detected != null ? detected : r.detectedAt(),
                anomalyEventId != null ? anomalyEventId : r.anomalyEventId(), decided != null ? decided : r.decidedAt(),
                operationId != null ? operationId : r.operationId(), executed != null ? executed : r.executedAt(),
                verified != null ? verified : r.verifiedAt(), r.completedAt(), r.failedStage(), r.nextDueAt(),
                effect != null ? effect : r.effect());
    }

    private static boolean advisory(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Duration of the configured deadline (for other beans of the package). */
    Duration deadline() {
        return config.deadline();
    }
}
