package io.dbautopilot.performance.benchmark;

import io.dbautopilot.support.tool.ToolProcess;

import java.util.Map;

/**
 * What one step gave: its metrics when it ran to the end, or how it ended early (stopped, timed out, failed).
 *
 * @param durationSeconds how long it measured
 * @param metrics         metric name to value; empty when it did not complete
 * @param ended           the process result when it did not complete; null when it did
 */
record StepMeasurement(double durationSeconds, Map<String, Double> metrics, ToolProcess.Result ended) {

    static StepMeasurement measured(double durationSeconds, Map<String, Double> metrics) {
        return new StepMeasurement(durationSeconds, java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics)), null);
    }

    static StepMeasurement ended(ToolProcess.Result result) {
        return new StepMeasurement(0, Map.of(), result);
    }

    boolean completed() {
        return ended == null;
    }
}
