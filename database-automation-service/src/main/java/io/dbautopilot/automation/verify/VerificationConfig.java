package io.dbautopilot.automation.verify;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How succeeded reversible operations are measured again and rolled back on a regression ({@code autopilot.verification.*}). */
@ConfigMapping(prefix = "autopilot.verification")
public interface VerificationConfig {

    /** Whether reversible operations (create_index, tune) are verified after the window (env: {@code AUTOPILOT_VERIFICATION_ENABLED}). */
    @WithDefault("true")
    boolean enabled();

    /** How long after a reversible operation succeeded it is measured again (env: {@code AUTOPILOT_VERIFICATION_WINDOW}). */
    @WithDefault("15m")
    Duration window();

    /** How often due verifications are looked for (env: {@code AUTOPILOT_VERIFICATION_POLL_INTERVAL}). */
    @WithDefault("10s")
    String pollInterval();

    /** Calls of the measured statements needed within the window for a verdict on them (env: {@code AUTOPILOT_VERIFICATION_MIN_CALLS}). */
    @WithDefault("20")
    int minCalls();

    /**
     * Share by which a create_index must cut the mean time of the statements it was for, 0 to 1 (0.1: 10 % faster);
     * less is "did not speed up" and the index is dropped (env: {@code AUTOPILOT_VERIFICATION_MIN_IMPROVEMENT}).
     */
    @WithDefault("0.1")
    double minImprovement();

    /**
     * Share by which the mean time of write statements on the indexed table may grow before the index is dropped
     * (0.5: 50 % slower) (env: {@code AUTOPILOT_VERIFICATION_MAX_WRITE_SLOWDOWN}).
     */
    @WithDefault("0.5")
    double maxWriteSlowdown();

    /** Mode of rollback operations: {@code auto} (at once) or {@code approval} (env: {@code AUTOPILOT_VERIFICATION_ROLLBACK_MODE}). */
    @WithDefault("auto")
    String rollbackMode();

    /** Measurements (the target unreachable) tried before the verdict is inconclusive (env: {@code AUTOPILOT_VERIFICATION_MAX_ATTEMPTS}). */
    @WithDefault("5")
    int maxAttempts();

    /** Delay before a failed measurement is tried again (env: {@code AUTOPILOT_VERIFICATION_RETRY_DELAY}). */
    @WithDefault("1m")
    Duration retryDelay();

    /** The first setting that is out of range, named with its property; empty when all are valid. */
    default java.util.Optional<String> problem() {
        if (window().isNegative() || window().isZero()) {
            return java.util.Optional.of("autopilot.verification.window must be positive, was " + window());
        }
        if (minCalls() < 1) {
            return java.util.Optional.of("autopilot.verification.min-calls must be at least 1, was " + minCalls());
        }
        if (!(minImprovement() >= 0 && minImprovement() < 1)) {
            return java.util.Optional.of("autopilot.verification.min-improvement must be in [0, 1), was " + minImprovement());
        }
        if (!(maxWriteSlowdown() > 0)) {
            return java.util.Optional.of("autopilot.verification.max-write-slowdown must be positive, was " + maxWriteSlowdown());
        }
        if (!rollbackMode().equals("auto") && !rollbackMode().equals("approval")) {
            return java.util.Optional.of("autopilot.verification.rollback-mode must be auto or approval, was '"
                    + rollbackMode() + "'");
        }
        if (maxAttempts() < 1) {
            return java.util.Optional.of("autopilot.verification.max-attempts must be at least 1, was " + maxAttempts());
        }
        return java.util.Optional.empty();
    }
}
