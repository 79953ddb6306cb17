package io.dbautopilot.performance.benchmark;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

/** Benchmarks of targets ({@code autopilot.benchmark.*}): step length, load, time limit and regression thresholds. */
@ConfigMapping(prefix = "autopilot.benchmark")
public interface BenchmarkConfig {

    /** How long each measured step runs (env {@code AUTOPILOT_BENCHMARK_STEP_DURATION}); a request may ask for another. */
    @WithDefault("10s")
    Duration stepDuration();

    /** The longest step duration a request may ask for (env {@code AUTOPILOT_BENCHMARK_MAX_STEP_DURATION}). */
    @WithDefault("5m")
    Duration maxStepDuration();

    /** pgbench scale factor of the scratch database (100,000 accounts per unit; env {@code AUTOPILOT_BENCHMARK_SCALE}). */
    @WithDefault("1")
    int scale();

    /** Client connections of the multi-client steps (env {@code AUTOPILOT_BENCHMARK_CLIENTS}). */
    @WithDefault("16")
    int clients();

    /** A whole run (init, steps, drop) is stopped after this, and its scratch database dropped (env {@code AUTOPILOT_BENCHMARK_TIMEOUT}). */
    @WithDefault("15m")
    Duration timeout();

    /**
     * Relative worsening of a metric against the baseline run that counts as a regression, e.g. {@code 0.2} = TPS 20 %
     * lower or latency 20 % higher (env {@code AUTOPILOT_BENCHMARK_REGRESSION_THRESHOLD}).
     */
    @WithDefault("0.2")
    double regressionThreshold();

    /** Per-metric overrides of the threshold, e.g. {@code metric-thresholds.latency_p99_ms=0.5} (env {@code AUTOPILOT_BENCHMARK_METRIC_THRESHOLDS_<METRIC>}). */
    Map<String, Double> metricThresholds();

    /**
     * A running run whose instance has not reported for this long is taken as abandoned (its instance died): it is
     * marked failed and its scratch database dropped when the next run of the target starts (env {@code AUTOPILOT_BENCHMARK_STALE_AFTER}).
     */
    @WithDefault("2m")
    Duration staleAfter();

    /** How many runs {@code GET /api/targets/{id}/benchmarks} lists (env {@code AUTOPILOT_BENCHMARK_HISTORY}). */
    @WithDefault("20")
    int history();

    /** How often unsent benchmark events are relayed to Kafka (env {@code AUTOPILOT_BENCHMARK_RELAY_INTERVAL}). */
    @WithDefault("1s")
    Duration relayInterval();

    /** Events relayed per pass (env {@code AUTOPILOT_BENCHMARK_RELAY_BATCH}). */
    @WithDefault("100")
    int relayBatch();

    /** How long the relay waits for the broker's ack of one event (env {@code AUTOPILOT_BENCHMARK_PUBLISH_TIMEOUT}). */
    @WithDefault("10s")
    Duration publishTimeout();

    /** The threshold of a metric: its override, else {@link #regressionThreshold()}. */
    default double thresholdOf(String metric) {
        return metricThresholds().getOrDefault(metric, regressionThreshold());
    }
}
