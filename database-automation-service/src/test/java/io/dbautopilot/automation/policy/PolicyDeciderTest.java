package io.dbautopilot.automation.policy;

import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.RecommendationState;
import io.dbautopilot.model.Risk;
import io.dbautopilot.model.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in policy's decisions for the performance service's rules, and per-database overrides. */
class PolicyDeciderTest {

    private static final Policy DEFAULT = PolicyParser.parse(PolicyDecider.read(PolicyDecider.DEFAULT_POLICY), "default");

    @Test
    void theDefaultsOfTheIssue() {
        assertDecision("dead_tuples", Severity.WARNING, OperationType.VACUUM, Mode.WINDOW);
        assertDecision("dead_tuples", Severity.CRITICAL, OperationType.VACUUM, Mode.AUTO);
        assertDecision("dead_tuples", Severity.EMERGENCY, OperationType.VACUUM, Mode.AUTO);
        assertDecision("table_not_analyzed", Severity.WARNING, OperationType.ANALYZE, Mode.AUTO);
        assertDecision("xid_age", Severity.WARNING, OperationType.VACUUM_FREEZE, Mode.AUTO);
        assertDecision("mxid_age", Severity.CRITICAL, OperationType.VACUUM_FREEZE, Mode.AUTO);
        assertDecision("index_bloat", Severity.WARNING, OperationType.REINDEX, Mode.WINDOW);
        assertDecision("invalid_index", Severity.WARNING, OperationType.DROP_INDEX, Mode.WINDOW);
        assertDecision("idle_in_transaction", Severity.WARNING, OperationType.TERMINATE_IDLE, Mode.AUTO);
        assertDecision("long_running_query", Severity.CRITICAL, OperationType.CANCEL_QUERY, Mode.APPROVAL);
        assertDecision("unused_index", Severity.INFO, OperationType.DROP_INDEX, Mode.APPROVAL);
    }

    @Test
    void recommendationsAreRoutedByTheKindNamedInThePolicy() {
        assertRecommendation("missing_index", false, OperationType.CREATE_INDEX, Mode.APPROVAL);
        assertRecommendation("unused_index", false, OperationType.DROP_INDEX, Mode.APPROVAL);
        assertRecommendation("duplicate_index", false, OperationType.DROP_INDEX, Mode.APPROVAL);
        assertRecommendation("vacuum", false, OperationType.VACUUM, Mode.WINDOW);
        assertRecommendation("analyze", false, OperationType.ANALYZE, Mode.AUTO);
        // a recommendation that requires approval never runs without one
        assertRecommendation("analyze", true, OperationType.ANALYZE, Mode.APPROVAL);
        assertTrue(PolicyDecider.decide(DEFAULT, Map.of(), recommendation("config", false, RecommendationState.RAISED)).isEmpty());
        assertTrue(PolicyDecider.decide(DEFAULT, Map.of(),
                recommendation("missing_index", false, RecommendationState.WITHDRAWN)).isEmpty());
        // an anomaly whose detector happens to be a recommendation kind does not match a recommendation rule
        assertTrue(PolicyDecider.decide(DEFAULT, Map.of(), event("missing_index", Severity.CRITICAL, AnomalyState.OPENED)).isEmpty());
    }

    private static void assertRecommendation(String kind, boolean requiresApproval, OperationType type, Mode mode) {
        Decision d = PolicyDecider.decide(DEFAULT, Map.of(), recommendation(kind, requiresApproval, RecommendationState.RAISED))
                .orElseThrow(() -> new AssertionError("no decision for " + kind));
        assertEquals(type, d.operation(), kind);
        assertEquals(mode, d.mode(), kind);
    }

    private static Trigger recommendation(String kind, boolean requiresApproval, RecommendationState state) {
        return Trigger.of("e-" + kind, new RecommendationEvent(kind + ":db:public.t", "db", "db", "public.t", kind, state, Instant.now(),
                Map.of(), null, null, Risk.LOW, requiresApproval, null));
    }

    @Test
    void unknownRulesAndResolvedAnomaliesLeadToNothing() {
        assertTrue(PolicyDecider.decide(DEFAULT, Map.of(), event("cache_hit_ratio", Severity.CRITICAL, AnomalyState.OPENED)).isEmpty());
        assertTrue(PolicyDecider.decide(DEFAULT, Map.of(), event("dead_tuples", Severity.CRITICAL, AnomalyState.RESOLVED)).isEmpty());
    }

    @Test
    void aPerDatabaseOverrideChangesTheModeOrSwitchesTheRuleOff() {
        Decision d = PolicyDecider.decide(DEFAULT, Map.of("index-bloat", Mode.APPROVAL),
                event("index_bloat", Severity.WARNING, AnomalyState.OPENED)).orElseThrow();
        assertEquals(Mode.APPROVAL, d.mode());
        assertTrue(d.reason().contains("per-database override"), d.reason());
        assertTrue(PolicyDecider.decide(DEFAULT, Map.of("stale-statistics", Mode.OFF),
                event("table_not_analyzed", Severity.WARNING, AnomalyState.OPENED)).isEmpty());
    }

    @Test
    void rulesCanMatchOnTheSuggestedAction() {
        Policy byAction = PolicyParser.parse("rules:\n  - name: any-vacuum\n    match: { action: vacuum }\n"
                + "    operation: vacuum\n    mode: approval\n", "t");
        Optional<Decision> d = PolicyDecider.decide(byAction, Map.of(), event("table_bloat", Severity.WARNING, AnomalyState.OPENED));
        assertEquals(Mode.APPROVAL, d.orElseThrow().mode());
    }

    private static void assertDecision(String rule, Severity severity, OperationType type, Mode mode) {
        Decision d = PolicyDecider.decide(DEFAULT, Map.of(), event(rule, severity, AnomalyState.OPENED))
                .orElseThrow(() -> new AssertionError("no decision for " + rule));
        assertEquals(type, d.operation(), rule);
        assertEquals(mode, d.mode(), rule + " at " + severity);
    }

    private static Trigger event(String rule, Severity severity, AnomalyState state) {
        return Trigger.of("e-" + rule, new AnomalyEvent(rule + ":demo:public.t", "demo", rule, "public.t", severity, state, 1, Instant.now(), null,
                Map.of(), "vacuum", null));
    }
}
