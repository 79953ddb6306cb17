package io.dbautopilot.performance.advise;

import io.dbautopilot.model.RecommendationState;
import io.dbautopilot.model.Risk;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifecycle decisions, from what is stored (as after a restart: nothing but the state database) and what the
 * advisors found this run.
 */
class RecommendationLifecycleTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Finding finding(String object, String action) {
        return new Finding("index_hygiene", "db1", "shop", "shop.public." + object, "unused_index", "",
                Map.of("idx_scan", 0), action, "frees 1 MiB", Risk.HIGH, true, "unused");
    }

    private static RecommendationLifecycle.Stored stored(Finding f, String status) {
        Recommendation r = new Recommendation(f.id(), f.targetId(), f.advisor(), f.database(), f.object(), f.kind(),
                status, f.evidence(), f.suggestedAction(), f.estimatedBenefit(), f.risk(), f.requiresApproval(),
                f.summary(), T0, T0, T0, status.equals(Recommendation.WITHDRAWN) ? T0 : null, null);
        return new RecommendationLifecycle.Stored(r, AdvisorResult.scopeOf(f), f.signature());
    }

    private static Map<String, RecommendationLifecycle.Stored> store(RecommendationLifecycle.Stored... rows) {
        Map<String, RecommendationLifecycle.Stored> map = new LinkedHashMap<>();
        for (RecommendationLifecycle.Stored s : rows) {
            map.put(s.recommendation().id(), s);
        }
        return map;
    }

    @Test
    void newFindingsAreRaisedUnchangedOnesOnlyRefreshedChangedOnesUpdated() {
        Finding a = finding("a_idx", "DROP INDEX CONCURRENTLY public.a_idx");
        Finding b = finding("b_idx", "DROP INDEX CONCURRENTLY public.b_idx");
        Finding c = finding("c_idx", "DROP INDEX CONCURRENTLY public.c_idx");
        Finding cChanged = new Finding(c.advisor(), c.targetId(), c.database(), c.object(), c.kind(), "",
                Map.of("idx_scan", 0), c.suggestedAction(), c.estimatedBenefit(), Risk.MEDIUM, true, "unused");
        Finding bMoreEvidence = new Finding(b.advisor(), b.targetId(), b.database(), b.object(), b.kind(), "",
                Map.of("idx_scan", 0, "size_bytes", 99), b.suggestedAction(), "frees 2 MiB", b.risk(), true, "x");
        AdvisorResult run = new AdvisorResult().add(a).add(bMoreEvidence).add(cChanged).examined("shop");
        List<RecommendationLifecycle.Change> changes = RecommendationLifecycle.changes(
                store(stored(b, Recommendation.ACTIVE), stored(c, Recommendation.ACTIVE)), Map.of("index_hygiene", run));
        assertEquals(3, changes.size());
        assertEquals(RecommendationState.RAISED, changes.get(0).publish());
        assertNull(changes.get(1).publish(), "new evidence numbers alone are no announced change");
        assertEquals(RecommendationState.UPDATED, changes.get(2).publish(), "the risk changed");
    }

    @Test
    void aVanishedFindingIsWithdrawnOnlyWhereItsAdvisorLookedAndOnlyOnce() {
        Finding gone = finding("gone_idx", "DROP INDEX CONCURRENTLY public.gone_idx");
        Finding elsewhere = new Finding("index_hygiene", "db1", "billing", "billing.public.x_idx", "unused_index", "",
                Map.of(), "DROP INDEX CONCURRENTLY public.x_idx", null, Risk.HIGH, true, "unused");
        Finding otherAdvisor = new Finding("vacuum", "db1", "shop", "shop.public.t", "vacuum", "", Map.of(),
                "VACUUM (ANALYZE) public.t", null, Risk.LOW, false, "dead tuples");
        Finding alreadyWithdrawn = finding("old_idx", "DROP INDEX CONCURRENTLY public.old_idx");
        AdvisorResult run = new AdvisorResult().examined("shop").problem("billing", "no free connection");
        List<RecommendationLifecycle.Change> changes = RecommendationLifecycle.changes(store(
                stored(gone, Recommendation.ACTIVE), stored(elsewhere, Recommendation.ACTIVE),
                stored(otherAdvisor, Recommendation.ACTIVE), stored(alreadyWithdrawn, Recommendation.WITHDRAWN)),
                Map.of("index_hygiene", run));
        assertEquals(1, changes.size(), changes.toString());
        assertEquals(gone.id(), changes.get(0).withdrawn().recommendation().id());
        assertEquals(RecommendationState.WITHDRAWN, changes.get(0).publish());
        assertTrue(changes.get(0).reason().contains("index_hygiene") && changes.get(0).reason().contains("shop"));
    }

    @Test
    void aWithdrawnFindingThatReturnsIsRaisedAgain() {
        Finding back = finding("back_idx", "DROP INDEX CONCURRENTLY public.back_idx");
        List<RecommendationLifecycle.Change> changes = RecommendationLifecycle.changes(
                store(stored(back, Recommendation.WITHDRAWN)),
                Map.of("index_hygiene", new AdvisorResult().add(back).examined("shop")));
        assertEquals(List.of(RecommendationState.RAISED), changes.stream().map(RecommendationLifecycle.Change::publish).toList());
    }
}
