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
     * Base URL of the database-automation-service whose emergency stop the dashboard shows as a banner (read from its
     * {@code /health}) and whose backups and migrations it shows in panels (env
     * {@code AUTOPILOT_DASHBOARD_AUTOMATION_URL}, e.g. {@code http://database-automation-service:8086}). Unset: the
     * dashboard says these are not configured.
     */
    Optional<URI> automationUrl();

    /**
     * A viewer API key of that automation service, sent as {@code X-API-Key} when reading its backups and migrations
     * (env {@code AUTOPILOT_DASHBOARD_AUTOMATION_KEY}; a secret: never logged or shown). Unset: read without a key,
     * which an automation service with keys configured refuses (the panels then name this setting).
     */
    Optional<String> automationKey();

    /**
     * Connect and read timeout of one reading of the automation service's backups or migrations
     * (env {@code AUTOPILOT_DASHBOARD_AUTOMATION_TIMEOUT}).
     */
    @WithDefault("5s")
    Duration automationTimeout();

    /**
     * How long one reading of the automation service's health, backups or migrations is reused
     * (env {@code AUTOPILOT_DASHBOARD_AUTOMATION_CACHE}).
     */
    @WithDefault("5s")
    Duration automationCache();
}
