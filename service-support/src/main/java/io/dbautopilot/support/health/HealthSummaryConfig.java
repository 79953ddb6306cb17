package io.dbautopilot.support.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of {@code GET /health}'s summary, computed in the background ({@code autopilot.health-summary.*}). */
@ConfigMapping(prefix = "autopilot.health-summary")
public interface HealthSummaryConfig {

    /**
     * How often the summary is computed anew; {@code /health} serves the latest one
     * (env {@code AUTOPILOT_HEALTH_SUMMARY_REFRESH_INTERVAL}).
     */
    @WithDefault("2s")
    Duration refreshInterval();

    /**
     * A background task is overdue when its last successful run (or the service's start, when none) is older than
     * this many times its interval (env {@code AUTOPILOT_HEALTH_SUMMARY_OVERDUE_FACTOR}).
     */
    @WithDefault("3")
    double overdueFactor();

    /**
     * Connect and read timeout of one reading of the peer service's {@code /health}; a peer slower than this is
     * unreachable (env {@code AUTOPILOT_HEALTH_SUMMARY_PEER_TIMEOUT}).
     */
    @WithDefault("1s")
    Duration peerTimeout();
}
