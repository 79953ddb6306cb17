package io.dbautopilot.automation.policy;

import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.RecommendationState;
import io.dbautopilot.model.Severity;

import java.time.Duration;
import java.util.Optional;

/**
 * One rule of the policy file: which anomalies (rule name and/or suggested action, minimum severity) or which
 * recommendations (kind) it matches, and which operation it asks for in which mode.
 *
 * @param name        the rule's name in the file (used in errors, overrides and operation records)
 * @param rule        anomaly detector/rule name to match, e.g. {@code dead_tuples}; null matches any
 * @param action      anomaly suggested action to match, e.g. {@code vacuum}; null matches any
 * @param recommendation recommendation kind to match, e.g. {@code missing_index}; a rule with it matches only
 *                       recommendations, a rule without it only anomalies
 * @param minSeverity lowest severity matched
 * @param operation   the operation to request
 * @param mode        when it may run
 * @param limit       age limit for session rules (idle in transaction, runaway query); null otherwise
 */
public record PolicyRule(String name, String rule, String action, String recommendation, Severity minSeverity,
                         OperationType operation, Mode mode, Duration limit) {

    /** Whether the rule applies to a recommendation event (withdrawn recommendations never match). */
    public boolean matches(RecommendationEvent event) {
        return recommendation != null && event.state() != RecommendationState.WITHDRAWN
                && recommendation.equals(event.kind());
    }

    /** Whether the rule applies to an anomaly event (resolved anomalies never match). */
    public boolean matches(AnomalyEvent event) {
        if (recommendation != null || event.state() == AnomalyState.RESOLVED) {
            return false;
        }
        if (rule != null && !rule.equals(event.detector())) {
            return false;
        }
        if (action != null && !action.equals(event.suggestedAction())) {
            return false;
        }
        return event.severity().atLeast(minSeverity);
    }

    /** The limit, if the rule has one. */
    public Optional<Duration> limitIfAny() {
        return Optional.ofNullable(limit);
    }
}
