package io.dbautopilot.performance.operations;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the operation timeline read from {@code autopilot.operations.v1} ({@code autopilot.operations.*}). */
@ConfigMapping(prefix = "autopilot.operations")
public interface OperationsConfig {

    /** How many recent operation events are kept per target, newest first (env: {@code AUTOPILOT_OPERATIONS_TIMELINE_SIZE}). */
    @WithDefault("200")
    int timelineSize();

    /**
     * A started operation not heard of for this long is no longer reported as running (its terminal event was
     * lost or the automation service died with it) (env: {@code AUTOPILOT_OPERATIONS_STALE_AFTER}).
     */
    @WithDefault("24h")
    Duration staleAfter();
}
