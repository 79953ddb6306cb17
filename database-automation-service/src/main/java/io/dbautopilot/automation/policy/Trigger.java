package io.dbautopilot.automation.policy;

import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.RecommendationState;
import io.dbautopilot.model.Severity;

import java.util.Locale;

/**
 * What the policy decides on, whatever raised it (an anomaly, a recommendation, a finding of this service itself),
 * reduced to what rules match and what a decision's reason names; adapters build it from each source.
 *
 * @param kind             what raised it
 * @param targetId         managed database id
 * @param rule             anomaly detector or finding rule; the kind of a recommendation
 * @param action           suggested action (anomalies, findings); may be null
 * @param object           the table, index or other object it is about; null when database-wide
 * @param severity         severity of an anomaly or finding; null for a recommendation
 * @param open             false once resolved or withdrawn: a closed trigger matches no rule
 * @param requiresApproval the source says it never runs without an operator's approval
 * @param eventId          CloudEvents id of the triggering event; null for a finding
 * @param description      how a decision's reason names it, e.g. {@code dead_tuples (warning)}
 */
public record Trigger(Kind kind, String targetId, String rule, String action, String object, Severity severity,
                      boolean open, boolean requiresApproval, String eventId, String description) {

    /** What raised a trigger. */
    public enum Kind {
        ANOMALY, RECOMMENDATION, FINDING;

        /** Lower-case name, e.g. {@code anomaly}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An anomaly event received as {@code eventId}; a resolved one is closed. */
    public static Trigger of(String eventId, AnomalyEvent event) {
        return new Trigger(Kind.ANOMALY, event.targetId(), event.detector(), event.suggestedAction(), event.object(),
                event.severity(), event.state() != AnomalyState.RESOLVED, false, eventId,
                event.detector() + " (" + event.severity().wire() + ")");
    }

    /** A recommendation event received as {@code eventId}; a withdrawn one is closed. */
    public static Trigger of(String eventId, RecommendationEvent event) {
        return new Trigger(Kind.RECOMMENDATION, event.targetId(), event.kind(), null, event.object(), null,
                event.state() != RecommendationState.WITHDRAWN, event.requiresApproval(), eventId,
                "recommendation " + event.kind() + " (" + event.risk().wire() + " risk)");
    }

    /** A finding of this service (e.g. {@code partitions_missing} on a table), matched like a warning anomaly. */
    public static Trigger finding(String targetId, String rule, String action, String object) {
        return new Trigger(Kind.FINDING, targetId, rule, action, object, Severity.WARNING, true, false, null,
                rule + " (" + Severity.WARNING.wire() + ")");
    }
}
