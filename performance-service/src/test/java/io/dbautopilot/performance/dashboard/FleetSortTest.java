package io.dbautopilot.performance.dashboard;

import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.dashboard.FleetResource.FleetRow;
import jakarta.ws.rs.BadRequestException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fleet's order (unreachable, lowest score, most severe anomaly, most anomalies, id) and its label filters. */
class FleetSortTest {

    @Test
    void worstFirst() {
        List<FleetRow> rows = new ArrayList<>(List.of(
                row("new", null, null, null, 0),
                row("fine", true, 98, null, 0),
                row("warned", true, 80, Severity.WARNING, 3),
                row("critical", true, 80, Severity.CRITICAL, 1),
                row("critical-more", true, 80, Severity.CRITICAL, 2),
                row("low", true, 40, null, 0),
                row("down", false, 0, Severity.EMERGENCY, 1),
                row("down-quiet", false, 0, null, 0)));
        rows.sort(FleetResource.WORST_FIRST);
        assertEquals(List.of("down", "down-quiet", "low", "critical-more", "critical", "warned", "fine", "new"),
                rows.stream().map(FleetRow::id).toList());
    }

    @Test
    void labelFiltersAreKeyEqualsValue() {
        assertEquals(List.of(Map.entry("env", "prod"), Map.entry("team", "a=b")),
                FleetResource.labels(List.of("env=prod", " team = a=b ")));
        for (String bad : List.of("env", "=prod", "env=", " =x", "env= ")) {
            assertThrows(BadRequestException.class, () -> FleetResource.labels(List.of(bad)), bad);
        }
    }

    private static FleetRow row(String id, Boolean reachable, Integer score, Severity worst, int open) {
        return new FleetRow(id, "postgresql", Map.of(), reachable, score == null ? null : "X", score, worst, open,
                null, "me");
    }
}
