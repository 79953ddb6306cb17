package io.dbautopilot.performance.detect.statistical;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the statistical detector ({@code autopilot.detection.baseline.*}): a robust per-series baseline
 * (median and MAD) by hour of week, hour of day or recent window, and which series it watches.
 */
@ConfigMapping(prefix = "autopilot.detection.baseline")
public interface BaselineConfig {

    /** Whether the statistical detector runs (env: {@code AUTOPILOT_DETECTION_BASELINE_ENABLED}). */
    @WithDefault("true")
    boolean enabled();

    /** One reading per series is kept per slot of this length (env: {@code AUTOPILOT_DETECTION_BASELINE_SLOT}). */
    @WithDefault("10m")
    Duration slot();

    /** How much history each series keeps (env: {@code AUTOPILOT_DETECTION_BASELINE_WINDOW}). */
    @WithDefault("28d")
    Duration window();

    /** No verdict before a series has this much history (env: {@code AUTOPILOT_DETECTION_BASELINE_WARM_UP}). */
    @WithDefault("1d")
    Duration warmUp();

    /** Fewest readings a baseline needs to be used (env: {@code AUTOPILOT_DETECTION_BASELINE_MIN_SAMPLES}). */
    @WithDefault("6")
    int minSamples();

    /**
     * Earlier weeks with readings in the current hour of the week needed before the hour-of-week baseline is used
     * (env: {@code AUTOPILOT_DETECTION_BASELINE_SEASONAL_MIN_WEEKS}).
     */
    @WithDefault("2")
    int seasonalMinWeeks();

    /** Days looked back for the hour-of-day baseline (env: {@code AUTOPILOT_DETECTION_BASELINE_DAILY_WINDOW}). */
    @WithDefault("7d")
    Duration dailyWindow();

    /** Window of the non-seasonal fallback baseline (env: {@code AUTOPILOT_DETECTION_BASELINE_RECENT_WINDOW}). */
    @WithDefault("6h")
    Duration recentWindow();

    /** Time zone of "hour of day" and "hour of week" (env: {@code AUTOPILOT_DETECTION_BASELINE_TIME_ZONE}). */
    @WithDefault("UTC")
    String timeZone();

    /** Robust z-score (deviation / (1.4826 MAD)) that opens a warning (env: {@code AUTOPILOT_DETECTION_BASELINE_WARNING_Z}). */
    @WithDefault("5")
    double warningZ();

    /** Robust z-score that makes it critical (env: {@code AUTOPILOT_DETECTION_BASELINE_CRITICAL_Z}). */
    @WithDefault("10")
    double criticalZ();

    /** The anomaly resolves once the z-score is back at or below this (env: {@code AUTOPILOT_DETECTION_BASELINE_RESOLVE_Z}). */
    @WithDefault("3")
    double resolveZ();

    /**
     * Least spread assumed, as a fraction of the median, so a nearly flat series does not fire on a tiny change
     * (env: {@code AUTOPILOT_DETECTION_BASELINE_RELATIVE_SPREAD_FLOOR}).
     */
    @WithDefault("0.05")
    double relativeSpreadFloor();

    /** How long the deviation must hold before the anomaly opens (env: {@code AUTOPILOT_DETECTION_BASELINE_FOR}). */
    @WithName("for")
    @WithDefault("10m")
    Duration forDuration();

    /** After a resolve, how long a new deviation of the same series is ignored (env: {@code AUTOPILOT_DETECTION_BASELINE_COOLDOWN}). */
    @WithDefault("30m")
    Duration cooldown();

    /** How often changed baselines are written to the state database (env: {@code AUTOPILOT_DETECTION_BASELINE_PERSIST_INTERVAL}). */
    @WithDefault("1m")
    Duration persistInterval();

    /** The watched series by name; the anomaly's detector is {@code baseline_<name>}. */
    Map<String, Series> series();

    /** One watched series. */
    interface Series {

        /** Metric from the catalog, e.g. {@code pg_stat_database_tps}. */
        String metric();

        /** Labels whose values, joined with '.', name the object (e.g. {@code datname}); none = target-wide. */
        Optional<List<String>> object();

        /** Whether the metric is a counter whose per-second rate is watched. */
        @WithDefault("false")
        boolean rate();

        /** Which deviation fires: {@code up}, {@code down} or {@code both}. */
        @WithDefault("up")
        String direction();

        /** Smallest absolute deviation from the median that may fire, in the metric's unit. */
        @WithDefault("0")
        double minDeviation();

        /** Suggested action kind. */
        @WithDefault("investigate")
        String action();

        /** One sentence for the summary. */
        Optional<String> description();

        /** Whether the series is watched. */
        @WithDefault("true")
        boolean enabled();
    }
}
