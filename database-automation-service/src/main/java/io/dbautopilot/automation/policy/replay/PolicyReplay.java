package io.dbautopilot.automation.policy.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.policy.Decision;
import io.dbautopilot.automation.policy.Mode;
import io.dbautopilot.automation.policy.Policy;
import io.dbautopilot.automation.policy.PolicyDecider;
import io.dbautopilot.automation.policy.PolicyRule;
import io.dbautopilot.automation.policy.Trigger;
import io.dbautopilot.automation.state.StateTransactions;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.Topics;
import io.dbautopilot.model.Trust;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Replays a policy over the anomalies and recommendations the intake recorded in a past period: each event becomes the
 * same {@link Trigger} the intake built and goes through the real {@link PolicyDecider} (same matching, per-database
 * overrides and approval rules), then is compared with the operation it actually led to. Read-only: nothing is
 * created, published or run. Blocking: call from a worker thread.
 */
@ApplicationScoped
public class PolicyReplay {

    /** Most events one replay reads (the oldest of the period first). */
    static final int MAX_EVENTS = 100_000;
    /** Most differing events listed per target (all are counted). */
    static final int MAX_CHANGES = 200;
    /** Rule key of events that get no operation. */
    static final String NONE = "(none)";

    private static final ObjectMapper JSON = EventJson.newMapper();

    private final PolicyDecider decider;
    private final PastEvents past;
    private final StateTransactions transactions;
    private final ManagedDatabases databases;

    public PolicyReplay(PolicyDecider decider, PastEvents past, StateTransactions transactions,
                        ManagedDatabases databases) {
        this.decider = decider;
        this.past = past;
        this.transactions = transactions;
        this.databases = databases;
    }

    /** Replays {@code policy} (labelled {@code label}) over {@code [from, to)}, of one target or all (null). */
    public PolicySimulation replay(Policy policy, String label, Instant from, Instant to, String target) {
        Map<String, Tally> tallies = new TreeMap<>();
        long[] counts = new long[2]; // replayed, changed
        // streamed: each event is decided as it is read, so memory holds the tallies, not the period
        int read = transactions.inTransaction(tx -> past.read(tx, from, to, target, MAX_EVENTS + 1, e -> {
            if (counts[0] < MAX_EVENTS) {
                counts[0]++;
                if (replay(policy, e, tallies)) {
                    counts[1]++;
                }
            }
        }));
        List<PolicySimulation.Target> targets = tallies.entrySet().stream()
                .map(t -> t.getValue().result(t.getKey(), policy, trust(t.getKey()))).toList();
        return new PolicySimulation(label, policy.rules().stream().map(PolicyRule::name).toList(), from, to,
                counts[0], read > MAX_EVENTS, counts[1], targets);
    }

    /** Replays one event into its target's tally; true when the decision differs from what happened. */
    private boolean replay(Policy policy, PastEvent event, Map<String, Tally> tallies) {
        Trigger trigger;
        String skipped = null;
        Optional<Decision> decision;
        String columnsProblem = null;
        try {
            if (Topics.RECOMMENDATIONS.equals(event.topic())) {
                RecommendationEvent r = JSON.readValue(event.payload(), RecommendationEvent.class);
                trigger = Trigger.of(event.eventId(), r);
                if (!(r.evidence().get("columns") instanceof List<?> columns) || columns.isEmpty()) {
                    columnsProblem = "the recommendation has no evidence.columns (create_index needs them)";
                }
            } else {
                trigger = Trigger.of(event.eventId(), JSON.readValue(event.payload(), AnomalyEvent.class));
            }
        } catch (IOException | RuntimeException e) {
            // the intake checked every recorded event against its schema; a payload that no longer reads is reported
            Tally t = tallies.computeIfAbsent("(unreadable)", k -> new Tally());
            return t.add(event, null, null, "recorded data no longer reads as an event: " + e.getClass().getSimpleName(),
                    null);
        }
        decision = decider.decide(policy, trigger);
        Decision simulated = decision.orElse(null);
        if (simulated != null) {
            skipped = skipped(trigger, simulated, columnsProblem);
        }
        String mode = simulated == null ? null : effectiveMode(trigger.targetId(), simulated.mode());
        return tallies.computeIfAbsent(trigger.targetId(), k -> new Tally()).add(event, trigger, simulated, skipped, mode);
    }

