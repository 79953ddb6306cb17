package io.dbautopilot.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Broken documents are rejected with a message that names the problem; validation never throws. */
class EventValidatorTest {

    private static final ObjectMapper MAPPER = EventJson.newMapper();
    private final EventValidator validator = new EventValidator();

    private static ObjectNode anomalyTree() {
        return MAPPER.valueToTree(Examples.anomaly());
    }

    private static void assertRejected(List<String> errors, String... expectedFragments) {
        assertFalse(errors.isEmpty(), "expected the document to be rejected");
        for (String fragment : expectedFragments) {
            assertTrue(errors.stream().anyMatch(e -> e.contains(fragment)),
                    () -> "no message mentions '" + fragment + "': " + errors);
        }
    }

    @Test
    void missingRequiredFieldIsNamed() {
        ObjectNode doc = anomalyTree();
        doc.remove("target_id");

        assertRejected(validator.validate(EventKind.ANOMALY, doc), "$: required property 'target_id' not found");
    }

    @Test
    void unknownSeverityIsRejected() {
        ObjectNode doc = anomalyTree();
        doc.put("severity", "SEVERE");

        assertRejected(validator.validate(EventKind.ANOMALY, doc), "severity", "enumeration");
    }

    @Test
    void upperCaseEnumValueIsNotTheWireForm() {
        ObjectNode doc = anomalyTree();
        doc.put("state", "OPENED");

        assertRejected(validator.validate(EventKind.ANOMALY, doc), "state");
    }

    @Test
    void wrongTypeIsRejected() {
        ObjectNode doc = anomalyTree();
        doc.put("sequence", "seventeen");

        assertRejected(validator.validate(EventKind.ANOMALY, doc), "sequence", "integer");
    }

    @Test
    void badDateTimeIsRejected() {
        ObjectNode doc = anomalyTree();
        doc.put("occurred_at", "yesterday at noon");

        assertRejected(validator.validate(EventKind.ANOMALY, doc), "occurred_at", "date-time");
    }

    @Test
    void epochMillisInsteadOfDateTimeIsRejected() {
        ObjectNode doc = anomalyTree();
        doc.put("occurred_at", 1_741_944_413_589L);

        assertRejected(validator.validate(EventKind.ANOMALY, doc), "occurred_at");
    }

    @Test
    void sequenceZeroIsRejected() {
        ObjectNode doc = anomalyTree();
        doc.put("sequence", 0);

        assertRejected(validator.validate(EventKind.ANOMALY, doc), "sequence", "1");
    }

    @Test
    void evidenceMustBeNumeric() {
        ObjectNode doc = anomalyTree();
        ((ObjectNode) doc.get("evidence")).put("dead_tuple_ratio", "high");

        assertRejected(validator.validate(EventKind.ANOMALY, doc), "dead_tuple_ratio");
    }

    @Test
    void progressAboveOneIsRejected() {
        ObjectNode doc = MAPPER.valueToTree(Examples.operation());
        doc.put("progress", 1.5);

        assertRejected(validator.validate(EventKind.OPERATION, doc), "progress");
    }

    @Test
    void everyOperationStateIsAcceptedByTheSchemaIncludingWouldRun() {
        for (OperationState state : OperationState.values()) {
            ObjectNode doc = MAPPER.valueToTree(Examples.operation());
            doc.put("state", state.wire());
            assertEquals(List.of(), validator.validate(EventKind.OPERATION, doc), state.wire());
        }
        ObjectNode doc = MAPPER.valueToTree(Examples.operation());
        doc.put("state", "would_have_run");
        assertRejected(validator.validate(EventKind.OPERATION, doc), "state");
    }

    @Test
    void operationIdMustBeAUuid() {
        ObjectNode doc = MAPPER.valueToTree(Examples.operation());
        doc.put("operation_id", "op-42");

        assertRejected(validator.validate(EventKind.OPERATION, doc), "operation_id", "uuid");
    }

    @Test
    void benchmarkWithUnknownStatusOrTextMetricIsRejected() {
        ObjectNode doc = MAPPER.valueToTree(Examples.benchmark());
        doc.put("status", "done");
        ((ObjectNode) doc.get("steps").get(0).get("metrics")).put("tps", "fast");

        assertRejected(validator.validate(EventKind.BENCHMARK, doc), "status", "$.steps[0].metrics.tps");
    }

    @Test
    void benchmarkRunIdMustBeAUuid() {
        ObjectNode doc = MAPPER.valueToTree(Examples.benchmark());
        doc.put("run_id", "run-7");

        assertRejected(validator.validate(EventKind.BENCHMARK, doc), "run_id", "uuid");
    }

