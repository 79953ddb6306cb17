package io.dbautopilot.performance.collect;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The previous reading of each cumulative counter of one target, so rates and per-interval deltas can be derived.
 *
 * <p>A counter that went down, or whose epoch changed (stats reset, server restart), is a reset: no delta is
 * derived from it; the reading becomes the new baseline.
 */
public final class CounterHistory {

    private final Map<String, Reading> previous = new ConcurrentHashMap<>();

    /**
     * Records a reading and returns the change since the previous one.
     *
     * @param key   series identity, e.g. {@code database/orders/xact_commit}
     * @param value the counter's current value
     * @param at    when it was read
     * @param epoch what identifies one life of the counter (e.g. stats_reset and postmaster start); may be null
     * @return the delta and elapsed time, or empty on the first reading or after a reset
     */
    public Optional<Delta> advance(String key, double value, Instant at, String epoch) {
        Reading before = previous.put(key, new Reading(value, at, epoch));
        if (before == null || !Objects.equals(before.epoch(), epoch) || value < before.value()
                || !at.isAfter(before.at())) {
            return Optional.empty();
        }
        return Optional.of(new Delta(value - before.value(), Duration.between(before.at(), at)));
    }

    /** Forgets series whose key starts with a prefix (e.g. a dropped database). */
    public void forget(String prefix) {
        previous.keySet().removeIf(k -> k.startsWith(prefix));
    }

    /** Forgets series under a prefix whose key is not in {@code keep} (e.g. statements evicted from pg_stat_statements). */
    public void retain(String prefix, java.util.Set<String> keep) {
        previous.keySet().removeIf(k -> k.startsWith(prefix) && !keep.contains(k));
    }

    /** Number of series remembered. */
    public int size() {
        return previous.size();
    }

    /**
     * Change of a counter between two readings.
     *
     * @param amount  how much the counter grew, {@code >= 0}
     * @param elapsed time between the readings, positive
     */
    public record Delta(double amount, Duration elapsed) {

        /** The change per second. */
        public double perSecond() {
            return amount / (elapsed.toNanos() / 1e9);
        }
    }

    private record Reading(double value, Instant at, String epoch) {
    }
}
