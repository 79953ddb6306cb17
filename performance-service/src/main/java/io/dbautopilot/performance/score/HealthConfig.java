package io.dbautopilot.performance.score;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the health score ({@code autopilot.health.*}). */
@ConfigMapping(prefix = "autopilot.health")
public interface HealthConfig {

    /**
     * A target whose last successful backup is older than this loses backup points (twice as old: more)
     * (env: {@code AUTOPILOT_HEALTH_BACKUP_MAX_AGE}).
     */
    @WithDefault("26h")
    Duration backupMaxAge();

    /** A target restarted less than this long ago loses connectivity points (env: {@code AUTOPILOT_HEALTH_RESTART_GRACE}). */
    @WithDefault("1h")
    Duration restartGrace();
}
