package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.model.Severity;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * One threshold rule, as resolved for a target (overrides applied by {@link RuleSet#forTarget}).
 *
 * @param name        rule name, also the anomaly's detector (e.g. {@code dead_tuples})
 * @param expression  what is measured
 * @param labels      label filters on the primary metric: exact value, or {@code ~regex}
 * @param guards      further conditions on metrics of the same series
 * @param comparison  {@code >} or {@code <}
 * @param thresholds  severity to threshold, at least one, ordered with the severities
 * @param resolve     the anomaly resolves when the value is back past this bound (hysteresis)
 * @param forDuration how long the condition must hold before the anomaly opens
 * @param cooldown    after a resolve, how long a new breach of the same object is ignored
 * @param action      suggested action kind, e.g. {@code vacuum}
 * @param object      labels whose values, joined with '.', name the affected object; empty = target-wide
 * @param description one sentence for the summary
 * @param enabled     whether the rule runs
 */
public record Rule(String name, Expression expression, Map<String, String> labels, List<Guard> guards,
                   Comparison comparison, NavigableMap<Severity, Double> thresholds, double resolve,
                   Duration forDuration, Duration cooldown, String action, List<String> object, String description,
                   boolean enabled) {

    /** The most severe level whose threshold {@code value} breaches, or null. */
    public Severity severityOf(double value) {
        Severity found = null;
        for (Map.Entry<Severity, Double> e : thresholds.entrySet()) {
            if (comparison.breaches(value, e.getValue())) {
                found = e.getKey();
            }
        }
        return found;
    }
}
