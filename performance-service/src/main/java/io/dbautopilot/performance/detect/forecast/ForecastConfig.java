package io.dbautopilot.performance.detect.forecast;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the exhaustion forecasts ({@code autopilot.detection.forecast.*}): a least-squares line through each
 * watched ratio's recent readings tells when it reaches its limit; the sooner, the more severe.
 */
@ConfigMapping(prefix = "autopilot.detection.forecast")
public interface ForecastConfig {

    /** Whether forecasts run (env: {@code AUTOPILOT_DETECTION_FORECAST_ENABLED}). */
    @WithDefault("true")
    boolean enabled();

    /** One reading per series is kept per slot of this length (env: {@code AUTOPILOT_DETECTION_FORECAST_SLOT}). */
    @WithDefault("1m")
    Duration slot();

    /** Regression window: readings older than this are not used (env: {@code AUTOPILOT_DETECTION_FORECAST_WINDOW}). */
    @WithDefault("6h")
    Duration window();

    /** Fewest readings for a forecast (env: {@code AUTOPILOT_DETECTION_FORECAST_MIN_SAMPLES}). */
    @WithDefault("10")
    int minSamples();

    /** The readings must span at least this long (env: {@code AUTOPILOT_DETECTION_FORECAST_MIN_SPAN}). */
    @WithDefault("30m")
    Duration minSpan();

    /**
     * Least R² of the fitted line; a worse fit (noise, no trend) is no forecast
     * (env: {@code AUTOPILOT_DETECTION_FORECAST_MIN_R_SQUARED}).
     */
    @WithDefault("0.6")
    double minRSquared();

    /** Exhaustion expected within this opens a warning (env: {@code AUTOPILOT_DETECTION_FORECAST_WARNING_WITHIN}). */
    @WithDefault("7d")
    Duration warningWithin();

    /** ... critical (env: {@code AUTOPILOT_DETECTION_FORECAST_CRITICAL_WITHIN}). */
    @WithDefault("1d")
    Duration criticalWithin();

    /** ... emergency (env: {@code AUTOPILOT_DETECTION_FORECAST_EMERGENCY_WITHIN}). */
    @WithDefault("4h")
    Duration emergencyWithin();

    /** The forecast must hold this long before the anomaly opens (env: {@code AUTOPILOT_DETECTION_FORECAST_FOR}). */
    @WithName("for")
    @WithDefault("5m")
    Duration forDuration();

    /** After a resolve, how long a new forecast of the same series is ignored (env: {@code AUTOPILOT_DETECTION_FORECAST_COOLDOWN}). */
    @WithDefault("1h")
    Duration cooldown();

    /** How often changed histories are written to the state database (env: {@code AUTOPILOT_DETECTION_FORECAST_PERSIST_INTERVAL}). */
    @WithDefault("1m")
    Duration persistInterval();

    /** The forecast series by name; the anomaly's detector is {@code forecast_<name>}. */
    Map<String, Series> series();

    /** One forecast series. */
    interface Series {

        /** Metric from the catalog, a level rising towards {@link #limit()} (e.g. {@code host_filesystem_used_ratio}). */
        String metric();

        /** Labels whose values, joined with '.', name the object; none = target-wide. */
        Optional<List<String>> object();

        /** The level at which the resource is exhausted. */
        @WithDefault("1.0")
        double limit();

        /** Suggested action kind. */
        @WithDefault("investigate")
        String action();

        /** What runs out, for the summary (e.g. "disk full"). */
        Optional<String> description();

        /** Whether the series is forecast. */
        @WithDefault("true")
        boolean enabled();
    }
}
