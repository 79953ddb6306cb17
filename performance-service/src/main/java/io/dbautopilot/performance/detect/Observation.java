package io.dbautopilot.performance.detect;

import java.util.Map;

/**
 * The value of a rule's expression for one object of one target in one cycle.
 *
 * @param object   the affected object ({@code demo_target.public.orders}), null when target-wide
 * @param value    the expression's value
 * @param evidence the measurements behind it, metric name to value
 */
public record Observation(String object, double value, Map<String, Double> evidence) {
}
