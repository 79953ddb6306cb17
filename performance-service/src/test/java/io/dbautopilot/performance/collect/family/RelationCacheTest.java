package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the relation cache re-reads: new, changed and aged relations, everything after a server restart. */
class RelationCacheTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    private final RelationCache<String> cache = new RelationCache<>();

    private static CollectionContext context(String database, String epoch) {
        return new CollectionContext("t", database, 150000, false, epoch, T0, null, null, null, null, null);
    }

    @Test
    void newRelationsAreReadAndUnchangedOnesReused() {
        CollectionContext db = context("a", "e1");
        assertEquals(List.of(1L), cache.plan(db, Map.of(1L, "k1"), HOUR, T0).reread());
        cache.put(db, 1L, "k1", "v1", T0);
        RelationCache.Plan again = cache.plan(db, Map.of(1L, "k1"), HOUR, T0.plusSeconds(60));
        assertTrue(again.reread().isEmpty());
        assertEquals(1, again.reused());
        assertEquals("v1", cache.get(db, 1L).orElseThrow());
    }

    @Test
    void aMovedKeyAnAgedValueOrAZeroMaximumAgeIsReRead() {
        CollectionContext db = context("a", "e1");
        cache.plan(db, Map.of(1L, "k1", 2L, "k2"), HOUR, T0);
        cache.put(db, 1L, "k1", "v1", T0);
        cache.put(db, 2L, "k2", "v2", T0);
        assertEquals(List.of(1L), cache.plan(db, Map.of(1L, "k1-moved", 2L, "k2"), HOUR, T0.plusSeconds(1)).reread());
        assertEquals(2, cache.plan(db, Map.of(1L, "k1", 2L, "k2"), HOUR, T0.plus(HOUR).plusSeconds(1)).reread().size());
        assertEquals(2, cache.plan(db, Map.of(1L, "k1", 2L, "k2"), Duration.ZERO, T0.plusSeconds(1)).reread().size());
    }

    @Test
    void droppedRelationsAndAServerRestartForgetValues() {
        CollectionContext db = context("a", "e1");
        cache.plan(db, Map.of(1L, "k1", 2L, "k2"), HOUR, T0);
        cache.put(db, 1L, "k1", "v1", T0);
        cache.put(db, 2L, "k2", "v2", T0);
        cache.plan(db, Map.of(2L, "k2"), HOUR, T0.plusSeconds(1));
        assertTrue(cache.get(db, 1L).isEmpty(), "relation 1 was dropped");

        CollectionContext restarted = context("a", "e2");
        assertEquals(List.of(2L), cache.plan(restarted, Map.of(2L, "k2"), HOUR, T0.plusSeconds(2)).reread());
        assertTrue(cache.get(restarted, 2L).isEmpty());
    }

    @Test
    void databasesAreKeptApart() {
        CollectionContext a = context("a", "e1");
        CollectionContext b = context("b", "e1");
        cache.plan(a, Map.of(1L, "k"), HOUR, T0);
        cache.put(a, 1L, "k", "in a", T0);
        assertEquals(List.of(1L), cache.plan(b, Map.of(1L, "k"), HOUR, T0).reread());
        assertEquals("in a", cache.get(a, 1L).orElseThrow());
        assertTrue(cache.get(b, 1L).isEmpty());
    }
}
