package io.dbautopilot.automation.canary;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the autopilot's canary ({@code autopilot.canary.*}, docs/canary.md); targets opt in with {@code canary=on}. */
@ConfigMapping(prefix = "autopilot.canary")
public interface CanaryConfig {

    /** Master switch: {@code false} runs no canary on any target, whatever they say (env AUTOPILOT_CANARY_ENABLED). */
    @WithDefault("true")
    boolean enabled();

    /** Time between the starts of two runs on a target (env AUTOPILOT_CANARY_INTERVAL). */
    @WithDefault("15m")
    Duration interval();

    /**
     * How long a run may take from planting to its last stage; a run that has not finished by then is {@code failed}
     * (env AUTOPILOT_CANARY_DEADLINE). It must cover collection, the rule's {@code for}, the VACUUM and one more cycle.
     */
    @WithDefault("10m")
    Duration deadline();

    /** How often running runs are followed and due ones started (env AUTOPILOT_CANARY_CHECK_INTERVAL). */
    @WithDefault("10s")
    Duration checkInterval();

    /** The schema the canary owns on each target, created when missing (env AUTOPILOT_CANARY_SCHEMA). */
    @WithDefault("autopilot_canary")
    String schema();

    /**
     * Rows inserted into each run's table; three in four are deleted, so the dead tuples exceed the shipped
     * {@code dead_tuples} rule (more than 10,000 dead, ratio 0.75 above its critical 0.3). 14,000 to 1,000,000
     * (env AUTOPILOT_CANARY_ROWS).
     */
    @WithDefault("20000")
    int rows();
}
