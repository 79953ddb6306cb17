package io.dbautopilot.performance.dashboard;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Settings of the live dashboard served at {@code /}. */
@ConfigMapping(prefix = "autopilot.dashboard")
public interface DashboardConfig {

    /** Samples kept per target for the charts a newly opened page starts with (one per collection cycle). */
    @WithDefault("240")
    int historySize();

    /**
     * Base URL of the database-automation-service whose emergency stop the dashboard shows as a banner, read from its
     * {@code /health} (env {@code AUTOPILOT_DASHBOARD_AUTOMATION_URL}, e.g. {@code http://database-automation-service:8086}).
     * Unset: the dashboard says the stop's state is not configured.
     */
    Optional<URI> automationUrl();

    /** How long one reading of the automation service's health is reused (env {@code AUTOPILOT_DASHBOARD_AUTOMATION_CACHE}). */
    @WithDefault("5s")
    Duration automationCache();
}
