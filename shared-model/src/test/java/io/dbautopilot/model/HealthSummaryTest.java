package io.dbautopilot.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthSummaryTest {

    @Test
    void buildsTheSummaryFromAMicroProfileHealthPayload() throws Exception {
        Map<String, Object> payload = Map.of("status", "DOWN", "checks", List.of(
                Map.of("name", "Kafka connection health check", "status", "DOWN", "data", Map.of("reason", "timeout")),
                Map.of("name", "Database connections health check", "status", "UP")));
        HealthSummary summary = HealthSummary.fromHealthPayload("performance-service", "1.0", 42, payload);
        assertEquals(HealthSummary.UNHEALTHY, summary.status());
        assertTrue(summary.unhealthy());
        assertEquals(42, summary.uptimeSeconds());
        assertEquals(2, summary.checks().size());
        assertEquals("timeout", summary.checks().get(0).data().get("reason"));
        assertTrue(summary.checks().get(1).data().isEmpty());
        String json = EventJson.newMapper().writeValueAsString(summary);
        assertTrue(EventValidator.shared().validate(EventKind.HEALTH_SUMMARY, json).isEmpty(), json);
        assertTrue(json.contains("\"uptime_seconds\":42"), json);
        assertTrue(!json.contains("targets") && !json.contains("peer"), "sections a service lacks are left out: " + json);
    }

    @Test
    void aFullSummaryMatchesTheSchemaAndReadsBack() throws Exception {
        java.time.Instant now = java.time.Instant.parse("2026-12-03T22:00:00Z");
        HealthSummary summary = new HealthSummary(HealthSummary.DEGRADED, "performance-service", "1.0", 7, now,
                List.of(new HealthSummary.Check("Kafka connection health check", "UP", Map.of())),
                List.of(new HealthSummary.TargetReach("demo", "postgresql", true, now, null),
                        new HealthSummary.TargetReach("offline", "postgresql", false, now, "connection refused")),
                Map.of("info", 0L, "warning", 2L, "critical", 0L, "emergency", 0L),
                List.of(new HealthSummary.Task("anomaly relay", 1, now, null, null, false)),
                new HealthSummary.Peer("database-automation-service", "http://127.0.0.1:1", "unreachable", "refused", now));
        String json = EventJson.newMapper().writeValueAsString(summary);
        assertTrue(EventValidator.shared().validate(EventKind.HEALTH_SUMMARY, json).isEmpty(), json);
        assertTrue(json.contains("\"open_anomalies\":{") && json.contains("\"last_collected_at\""), json);
        assertEquals(summary, EventJson.newMapper().readValue(json, HealthSummary.class));
        assertEquals("healthy", HealthSummary.fromHealthPayload("s", null, 0, Map.of("status", "UP")).status());
    }
}
