package io.dbautopilot.performance.collect;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-database schedules: a database the budget left out stays due and is first in line next time. */
class TargetRuntimeTest {

    private final Instant t0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void eachDatabaseKeepsItsOwnSchedule() {
        TargetRuntime target = new TargetRuntime("t", TestTarget.of("postgresql://db/x"));
        target.ran(TargetRuntime.scheduleKey("tables", "a"), t0);
        Duration minute = Duration.ofMinutes(1);
        assertFalse(target.due(TargetRuntime.scheduleKey("tables", "a"), minute, t0.plusSeconds(10)));
        assertTrue(target.due(TargetRuntime.scheduleKey("tables", "b"), minute, t0.plusSeconds(10)),
                "b was left out and is still due");
        assertTrue(target.due(TargetRuntime.scheduleKey("tables", "a"), minute, t0.plusSeconds(60)));
    }

    @Test
    void neverVisitedDatabasesComeFirstThenTheLeastRecentlyVisited() {
        TargetRuntime target = new TargetRuntime("t", TestTarget.of("postgresql://db/x"));
        target.visited("a", t0.plusSeconds(20));
        target.visited("b", t0);
        List<String> order = List.of("a", "b", "c").stream()
                .sorted(java.util.Comparator.comparing(target::lastVisit)).toList();
        assertEquals(List.of("c", "b", "a"), order);
    }

    @Test
    void aDroppedDatabaseIsForgotten() {
        TargetRuntime target = new TargetRuntime("t", TestTarget.of("postgresql://db/x"));
        target.databases(List.of("a", "b"));
        target.ran(TargetRuntime.scheduleKey("tables", "b"), t0);
        target.visited("b", t0);
        target.databases(List.of("a"));
        assertEquals(Instant.MIN, target.lastVisit("b"));
        assertTrue(target.due(TargetRuntime.scheduleKey("tables", "b"), Duration.ofHours(1), t0.plusSeconds(1)));
    }
}
