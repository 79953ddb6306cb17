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
        assertEquals("DOWN", summary.status());
        assertEquals(42, summary.uptimeSeconds());
        assertEquals(2, summary.checks().size());
        assertEquals("timeout", summary.checks().get(0).data().get("reason"));
        assertTrue(summary.checks().get(1).data().isEmpty());
        String json = EventJson.newMapper().writeValueAsString(summary);
        assertTrue(EventValidator.shared().validate(EventKind.HEALTH_SUMMARY, json).isEmpty(), json);
        assertTrue(json.contains("\"uptime_seconds\":42"), json);
    }
}
