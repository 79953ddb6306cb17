package io.dbautopilot.performance.advise;

import io.dbautopilot.model.RecommendationState;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, from the stored recommendations of a target and the advisors' latest results, what changes: a new (or
 * previously withdrawn) finding is raised, one whose advice changed is updated, one that is unchanged only has its
 * evidence refreshed (no event), and an active one its advisor no longer finds in a scope it examined completely is
 * withdrawn. Pure logic, no I/O.
 */
public final class RecommendationLifecycle {

    private RecommendationLifecycle() {
    }

    /** A stored recommendation with what the lifecycle compares: its scope and advice signature. */
    public record Stored(Recommendation recommendation, String scope, String signature) {
    }

    /**
     * One change to apply.
     *
     * @param finding   the finding (raise, update, refresh); null for a withdrawal
     * @param withdrawn the stored recommendation withdrawn; null otherwise
     * @param publish   the state to publish, or null for a silent evidence refresh
     * @param reason    why it is withdrawn
     */
    public record Change(Finding finding, Stored withdrawn, RecommendationState publish, String reason) {
    }

    /** The changes for one target. */
    public static List<Change> changes(Map<String, Stored> stored, Map<String, AdvisorResult> results) {
        List<Change> out = new ArrayList<>();
        Map<String, Finding> found = new LinkedHashMap<>();
        results.values().forEach(r -> r.findings().forEach(f -> found.putIfAbsent(f.id(), f)));
        for (Finding f : found.values()) {
            Stored s = stored.get(f.id());
            if (s == null || !s.recommendation().active()) {
                out.add(new Change(f, null, RecommendationState.RAISED, null));
            } else if (!s.signature().equals(f.signature())) {
                out.add(new Change(f, null, RecommendationState.UPDATED, null));
            } else {
                out.add(new Change(f, null, null, null));
            }
        }
        Set<String> seen = new HashSet<>(found.keySet());
        for (Stored s : stored.values()) {
            Recommendation r = s.recommendation();
            if (!r.active() || seen.contains(r.id())) {
                continue;
            }
            AdvisorResult result = results.get(r.advisor());
            if (result != null && result.examined().contains(s.scope())) {
                String where = s.scope().isEmpty() ? "the cluster" : "database " + s.scope();
                out.add(new Change(null, s, RecommendationState.WITHDRAWN,
                        "no longer found by the " + r.advisor() + " advisor in " + where));
            }
        }
        return out;
    }
}
