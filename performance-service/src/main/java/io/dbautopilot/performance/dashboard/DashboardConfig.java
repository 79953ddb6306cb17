package io.dbautopilot.performance.dashboard;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the live dashboard served at {@code /}. */
@ConfigMapping(prefix = "autopilot.dashboard")
public interface DashboardConfig {

    /** Samples kept per target for the charts a newly opened page starts with (one per collection cycle). */
    @WithDefault("240")
    int historySize();
}
