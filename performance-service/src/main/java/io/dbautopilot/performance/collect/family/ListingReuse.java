package io.dbautopilot.performance.collect.family;

import io.dbautopilot.model.MetricPoint;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One gated family's last listing per database (target and name) with the {@link RelationDigest} read before it, and
 * a back-off for busy databases: after {@link #MISSES_BEFORE_BYPASS} checks in a row found the digest moved, the next
 * {@link #BYPASS_RUNS} runs list without reading it (a digest that always moves only adds its cost), then it is tried
 * again.
 */
final class ListingReuse {

    /** Consecutive moved digests after which a database's listings stop reading it for a while. */
    static final int MISSES_BEFORE_BYPASS = 3;

    /** Runs that list without reading the digest after {@link #MISSES_BEFORE_BYPASS} misses. */
    static final int BYPASS_RUNS = 8;

    /** A database not run for this long (dropped, excluded, moved to another instance) is forgotten. */
    static final Duration FORGET_AFTER = Duration.ofHours(24);

    private record Listed(String digest, String epoch, List<MetricPoint> points, Instant readAt) {
    }

    private static final class Streak {
        int misses;
        int bypassLeft;
        Instant lastRun;
    }

    private final Map<String, Listed> listed = new ConcurrentHashMap<>();
    private final Map<String, Streak> streaks = new ConcurrentHashMap<>();

    /** Whether this run should read the digest (false while a busy database's listings run without it). */
    boolean worthChecking(String key, Instant now) {
        listed.values().removeIf(l -> l.readAt().plus(FORGET_AFTER).isBefore(now));
        streaks.values().removeIf(s -> s.lastRun.plus(FORGET_AFTER).isBefore(now));
        Streak s = streaks.computeIfAbsent(key, k -> new Streak());
        synchronized (s) {
            s.lastRun = now;
            if (s.bypassLeft > 0) {
                s.bypassLeft--;
                return false;
            }
            return true;
        }
    }

    /**
     * The points of the last listing when they were read under the same digest in the same server life less than
     * {@code maxAge} ago; counts the check as a hit or a miss.
     */
    Optional<List<MetricPoint>> reusable(String key, String digest, String epoch, Duration maxAge, Instant now) {
        Listed last = listed.get(key);
        boolean hit = digest != null && last != null && last.digest().equals(digest) && last.epoch().equals(epoch)
                && last.readAt().plus(maxAge).isAfter(now);
        Streak s = streaks.computeIfAbsent(key, k -> new Streak());
        synchronized (s) {
            s.lastRun = now;
            if (hit) {
                s.misses = 0;
            } else if (last != null && ++s.misses >= MISSES_BEFORE_BYPASS) {
                // a miss right after a bypass (nothing listed under a digest) is not counted: it only stores one
                s.bypassLeft = BYPASS_RUNS;
                s.misses = MISSES_BEFORE_BYPASS - 1;
            }
        }
        return hit ? Optional.of(last.points()) : Optional.empty();
    }

    /** Remembers a listing read after {@code digest} (null: nothing to remember it under). */
    void listed(String key, String digest, String epoch, List<MetricPoint> points, Instant now) {
        if (digest == null) {
            listed.remove(key);
        } else {
            listed.put(key, new Listed(digest, epoch, points, now));
        }
    }

    /** Forgets a database's listing (it is not gated: small, or reuse switched off). */
    void forget(String key) {
        listed.remove(key);
        streaks.remove(key);
    }
}
