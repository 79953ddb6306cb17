package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The end of one benchmark run of a target (suite of pgbench and COPY steps in a scratch database), published on
 * {@link Topics#BENCHMARKS} with type {@link EventTypes#BENCHMARK_COMPLETED}.
 *
 * @param runId         identity of the run
 * @param targetId      configured name of the benchmarked target
 * @param status        how it ended: {@code succeeded}, {@code failed}, {@code cancelled} or {@code timed_out}
 * @param suite         name and version of the suite, e.g. {@code standard-v3}
 * @param startedAt     when it started
 * @param finishedAt    when it ended (the scratch database dropped)
 * @param baselineRunId the run it was compared with; null when there was none
 * @param regression    whether any metric is worse than the baseline by more than its threshold
 * @param steps         the measured steps, in suite order; never null
 * @param regressions   the metrics flagged as regressions; never null
 * @param error         why it did not succeed; null when it did
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BenchmarkEvent(UUID runId, String targetId, String status, String suite, Instant startedAt,
                             Instant finishedAt, UUID baselineRunId, boolean regression, List<Step> steps,
                             List<Regression> regressions, String error) {

    /** The values {@link #status()} takes. */
    public static final Set<String> STATUSES = Set.of("succeeded", "failed", "cancelled", "timed_out");

    /** Checks identity, status and times and copies the lists. */
    public BenchmarkEvent {
        Checks.notNull(runId, "run_id");
        Checks.notBlank(targetId, "target_id");
        Checks.notBlank(status, "status");
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + STATUSES + " but was " + status);
        }
        Checks.notBlank(suite, "suite");
        Checks.notNull(startedAt, "started_at");
        Checks.notNull(finishedAt, "finished_at");
        steps = Checks.list(steps, "steps");
        regressions = Checks.list(regressions, "regressions");
    }

    /**
     * The CloudEvents type for this event.
     *
     * @return {@link EventTypes#BENCHMARK_COMPLETED}
     */
    @JsonIgnore
    public String eventType() {
        return EventTypes.BENCHMARK_COMPLETED;
    }

    /**
     * One measured step.
     *
     * @param name            step name, e.g. {@code tpcb_16}
     * @param category        what it measures, e.g. {@code connection_latency}, {@code simple_query_latency},
     *                        {@code write_tps}, {@code read_tps}, {@code pool_scaling}, {@code sustained},
     *                        {@code sustained_vs_peak}, {@code single_row_insert}, {@code multi_row_insert}, {@code copy}
     * @param clients         concurrent client connections; 0 for a step computed from others
     * @param durationSeconds how long it ran (0 for a computed step)
     * @param metrics         metric name ({@code tps}, {@code latency_p50_ms}, {@code latency_p95_ms},
     *                        {@code latency_p99_ms}, {@code rows_per_second}, {@code connections_per_second}, and the
     *                        computed ones such as {@code knee_clients} or {@code sustained_to_peak_ratio}) to value;
     *                        never null
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(String name, String category, int clients, double durationSeconds, Map<String, Double> metrics) {

        /** Checks the name and category and copies the metrics. */
        public Step {
            Checks.notBlank(name, "name");
            Checks.notBlank(category, "category");
            Checks.finite(durationSeconds, "duration_seconds");
            metrics = Checks.mapNoNullValues(metrics, "metrics");
        }
    }

    /**
     * One metric worse than the baseline by more than its threshold.
     *
     * @param step      step name
     * @param metric    metric name
     * @param baseline  the baseline run's value
     * @param value     this run's value
     * @param change    relative change, (value - baseline) / baseline
     * @param threshold the relative worsening that counts as a regression for this metric
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Regression(String step, String metric, double baseline, double value, double change,
                             double threshold) {

        /** Checks the names and that the numbers are finite. */
        public Regression {
            Checks.notBlank(step, "step");
            Checks.notBlank(metric, "metric");
            Checks.finite(baseline, "baseline");
            Checks.finite(value, "value");
            Checks.finite(change, "change");
            Checks.finite(threshold, "threshold");
        }
    }
}
