package io.dbautopilot.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The records check their required fields, copy their collections and read tolerantly. */
class RecordsTest {

    private static final ObjectMapper MAPPER = EventJson.newMapper();
    private static final Instant NOW = Examples.T0;

    @Test
    void collectionsAreCopiedAndImmutable() {
        List<MetricPoint> points = new ArrayList<>(List.of(MetricPoint.of("pg_up", 1)));
        Map<String, String> errors = new HashMap<>();
        MetricSnapshot snapshot = new MetricSnapshot("orders-db", NOW, 1, null, errors, points);

        points.add(MetricPoint.of("pg_up", 0));
        errors.put("host", "boom");

        assertEquals(1, snapshot.points().size());
        assertTrue(snapshot.errors().isEmpty());
        assertTrue(snapshot.families().isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> snapshot.points().add(MetricPoint.of("x", 1)));
    }

    @Test
    void nullCollectionsBecomeEmpty() {
        var anomaly = new AnomalyEvent("fp", "orders-db", "rule", null, Severity.INFO, AnomalyState.OPENED, 1, NOW, null,
                null, null, null);
        var recommendation = new RecommendationEvent("r", "orders-db", null, null, "config", RecommendationState.RAISED,
                NOW, null, null, null, Risk.LOW, false, null);
        var operation = new OperationEvent(UUID.randomUUID(), null, "orders-db", "backup", OperationState.REQUESTED,
                null, null, NOW, null, null, NOW, null);
        var health = new HealthSummary("UP", "svc", null, 0, null);

        assertEquals(Map.of(), anomaly.evidence());
        assertEquals(Map.of(), recommendation.evidence());
        assertEquals(Map.of(), operation.details());
        assertEquals(List.of(), health.checks());
        assertEquals(Map.of(), new HealthSummary.Check("kafka", "UP", null).data());
        assertEquals(Map.of(), new MetricPoint("pg_up", null, 1).labels());
    }

