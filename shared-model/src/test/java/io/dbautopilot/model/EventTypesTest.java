package io.dbautopilot.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Event types follow the naming rule and every lifecycle state has exactly one type. */
class EventTypesTest {

    private static final Pattern TYPE = Pattern.compile("io\\.dbautopilot\\.[a-z]+\\.[a-z]+(_[a-z]+)*\\.v1");

    @Test
    void everyTypeFollowsTheNamingRule() {
        for (String type : EventTypes.ALL) {
            assertTrue(TYPE.matcher(type).matches(), type);
        }
    }

    @Test
    void allHoldsEveryConstant() throws Exception {
        Set<String> constants = new HashSet<>();
        for (var field : EventTypes.class.getFields()) {
            if (field.getType() == String.class) {
                constants.add((String) field.get(null));
            }
        }
        assertEquals(constants, EventTypes.ALL);
        assertEquals(18, EventTypes.ALL.size());
    }

    @Test
    void everyAnomalyStateHasItsOwnType() {
        assertCovers(AnomalyState.class, EventTypes::forAnomaly, "anomaly");
        assertEquals("io.dbautopilot.anomaly.opened.v1", EventTypes.forAnomaly(AnomalyState.OPENED));
    }

    @Test
    void everyRecommendationStateHasItsOwnType() {
        assertCovers(RecommendationState.class, EventTypes::forRecommendation, "recommendation");
        assertEquals(EventTypes.RECOMMENDATION_UPDATED, EventTypes.forRecommendation(RecommendationState.UPDATED));
    }

    @Test
    void everyOperationStateHasItsOwnType() {
        assertCovers(OperationState.class, EventTypes::forOperation, "operation");
        assertEquals("io.dbautopilot.operation.deferred.v1", EventTypes.forOperation(OperationState.DEFERRED));
        assertEquals("io.dbautopilot.operation.would_run.v1", EventTypes.forOperation(OperationState.WOULD_RUN));
        assertEquals("io.dbautopilot.operation.verified.v1", EventTypes.forOperation(OperationState.VERIFIED));
    }

    @Test
    void eventRecordsKnowTheirType() {
        assertEquals(EventTypes.ANOMALY_ESCALATED, Examples.anomaly().eventType());
        assertEquals(EventTypes.RECOMMENDATION_RAISED, Examples.recommendation().eventType());
        assertEquals(EventTypes.OPERATION_PROGRESS, Examples.operation().eventType());
        assertEquals("io.dbautopilot.benchmark.completed.v1", Examples.benchmark().eventType());
    }

    @Test
    void topicsAndSourcesAreTheAgreedNames() {
        assertEquals("autopilot.metrics.v1", Topics.METRICS);
        assertEquals("autopilot.anomalies.v1", Topics.ANOMALIES);
        assertEquals("autopilot.recommendations.v1", Topics.RECOMMENDATIONS);
        assertEquals("autopilot.operations.v1", Topics.OPERATIONS);
        assertEquals("autopilot.benchmarks.v1", Topics.BENCHMARKS);
        assertEquals("autopilot.canary.v1", Topics.CANARY);
        assertEquals(Topics.ANOMALIES + ".dlq", Topics.ANOMALIES_DLQ);
        assertEquals(Topics.RECOMMENDATIONS + ".dlq", Topics.RECOMMENDATIONS_DLQ);
        assertEquals("/db-autopilot/performance-service", EventSources.PERFORMANCE_SERVICE);
        assertEquals("/db-autopilot/database-automation-service", EventSources.AUTOMATION_SERVICE);
    }

    /** Each constant maps to a distinct type in ALL, named after the noun and the constant. */
    private static <E extends Enum<E>> void assertCovers(Class<E> states, Function<E, String> typeOf, String noun) {
        Set<String> types = EnumSet.allOf(states).stream().map(typeOf).collect(Collectors.toSet());
        assertEquals(states.getEnumConstants().length, types.size(), "distinct types for " + states.getSimpleName());
        for (E state : states.getEnumConstants()) {
            String type = typeOf.apply(state);
            assertTrue(EventTypes.ALL.contains(type), type + " is missing from ALL");
            assertEquals("io.dbautopilot." + noun + "." + state.name().toLowerCase() + ".v1", type);
        }
    }
}
