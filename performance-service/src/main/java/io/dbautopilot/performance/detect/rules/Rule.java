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
 * @param forDuration how long the condition must hold before the anomaly opens (zero when {@code forCycles} says it)
 * @param cooldown    after a resolve, how long a new breach of the same object is ignored
 * @param action      suggested action kind, e.g. {@code vacuum}
 * @param object      labels whose values, joined with '.', name the affected object; empty = target-wide
 * @param description one sentence for the summary
 * @param enabled     whether the rule runs
 * @param forCycles   on how many consecutive evaluations of the target the condition must hold before the anomaly
 *                    opens ({@code for: N cycles}); 0 when {@code forDuration} says it
 */
public record Rule(String name, Expression expression, Map<String, String> labels, List<Guard> guards,
                   Comparison comparison, NavigableMap<Severity, Double> thresholds, double resolve,
                   Duration forDuration, Duration cooldown, String action, List<String> object, String description,
                   boolean enabled, int forCycles) {

    /** A rule held for a duration ({@code for: 5m}). */
    public Rule(String name, Expression expression, Map<String, String> labels, List<Guard> guards,
                Comparison comparison, NavigableMap<Severity, Double> thresholds, double resolve,
                Duration forDuration, Duration cooldown, String action, List<String> object, String description,
                boolean enabled) {
        this(name, expression, labels, guards, comparison, thresholds, resolve, forDuration, cooldown, action, object,
                description, enabled, 0);
    }

    /** Whether the first breach opens the anomaly (no {@code for}, {@code for: 0s} or {@code for: 1 cycle}). */
    public boolean opensAtOnce() {
        return forCycles == 0 ? forDuration.isZero() : forCycles == 1;
    }

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
