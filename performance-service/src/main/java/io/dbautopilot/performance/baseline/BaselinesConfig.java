package io.dbautopilot.performance.baseline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of named baselines ({@code autopilot.baselines.*}). */
@ConfigMapping(prefix = "autopilot.baselines")
public interface BaselinesConfig {

    /** How many baselines are kept per target; capturing one more deletes the oldest (env: {@code AUTOPILOT_BASELINES_KEEP}). */
    @WithDefault("10")
    int keep();

    /**
     * A figure has regressed when it moved the bad way by at least this many percent of its old value (or at all,
     * from 0) (env: {@code AUTOPILOT_BASELINES_REGRESSION_TOLERANCE_PERCENT}).
     */
    @WithDefault("10")
    double regressionTolerancePercent();
}
