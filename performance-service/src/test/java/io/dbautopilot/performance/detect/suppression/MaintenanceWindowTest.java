package io.dbautopilot.performance.detect.suppression;

import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recurrence of maintenance windows: cron start times in a time zone, each occurrence lasting its duration. */
class MaintenanceWindowTest {

    private static MaintenanceWindow window(String target, String rule, String cron, String duration, String zone) {
        return new MaintenanceWindow("w", "w", "api", target, rule, cron, duration, zone, null, "t", Instant.EPOCH);
    }

    @Test
    void aWeeklyWindowIsActiveForItsDurationAfterEachStart() {
        MaintenanceWindow w = window(null, null, "0 2 * * SUN", "2h", "UTC");
        assertEquals(Optional.of(Instant.parse("2026-01-04T02:00:00Z")), w.activeSince(Instant.parse("2026-01-04T02:00:00Z")));
        assertEquals(Optional.of(Instant.parse("2026-01-04T02:00:00Z")), w.activeSince(Instant.parse("2026-01-04T03:59:59Z")));
        assertFalse(w.activeAt(Instant.parse("2026-01-04T04:00:00Z")));
        assertFalse(w.activeAt(Instant.parse("2026-01-04T01:59:59Z")));
        assertFalse(w.activeAt(Instant.parse("2026-01-07T02:30:00Z")), "a Wednesday");
        assertTrue(w.activeAt(Instant.parse("2026-01-11T02:30:00Z")), "the next Sunday");
        assertEquals(Optional.of(Instant.parse("2026-01-11T02:00:00Z")), w.nextStart(Instant.parse("2026-01-04T02:30:00Z")));
    }

    @Test
    void theCronIsReadInTheWindowsTimeZone() {
        MaintenanceWindow w = window(null, null, "30 23 * * *", "1h", "America/New_York");
        assertTrue(w.activeAt(Instant.parse("2026-01-06T04:45:00Z")), "23:45 in New York (UTC-5)");
        assertFalse(w.activeAt(Instant.parse("2026-01-05T23:45:00Z")));
    }

    @Test
    void itAppliesToItsTargetAndRuleOnly() {
        MaintenanceWindow w = window("db1", "~host_.*", "0 2 * * *", "1h", "UTC");
        assertTrue(w.appliesTo(anomaly("db1", "host_cpu_high")));
        assertFalse(w.appliesTo(anomaly("db2", "host_cpu_high")));
        assertFalse(w.appliesTo(anomaly("db1", "dead_tuples")));
        assertTrue(window(null, null, "0 2 * * *", "1h", "UTC").appliesTo(anomaly("any", "any")));
    }

    @Test
    void badDefinitionsNameTheField() {
        assertTrue(MaintenanceWindow.problem("every sunday", "2h", "UTC", null).orElseThrow().startsWith("cron:"));
        assertTrue(MaintenanceWindow.problem("0 2 * * SUN", "forever", "UTC", null).orElseThrow().startsWith("duration:"));
        assertTrue(MaintenanceWindow.problem("0 2 * * SUN", "8d", "UTC", null).orElseThrow().startsWith("duration:"));
        assertTrue(MaintenanceWindow.problem("0 2 * * SUN", "2h", "Mars/Olympus", null).orElseThrow().startsWith("time_zone:"));
        assertTrue(MaintenanceWindow.problem("0 2 * * SUN", "2h", "UTC", "~(").orElseThrow().startsWith("rule:"));
        assertEquals(Optional.empty(), MaintenanceWindow.problem("0 2 * * SUN", "2h", "UTC", "~host_.*"));
    }

    private static AnomalyRecord anomaly(String target, String rule) {
        return new AnomalyRecord("fp", target, rule, null, AnomalyStatus.OPEN, io.dbautopilot.model.Severity.WARNING,
                1, java.util.Map.of(), null, null, null, Instant.EPOCH, null, Instant.EPOCH, null, null, null, null, null);
    }
}
