package io.dbautopilot.performance.collect.family;

import io.dbautopilot.model.MetricPoint;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a gated family reuses its last listing, and how it stops reading a digest that keeps moving. */
class ListingReuseTest {

    private static final Instant T0 = Instant.parse("2026-12-05T01:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);
    private static final List<MetricPoint> POINTS = List.of(new MetricPoint("pg_stat_user_tables_seq_scan",
            Map.of("relname", "t"), 3));

    private final ListingReuse reuse = new ListingReuse();

    @Test
    void theSameDigestInTheSameServerLifeWithinTheMaximumAgeReusesTheListing() {
        assertTrue(reuse.reusable("db", "d1", "e1", HOUR, T0).isEmpty(), "nothing listed yet");
        reuse.listed("db", "d1", "e1", POINTS, T0);
        assertEquals(POINTS, reuse.reusable("db", "d1", "e1", HOUR, T0.plusSeconds(60)).orElseThrow());
        assertTrue(reuse.reusable("db", "d2", "e1", HOUR, T0.plusSeconds(60)).isEmpty(), "digest moved");
        assertTrue(reuse.reusable("db", "d1", "e2", HOUR, T0.plusSeconds(60)).isEmpty(), "server restarted");
        assertTrue(reuse.reusable("db", "d1", "e1", HOUR, T0.plus(HOUR)).isEmpty(), "older than the maximum age");
        assertTrue(reuse.reusable("db", null, "e1", HOUR, T0.plusSeconds(60)).isEmpty(), "no digest (a lock)");
        assertTrue(reuse.reusable("other", "d1", "e1", HOUR, T0.plusSeconds(60)).isEmpty(), "databases kept apart");
    }

    /** Three moved digests in a row, then the eight runs of the bypass; the time of the last run. */
    private Instant busyThroughTheBypass() {
        Instant t = T0;
        reuse.listed("db", "d0", "e1", POINTS, t);
        for (int miss = 1; miss <= ListingReuse.MISSES_BEFORE_BYPASS; miss++) {
            t = t.plusSeconds(60);
            assertTrue(reuse.worthChecking("db", t));
            assertTrue(reuse.reusable("db", "d" + miss, "e1", HOUR, t).isEmpty());
            reuse.listed("db", "d" + miss, "e1", POINTS, t);
        }
        for (int run = 0; run < ListingReuse.BYPASS_RUNS; run++) {
            t = t.plusSeconds(60);
            assertFalse(reuse.worthChecking("db", t), "run " + run + " of the bypass");
            reuse.listed("db", null, "e1", POINTS, t);
        }
        return t;
    }

    @Test
    void aDigestThatMovesThreeTimesInARowIsNotReadForEightRunsThenTriedAgain() {
        Instant t = busyThroughTheBypass();
        // first check after the bypass only stores; a quiet database is reused from the second on
        t = t.plusSeconds(60);
        assertTrue(reuse.worthChecking("db", t));
        assertTrue(reuse.reusable("db", "q", "e1", HOUR, t).isEmpty());
        reuse.listed("db", "q", "e1", POINTS, t);
        t = t.plusSeconds(60);
        assertTrue(reuse.worthChecking("db", t));
        assertTrue(reuse.reusable("db", "q", "e1", HOUR, t).isPresent());
    }

    @Test
    void aStillBusyDatabaseGoesBackToTheBypassAfterOneMoreMiss() {
        Instant t = busyThroughTheBypass().plusSeconds(60);
        reuse.worthChecking("db", t);
        reuse.reusable("db", "b1", "e1", HOUR, t);
        reuse.listed("db", "b1", "e1", POINTS, t);
        t = t.plusSeconds(60);
        assertTrue(reuse.worthChecking("db", t));
        assertTrue(reuse.reusable("db", "b2", "e1", HOUR, t).isEmpty());
        assertFalse(reuse.worthChecking("db", t.plusSeconds(60)), "two digest reads per ten runs while busy");
    }
}