    @Test
    void unknownRiskIsRejected() {
        ObjectNode doc = MAPPER.valueToTree(Examples.recommendation());
        doc.put("risk", "extreme");

        assertRejected(validator.validate(EventKind.RECOMMENDATION, doc), "risk");
    }

    @Test
    void brokenNestedMetricPointIsRejected() {
        ObjectNode doc = MAPPER.valueToTree(Examples.snapshot());
        ((ObjectNode) doc.withArray("points").get(0)).put("value", "lots");

        assertRejected(validator.validate(EventKind.METRIC_SNAPSHOT, doc), "$.points[0].value");
    }

    @Test
    void healthCheckWithoutStatusIsRejected() {
        ObjectNode doc = MAPPER.valueToTree(Examples.health());
        ((ObjectNode) doc.withArray("checks").get(0)).remove("status");

        assertRejected(validator.validate(EventKind.HEALTH_SUMMARY, doc), "$.checks[0]", "status");
    }

    @Test
    void unknownTopLevelPropertiesAreAllowed() {
        ObjectNode doc = anomalyTree();
        doc.put("added_in_a_later_version", true);

        assertEquals(List.of(), validator.validate(EventKind.ANOMALY, doc));
    }

    @Test
    void severalProblemsAreAllReported() {
        ObjectNode doc = anomalyTree();
        doc.remove("fingerprint");
        doc.put("severity", "SEVERE");
        doc.put("sequence", 0);

        List<String> errors = validator.validate(EventKind.ANOMALY, doc);

        assertEquals(3, errors.size(), errors::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json at all", "{\"target_id\": ", "{} trailing", "   "})
    void nonJsonTextGivesOneMessage(String text) {
        List<String> errors = validator.validate(EventKind.ANOMALY, text);

        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith("not valid JSON: "), errors::toString);
    }

    @Test
    void jsonThatIsNotAnObjectIsRejected() {
        assertRejected(validator.validate(EventKind.ANOMALY, "[1, 2, 3]"), "array");
    }

    @Test
    void nullTextAndNodeAreReportedNotThrown() {
        assertEquals(1, validator.validate(EventKind.ANOMALY, (String) null).size());
        assertEquals(1, validator.validate(EventKind.ANOMALY, (com.fasterxml.jackson.databind.JsonNode) null).size());
    }

    @ParameterizedTest
    @EnumSource(EventKind.class)
    void everySchemaIsOnTheClasspathWithItsId(EventKind kind) throws Exception {
        try (var in = getClass().getClassLoader().getResourceAsStream(kind.schemaResource())) {
            assertTrue(in != null, kind.schemaResource());
            var schema = MAPPER.readTree(in);
            assertEquals(kind.schemaId(), schema.get("$id").asText());
            assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
        }
    }

    @Test
    void cloudEventTypesMapToKinds() {
        assertEquals(Optional.of(EventKind.METRIC_SNAPSHOT), EventKind.forType(EventTypes.SNAPSHOT_COLLECTED));
        assertEquals(Optional.of(EventKind.ANOMALY), EventKind.forType(EventTypes.ANOMALY_RESOLVED));
        assertEquals(Optional.of(EventKind.RECOMMENDATION), EventKind.forType(EventTypes.RECOMMENDATION_WITHDRAWN));
        assertEquals(Optional.of(EventKind.OPERATION), EventKind.forType(EventTypes.OPERATION_DEFERRED));
        assertEquals(Optional.of(EventKind.BENCHMARK), EventKind.forType(EventTypes.BENCHMARK_COMPLETED));
        assertEquals(Optional.empty(), EventKind.forType("io.dbautopilot.anomaly.opened.v2"));
        assertEquals(Optional.empty(), EventKind.forType(null));
        for (String type : EventTypes.ALL) {
            assertTrue(EventKind.forType(type).isPresent(), type);
        }
    }

    @Test
    void validatorIsSafeToShareAcrossThreads() throws Exception {
        String valid = MAPPER.writeValueAsString(Examples.anomaly());
        ObjectNode broken = anomalyTree();
        broken.put("sequence", 0);
        String invalid = MAPPER.writeValueAsString(broken);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean expectValid = i % 2 == 0;
                String doc = expectValid ? valid : invalid;
                results.add(pool.submit(() -> EventValidator.shared().validate(EventKind.ANOMALY, doc).isEmpty() == expectValid));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
