package io.dbautopilot.automation.policy;

import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.model.Severity;

import java.time.Duration;
import java.util.Optional;

/**
 * One rule of the policy file: which anomalies and findings (rule name and/or suggested action, minimum severity)
 * or which recommendations (kind) it matches, and which operation it asks for in which mode.
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

    /**
     * Whether the rule applies: a rule naming a recommendation kind matches only recommendations of that kind, any
     * other rule only anomalies and findings (by rule, action and minimum severity); a closed trigger never matches.
     */
    public boolean matches(Trigger trigger) {
        if (!trigger.open()) {
            return false;
        }
        if (trigger.kind() == Trigger.Kind.RECOMMENDATION) {
            return recommendation != null && recommendation.equals(trigger.rule());
        }
        if (recommendation != null) {
            return false;
        }
        if (rule != null && !rule.equals(trigger.rule())) {
            return false;
        }
        if (action != null && !action.equals(trigger.action())) {
            return false;
        }
        return trigger.severity().atLeast(minSeverity);
    }

    /** The limit, if the rule has one. */
    public Optional<Duration> limitIfAny() {
        return Optional.ofNullable(limit);
    }
}