    @Test
    void requiredFieldsAreChecked() {
        var blankTarget = assertThrows(IllegalArgumentException.class,
                () -> new MetricSnapshot(" ", NOW, 0, null, null, null));
        assertTrue(blankTarget.getMessage().contains("target_id"), blankTarget.getMessage());

        var nullSeverity = assertThrows(NullPointerException.class, () -> new AnomalyEvent("fp", "t", "rule", null,
                null, AnomalyState.OPENED, 1, NOW, NOW, null, null, null));
        assertTrue(nullSeverity.getMessage().contains("severity"), nullSeverity.getMessage());

        var sequenceZero = assertThrows(IllegalArgumentException.class, () -> new AnomalyEvent("fp", "t", "rule", null,
                Severity.INFO, AnomalyState.OPENED, 0, NOW, NOW, null, null, null));
        assertTrue(sequenceZero.getMessage().contains("sequence"), sequenceZero.getMessage());

        var progress = assertThrows(IllegalArgumentException.class, () -> new OperationEvent(UUID.randomUUID(), null,
                "t", "vacuum", OperationState.PROGRESS, 1.01, null, null, null, null, NOW, null));
        assertTrue(progress.getMessage().contains("progress"), progress.getMessage());

        assertThrows(NullPointerException.class, () -> new OperationEvent(null, null, "t", "vacuum",
                OperationState.REQUESTED, null, null, null, null, null, NOW, null));
        assertThrows(NullPointerException.class, () -> new RecommendationEvent("r", "t", null, null, "config",
                RecommendationState.RAISED, NOW, null, null, null, null, false, null));
        assertThrows(IllegalArgumentException.class, () -> new FamilyResult("host", FamilyStatus.RAN, -1, null));
        assertThrows(IllegalArgumentException.class, () -> new MetricPoint("pg_up", null, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new HealthSummary("UP", "", null, 0, null));

        var badStatus = assertThrows(IllegalArgumentException.class, () -> new BenchmarkEvent(UUID.randomUUID(), "t",
                "done", "standard-v1", NOW, NOW, null, false, null, null, null));
        assertTrue(badStatus.getMessage().contains("status"), badStatus.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BenchmarkEvent.Regression("tpcb_1", "tps", 1, Double.NaN,
                0, 0.2));
    }

    @Test
    void findValueMatchesNameAndLabel() {
        MetricSnapshot snapshot = Examples.snapshot();

        assertEquals(OptionalDouble.of(912), snapshot.findValue("pg_stat_database_xact_commit", "datname", "postgres"));
        assertEquals(OptionalDouble.of(1_284_311), snapshot.findValue("pg_stat_database_xact_commit", "datname", "orders"));
        assertEquals(OptionalDouble.of(1), snapshot.findValue("pg_up"));
        assertEquals(OptionalDouble.empty(), snapshot.findValue("pg_stat_database_xact_commit", "datname", "nope"));
        assertEquals(OptionalDouble.empty(), snapshot.findValue("pg_nothing"));
    }

    @Test
    void jsonUsesSnakeCaseIsoInstantsAndLowerCaseEnums() {
        JsonNode anomaly = MAPPER.valueToTree(Examples.anomaly());

        assertEquals("orders-db", anomaly.get("target_id").asText());
        assertEquals("2025-03-14T09:36:53.589Z", anomaly.get("occurred_at").asText());
        assertEquals("warning", anomaly.get("severity").asText());
        assertEquals("escalated", anomaly.get("state").asText());
        assertEquals("vacuum", anomaly.get("suggested_action").asText());
        assertFalse(anomaly.has("event_type"));

        JsonNode snapshot = MAPPER.valueToTree(Examples.snapshot());
        assertEquals(143, snapshot.get("collection_duration_ms").asLong());
        assertEquals("failed", snapshot.get("families").get(2).get("status").asText());
        assertFalse(snapshot.get("families").get(0).has("detail"), "null detail is omitted");

        JsonNode health = MAPPER.valueToTree(Examples.health());
        assertEquals(3725, health.get("uptime_seconds").asLong());
    }

    @Test
    void nullFieldsAreOmittedAndReadBackAsNull() throws Exception {
        var manual = new OperationEvent(UUID.randomUUID(), null, "orders-db", "backup", OperationState.REQUESTED, null,
                "manual request", NOW, null, null, NOW, null);
        JsonNode tree = MAPPER.valueToTree(manual);

        assertFalse(tree.has("triggering_event_id"));
        assertFalse(tree.has("progress"));
        assertEquals(manual, MAPPER.treeToValue(tree, OperationEvent.class));
        assertEquals(List.of(), EventValidator.shared().validate(EventKind.OPERATION, tree));
    }

    @Test
    void unknownPropertiesAreIgnoredOnRead() throws Exception {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.valueToTree(Examples.recommendation());
        tree.put("confidence", 0.9);

        assertEquals(Examples.recommendation(), MAPPER.treeToValue(tree, RecommendationEvent.class));
    }

    @Test
    void explicitNullsAreAcceptedBySchemaAndRecord() throws Exception {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.valueToTree(Examples.anomaly());
        tree.putNull("object");
        tree.putNull("summary");

        assertEquals(List.of(), EventValidator.shared().validate(EventKind.ANOMALY, tree));
        AnomalyEvent read = MAPPER.treeToValue(tree, AnomalyEvent.class);
        assertEquals(null, read.object());
    }

    @Test
    void eventJsonConfiguresAnExistingMapper() throws Exception {
        ObjectMapper existing = new ObjectMapper();

        assertTrue(existing == EventJson.configure(existing));
        assertEquals("\"2025-03-14T09:26:53.589Z\"", existing.writeValueAsString(NOW));
        assertEquals(Examples.health(), existing.readValue(
                "{\"status\":\"UP\",\"service\":\"performance-service\",\"version\":\"0.1.0-SNAPSHOT\",\"uptime_seconds\":3725,"
                        + "\"future_field\":1,\"checks\":["
                        + "{\"name\":\"kafka\",\"status\":\"UP\",\"data\":{\"bootstrap_servers\":\"localhost:9092\"}},"
                        + "{\"name\":\"state-db\",\"status\":\"UP\"},"
                        + "{\"name\":\"target:orders-db\",\"status\":\"UP\",\"data\":{\"last_collection_ms\":143,\"server_version\":\"17.2\"}}]}",
                HealthSummary.class));
    }
}
