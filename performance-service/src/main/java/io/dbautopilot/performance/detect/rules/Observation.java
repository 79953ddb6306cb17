package io.dbautopilot.performance.detect.rules;

import java.util.Map;

/**
 * The value of a rule's expression (or a detector's score) for one object of one target in one cycle.
 *
 * @param object   the affected object ({@code demo_target.public.orders}), null when target-wide
 * @param value    the expression's value
 * @param evidence the measurements behind it, metric name to value
 * @param detail   what the value means, appended to the summary (e.g. "expected 310 ± 25"); null if nothing
 */
public record Observation(String object, double value, Map<String, Double> evidence, String detail) {

    /** An observation without detail. */
    public Observation(String object, double value, Map<String, Double> evidence) {
        this(object, value, evidence, null);
    }
}
