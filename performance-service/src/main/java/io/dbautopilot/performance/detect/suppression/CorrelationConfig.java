package io.dbautopilot.performance.detect.suppression;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Suppression by correlation ({@code autopilot.detection.correlation.*}): while an operation runs on a target (read
 * from {@code autopilot.operations.v1}), the anomalies it predictably causes are held, and published if they
 * outlive it.
 */
@ConfigMapping(prefix = "autopilot.detection.correlation")
public interface CorrelationConfig {

    /** Whether running operations hold anomalies (env: {@code AUTOPILOT_DETECTION_CORRELATION_ENABLED}). */
    @WithDefault("true")
    boolean enabled();

    /**
     * After an operation finished, its anomalies are held this much longer (metrics lag behind; env:
     * {@code AUTOPILOT_DETECTION_CORRELATION_GRACE}).
     */
    @WithDefault("1m")
    Duration grace();

    /**
     * Operation type to the rules/detectors it holds (exact names or {@code ~regex}); a type also covers its
     * sub-types ({@code backup} covers {@code backup_full}, {@code vacuum} covers {@code vacuum_freeze}). Example:
     * {@code autopilot.detection.correlation.holds.backup=host_iowait_high,baseline_wal_rate}.
     */
    Map<String, List<String>> holds();
}
