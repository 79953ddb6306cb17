package io.dbautopilot.support.retry;

import java.time.Duration;

/**
 * The one back-off policy of both services: the wait before retry {@code n} (1-based) is {@code initial × 2^(n-1)},
 * capped at {@code max}; at most {@code maxRetries} retries follow the first attempt.
 *
 * @param initial    wait before the first retry
 * @param max        longest wait between two attempts
 * @param maxRetries retries after the first attempt (0: no retry)
 */
public record Backoff(Duration initial, Duration max, int maxRetries) {

    public Backoff {
        if (initial == null || initial.isNegative()) {
            throw new IllegalArgumentException("back-off initial wait must be zero or positive");
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off max wait must be at least the initial wait");
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("back-off retries must be zero or more");
        }
    }

    /** Doubling waits from {@code initial} without a cap other than one hour. */
    public static Backoff doubling(Duration initial, int maxRetries) {
        Duration hour = Duration.ofHours(1);
        return new Backoff(initial, initial.compareTo(hour) > 0 ? initial : hour, maxRetries);
    }

    /** The wait before retry {@code retry} (1-based). */
    public Duration delay(int retry) {
        if (retry < 1) {
            return Duration.ZERO;
        }
        Duration d = initial.multipliedBy(1L << Math.min(retry - 1, 30));
        return d.isNegative() || d.compareTo(max) > 0 ? max : d;
    }
}
