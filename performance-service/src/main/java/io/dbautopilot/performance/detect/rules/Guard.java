package io.dbautopilot.performance.detect.rules;

/**
 * A precondition on another metric of the same series, e.g. "and more than 10,000 dead tuples".
 *
 * @param metric     metric name
 * @param comparison how to compare
 * @param value      bound
 */
public record Guard(String metric, Comparison comparison, double value) {
}
