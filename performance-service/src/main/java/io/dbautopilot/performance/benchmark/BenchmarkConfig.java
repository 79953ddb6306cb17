package io.dbautopilot.performance.benchmark;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Benchmarks of targets ({@code autopilot.benchmark.*}): step length, load, time limit and regression thresholds. */
@ConfigMapping(prefix = "autopilot.benchmark")
public interface BenchmarkConfig {

    /** How long each measured step runs (env {@code AUTOPILOT_BENCHMARK_STEP_DURATION}); a request may ask for another. */
    @WithDefault("10s")
    Duration stepDuration();

    /** The longest step duration a request may ask for (env {@code AUTOPILOT_BENCHMARK_MAX_STEP_DURATION}). */
    @WithDefault("5m")
    Duration maxStepDuration();

    /**
     * pgbench scale factor of the scratch database, MariaDB's too (100,000 accounts and one branch per unit; env
     * {@code AUTOPILOT_BENCHMARK_SCALE}); unset, {@link #clients()}: pgbench's documentation advises a scale at least
     * the client count, else the TPC-B-like steps mostly measure update contention on {@code pgbench_branches}.
     */
    Optional<Integer> scale();

    /** The scale the scratch database is loaded at: {@link #scale()}, else {@link #clients()}. */
    default int effectiveScale() {
        return Math.max(1, scale().orElse(clients()));
    }

    /** Client connections of the multi-client steps (env {@code AUTOPILOT_BENCHMARK_CLIENTS}). */
    @WithDefault("16")
    int clients();

    /**
     * Client counts of the pool-scaling (select-only) steps (env {@code AUTOPILOT_BENCHMARK_POOL_CLIENTS}); a count the
     * server has no room for (its {@code max_connections} less reserved, used and {@code connection-headroom}
     * connections) is capped, and the run's {@code pool_scaling} step says so.
     */
    @WithDefault("1,4,16,64")
    List<Integer> poolClients();

    /**
     * Connections left free on the server besides the reserved and the used ones when the pool-scaling counts are
     * capped (env {@code AUTOPILOT_BENCHMARK_CONNECTION_HEADROOM}).
     */
    @WithDefault("5")
    int connectionHeadroom();

    /**
     * The knee of pool scaling is the smallest client count after which the next count raises TPS by less than this
     * share, e.g. {@code 0.1} = 10 % (env {@code AUTOPILOT_BENCHMARK_KNEE_GROWTH}).
     */
    @WithDefault("0.1")
    double kneeGrowth();

    /**
     * Length of the sustained step, compared with the peak (the {@code clients} TPC-B-like step of the step duration)
     * (env {@code AUTOPILOT_BENCHMARK_SUSTAINED_DURATION}).
     */
    @WithDefault("60s")
    Duration sustainedDuration();

    /** Rows per statement of the multi-row INSERT step (env {@code AUTOPILOT_BENCHMARK_MULTI_ROW_INSERT_ROWS}). */
    @WithDefault("100")
    int multiRowInsertRows();

    /**
     * A whole run (init, steps, drop) is stopped after this, and its scratch database dropped; a request may ask for
     * less (env {@code AUTOPILOT_BENCHMARK_TIMEOUT}).
     */
    @WithDefault("15m")
    Duration timeout();

    /**
     * Relative worsening of a metric against the baseline run that counts as a regression, e.g. {@code 0.2} = TPS 20 %
     * lower or latency 20 % higher (env {@code AUTOPILOT_BENCHMARK_REGRESSION_THRESHOLD}).
     */
    @WithDefault("0.2")
    double regressionThreshold();

    /**
     * Whether a measured step worse than the baseline by more than its threshold is measured once more, the regression
     * standing only when the second measurement is worse too (env {@code AUTOPILOT_BENCHMARK_CONFIRM_REGRESSIONS}).
     */
    @WithDefault("true")
    boolean confirmRegressions();

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
