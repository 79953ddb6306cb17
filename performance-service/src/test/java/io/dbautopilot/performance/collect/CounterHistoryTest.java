package io.dbautopilot.performance.collect;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CounterHistoryTest {

    private final Instant t0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void aRateNeedsTwoReadingsOfTheSameEpoch() {
        CounterHistory h = new CounterHistory();
        assertTrue(h.advance("k", 100, t0, "e1").isEmpty(), "first reading");
        CounterHistory.Delta d = h.advance("k", 160, t0.plusSeconds(30), "e1").orElseThrow();
        assertEquals(60, d.amount());
        assertEquals(2.0, d.perSecond(), 1e-9);
    }

    @Test
    void aCounterThatWentDownIsAResetNotANegativeRate() {
        CounterHistory h = new CounterHistory();
        h.advance("k", 1000, t0, "e1");
        assertTrue(h.advance("k", 10, t0.plusSeconds(30), "e1").isEmpty());
        assertEquals(5, h.advance("k", 15, t0.plusSeconds(60), "e1").orElseThrow().amount(), "new baseline");
    }

    @Test
    void aNewEpochIsAResetEvenWhenTheCounterGrew() {
        CounterHistory h = new CounterHistory();
        h.advance("k", 10, t0, "stats_reset=1");
        assertTrue(h.advance("k", 500, t0.plusSeconds(30), "stats_reset=2").isEmpty());
    }

    @Test
    void retainForgetsSeriesThatDisappeared() {
        CounterHistory h = new CounterHistory();
        h.advance("stmt/a", 1, t0, null);
        h.advance("stmt/b", 1, t0, null);
        h.advance("db/x", 1, t0, null);
        h.retain("stmt/", java.util.Set.of("stmt/a"));
        assertEquals(2, h.size());
        assertTrue(h.advance("stmt/b", 2, t0.plusSeconds(1), null).isEmpty(), "b starts over");
    }
}