    /** Why a decision would not become an operation (what {@code OperationRequests} checks), or null. */
    private String skipped(Trigger trigger, Decision d, String columnsProblem) {
        Optional<String> notManaged = databases.notManaged(trigger.targetId());
        if (notManaged.isPresent()) {
            return "target not managed (" + notManaged.get() + ")";
        }
        OperationType.ObjectKind kind = d.operation().objectKind();
        boolean needsObject = trigger.kind() == Trigger.Kind.RECOMMENDATION
                ? kind != OperationType.ObjectKind.TABLE_OR_DATABASE
                : kind == OperationType.ObjectKind.TABLE || kind == OperationType.ObjectKind.INDEX;
        if (trigger.object() == null && needsObject) {
            return "the " + trigger.kind().wire() + " names no object (" + d.operation().wire() + " needs one)";
        }
        if (d.operation() == OperationType.CREATE_INDEX && columnsProblem != null) {
            return columnsProblem;
        }
        return null;
    }

    /** The mode the operation would be recorded with: trust approve makes every mode approval. */
    private String effectiveMode(String targetId, Mode mode) {
        return trust(targetId) == Trust.APPROVE ? Mode.APPROVAL.wire() : mode.wire();
    }

    private Trust trust(String targetId) {
        try {
            return databases.exists(targetId) ? databases.trust(targetId) : null;
        } catch (IllegalArgumentException removedMeanwhile) {
            return null;
        }
    }

    /** One target's counts and differences. */
    private static final class Tally {
        private long events;
        private long changed;
        private final Map<String, long[]> counts = new LinkedHashMap<>();
        private final List<PolicySimulation.Change> changes = new ArrayList<>();

        boolean add(PastEvent event, Trigger trigger, Decision simulated, String skipped, String mode) {
            events++;
            boolean operation = simulated != null && skipped == null;
            String simulatedKey = operation ? simulated.ruleName() : NONE;
            PastEvent.Actual actual = event.actual();
            String actualKey = actual == null ? NONE : Objects.requireNonNullElse(actual.rule(), "(manual)");
            counts.computeIfAbsent(simulatedKey, k -> new long[2])[0]++;
            counts.computeIfAbsent(actualKey, k -> new long[2])[1]++;
            boolean differs = !simulatedKey.equals(actualKey) || (operation && actual != null
                    && (!simulated.operation().wire().equals(actual.operation()) || !mode.equals(actual.mode())));
            if (differs) {
                changed++;
                if (changes.size() < MAX_CHANGES) {
                    changes.add(new PolicySimulation.Change(event.eventId(), event.receivedAt(),
                            trigger == null ? null : trigger.kind().wire(), trigger == null ? null : trigger.rule(),
                            trigger == null ? null : trigger.object(),
                            trigger == null || trigger.severity() == null ? null : trigger.severity().wire(),
                            simulated == null ? null : new PolicySimulation.Simulated(simulated.ruleName(),
                                    simulated.operation().wire(), mode, simulated.reason()),
                            skipped, actual));
                }
            }
            return differs;
        }

        PolicySimulation.Target result(String target, Policy policy, Trust trust) {
            List<PolicySimulation.RuleCount> rules = new ArrayList<>();
            // the replayed policy's rules in file order, then (none), then rules only the actual record names
            for (PolicyRule rule : policy.rules()) {
                long[] c = counts.get(rule.name());
                if (c != null) {
                    rules.add(new PolicySimulation.RuleCount(rule.name(), "operation", rule.operation().wire(),
                            rule.mode().wire(), c[0], c[1], c[0] - c[1]));
                }
            }
            long[] none = counts.get(NONE);
            if (none != null) {
                rules.add(new PolicySimulation.RuleCount(NONE, "none", null, null, none[0], none[1], none[0] - none[1]));
            }
            counts.forEach((rule, c) -> {
                if (!rule.equals(NONE) && policy.rule(rule).isEmpty()) {
                    rules.add(new PolicySimulation.RuleCount(rule, "not_in_policy", null, null, c[0], c[1], c[0] - c[1]));
                }
            });
            return new PolicySimulation.Target(target, trust == null ? null : trust.wire(), events, changed, rules,
                    List.copyOf(changes));
        }
    }
}
