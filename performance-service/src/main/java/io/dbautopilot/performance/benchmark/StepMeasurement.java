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

    /**
     * The metrics of a step of transactions, whatever ran them: {@code tps}, the p50 / p95 / p99 of the transactions'
     * times, and per kind {@code rows_per_second} (INSERTs, {@code rows_per_statement} for the multi-row one) or
     * {@code connections_per_second} (connect).
     *
     * @param latenciesMs every transaction's time in ms, sorted ascending
     */
    static Map<String, Double> ofTransactions(BenchmarkSuite.Kind kind, double tps, double[] latenciesMs,
                                             int multiRowInsertRows) {
        Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        metrics.put("tps", tps);
        metrics.put("latency_p50_ms", PgbenchOutput.percentile(latenciesMs, 0.50));
        metrics.put("latency_p95_ms", PgbenchOutput.percentile(latenciesMs, 0.95));
        metrics.put("latency_p99_ms", PgbenchOutput.percentile(latenciesMs, 0.99));
        switch (kind) {
            case INSERT -> metrics.put("rows_per_second", tps);
            case INSERT_MULTI -> {
                metrics.put("rows_per_second", tps * multiRowInsertRows);
                metrics.put("rows_per_statement", (double) multiRowInsertRows);
            }
            case CONNECT -> metrics.put("connections_per_second", tps);
            default -> { }
        }
        return metrics;
    }

    boolean completed() {
        return ended == null;
    }
}
