package io.dbautopilot.performance.operations;

import io.dbautopilot.model.OperationEvent;
import io.dbautopilot.model.OperationState;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timeline's bounds, ordering, dedupe and running-state derivation. */
class OperationTimelineTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private static OperationsConfig config(int size, Duration stale) {
        return new OperationsConfig() {
            @Override
            public int timelineSize() {
                return size;
            }

            @Override
            public Duration staleAfter() {
                return stale;
            }
        };
    }

    private static OperationEvent at(UUID op, String type, OperationState state, long second) {
        return new OperationEvent(op, null, "t", type, state, null, null, null, null, null, T0.plusSeconds(second), Map.of());
    }

    @Test
    void keepsTheNewestEventsFirstAndBounded() {
        OperationTimeline tl = new OperationTimeline(config(3, Duration.ofHours(1)),
                Clock.fixed(T0.plusSeconds(100), ZoneOffset.UTC));
        UUID op = UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            assertTrue(tl.record("e" + i, at(op, "vacuum", OperationState.PROGRESS, i)));
        }
        assertFalse(tl.record("e4", at(op, "vacuum", OperationState.PROGRESS, 4)), "redelivery");
        assertEquals(java.util.List.of("e4", "e3", "e2"), tl.recent("t", 10).stream().map(OperationEntry::eventId).toList());
        tl.record("late", at(op, "vacuum", OperationState.PROGRESS, 3)); // out of order: lands in its place
        assertEquals(java.util.List.of("e4", "late", "e3"), tl.recent("t", 10).stream().map(OperationEntry::eventId).toList());
        assertEquals(1, tl.running("t").size(), "an older event does not replace the operation's latest state");
    }

    @Test
    void runningFollowsTheLifecycleAndGoesStale() {
        OperationTimeline tl = new OperationTimeline(config(10, Duration.ofMinutes(10)),
                Clock.fixed(T0.plusSeconds(300), ZoneOffset.UTC));
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID old = UUID.randomUUID();
        tl.record("1", at(a, "backup", OperationState.REQUESTED, 1));
        assertEquals(1, tl.pending("t").size());
        assertTrue(tl.running("t").isEmpty());
        tl.record("2", at(a, "backup", OperationState.STARTED, 2));
        tl.record("3", at(b, "reindex", OperationState.STARTED, 3));
        tl.record("4", at(old, "vacuum", OperationState.STARTED, -3600));
        assertEquals(java.util.List.of(b, a), tl.running("t").stream().map(OperationEntry::operationId).toList(),
                "the operation not heard of for an hour is stale");
        tl.record("5", at(b, "reindex", OperationState.FAILED, 4));
        assertEquals(java.util.List.of(a), tl.running("t").stream().map(OperationEntry::operationId).toList());
        assertTrue(tl.running("other").isEmpty());
        assertEquals("backup", tl.latest("t", e -> OperationEntry.isBackup(e.type())).orElseThrow().type());
    }
}
