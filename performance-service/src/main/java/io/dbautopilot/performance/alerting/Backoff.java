package io.dbautopilot.performance.alerting;

import java.time.Duration;
import java.time.Instant;

/**
 * Exponential backoff of one output: after n consecutive failures the next attempt waits initial × 2^(n-1), at most
 * max. (Hand-written: a retry library would sleep on the worker; this only tells the scheduled worker when to try.)
 */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private int failures;
    private Instant notBefore = Instant.MIN;

    Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** Whether an attempt is due at {@code now}. */
    synchronized boolean due(Instant now) {
        return !now.isBefore(notBefore);
    }

    /** Records a success: the next attempt is due at once. */
    synchronized void succeeded() {
        failures = 0;
        notBefore = Instant.MIN;
    }

    /** Records a failure; returns the delay until the next attempt. */
    synchronized Duration failed(Instant now) {
        failures++;
        Duration delay = initial.multipliedBy(1L << Math.min(failures - 1, 30));
        if (delay.compareTo(max) > 0 || delay.isNegative()) {
            delay = max;
        }
        notBefore = now.plus(delay);
        return delay;
    }

    /** Consecutive failures so far. */
    synchronized int failures() {
        return failures;
    }
}
