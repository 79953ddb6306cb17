package io.dbautopilot.automation.tune;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Which settings a {@code tune} may change, how its baseline is measured and what counts as a regression ({@code autopilot.tune.*}). */
@ConfigMapping(prefix = "autopilot.tune")
public interface TuneConfig {

    /**
     * Reload-only settings a tune may change, comma-separated (env: {@code AUTOPILOT_TUNE_ALLOWED_SETTINGS}); a setting
     * whose context is postmaster is refused whatever this says (it needs a restart: only recommended).
     */
    @WithDefault("work_mem,maintenance_work_mem,effective_cache_size,random_page_cost,checkpoint_completion_target,"
            + "autovacuum_vacuum_cost_limit,autovacuum_vacuum_cost_delay,vacuum_cost_limit,vacuum_cost_delay")
    List<String> allowedSettings();

    /** How long the workload is measured before the change: the baseline (env: {@code AUTOPILOT_TUNE_BASELINE_WINDOW}). */
    @WithDefault("1m")
    Duration baselineWindow();

    /** How long the new value may take to show in pg_settings after the reload (env: {@code AUTOPILOT_TUNE_APPLY_TIMEOUT}). */
    @WithDefault("10s")
    Duration applyTimeout();

    /** Drop of transactions per second that is a regression, 0 to 1 (0.2: 20 % fewer) (env: {@code AUTOPILOT_TUNE_MAX_TPS_DROP}). */
    @WithDefault("0.2")
    double maxTpsDrop();

    /** Rise of the statement mean time that is a regression (0.5: 50 % slower) (env: {@code AUTOPILOT_TUNE_MAX_MEAN_TIME_RISE}). */
    @WithDefault("0.5")
    double maxMeanTimeRise();

    /** Rise of temp bytes written per second that is a regression (1.0: twice as many) (env: {@code AUTOPILOT_TUNE_MAX_TEMP_RISE}). */
    @WithDefault("1.0")
    double maxTempRise();

    /** Temp bytes per second at or below which temp spill is never a regression (env: {@code AUTOPILOT_TUNE_MIN_TEMP_BYTES_PER_SECOND}). */
    @WithDefault("1048576")
    long minTempBytesPerSecond();

    /** Transactions per second below which TPS is too low to judge (env: {@code AUTOPILOT_TUNE_MIN_TPS}). */
    @WithDefault("1")
    double minTps();

    /** The first setting that is out of range, named with its property; empty when all are valid. */
    default Optional<String> problem() {
        if (baselineWindow().isNegative() || baselineWindow().isZero()) {
            return Optional.of("autopilot.tune.baseline-window must be positive, was " + baselineWindow());
        }
        if (applyTimeout().isNegative() || applyTimeout().isZero()) {
            return Optional.of("autopilot.tune.apply-timeout must be positive, was " + applyTimeout());
        }
        if (!(maxTpsDrop() > 0 && maxTpsDrop() < 1)) {
            return Optional.of("autopilot.tune.max-tps-drop must be in (0, 1), was " + maxTpsDrop());
        }
        if (!(maxMeanTimeRise() > 0)) {
            return Optional.of("autopilot.tune.max-mean-time-rise must be positive, was " + maxMeanTimeRise());
        }
        if (!(maxTempRise() >= 0)) {
            return Optional.of("autopilot.tune.max-temp-rise must not be negative, was " + maxTempRise());
        }
        if (minTempBytesPerSecond() < 0) {
            return Optional.of("autopilot.tune.min-temp-bytes-per-second must not be negative, was "
                    + minTempBytesPerSecond());
        }
        for (String s : allowedSettings()) {
            if (!s.trim().matches("[a-z_][a-z0-9_.]*")) {
                return Optional.of("autopilot.tune.allowed-settings: '" + s + "' is not a setting name");
            }
        }
        return Optional.empty();
    }
}
