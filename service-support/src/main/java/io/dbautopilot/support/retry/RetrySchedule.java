package io.dbautopilot.support.retry;

import java.time.Duration;
import java.time.Instant;

/**
 * When a scheduled output (an Alertmanager push, a webhook) may try again after consecutive failures, with the waits
 * of one {@link Backoff}; a scheduled worker asks {@link #due} instead of sleeping, so it never blocks on a retry.
 */
public final class RetrySchedule {

    private final Backoff backoff;
    private int failures;
    private Instant notBefore = Instant.MIN;

    /** Waits from {@code initial}, doubling, at most {@code max}; the output keeps trying for as long as it runs. */
    public RetrySchedule(Duration initial, Duration max) {
        this.backoff = new Backoff(initial.compareTo(max) > 0 ? max : initial, max, Integer.MAX_VALUE);
    }

    /** Whether an attempt is due at {@code now}. */
    public synchronized boolean due(Instant now) {
        return !now.isBefore(notBefore);
    }

    /** Records a success: the next attempt is due at once. */
    public synchronized void succeeded() {
        failures = 0;
        notBefore = Instant.MIN;
    }

    /** Records a failure; returns the wait until the next attempt. */
    public synchronized Duration failed(Instant now) {
        failures++;
        Duration delay = backoff.delay(failures);
        notBefore = now.plus(delay);
        return delay;
    }

    /** Consecutive failures so far. */
    public synchronized int failures() {
        return failures;
    }
}
