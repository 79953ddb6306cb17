package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-relation values that are costly to read (sizes, column statistics for the bloat estimate), kept between cycles
 * of one target's database and re-read only for relations whose change key moved or whose value is older than the
 * maximum age: a cycle over a quiet database then costs one catalog scan instead of one size call per relation.
 *
 * <p>The change key is whatever the family knows changes the value (file node, tuple counters, last analyze time);
 * the maximum age bounds what the key cannot see (e.g. counters a busy session has not flushed yet).
 */
final class RelationCache<V> {

    /** One cached value with the change key it was read under. */
    private record Entry<V>(String changeKey, V value, Instant readAt) {
    }

    /** What one cycle must re-read and what it may reuse. */
    record Plan(List<Long> reread, int reused) {
    }

    /** A database not collected for this long (dropped, excluded) is forgotten. */
    static final Duration FORGET_AFTER = Duration.ofHours(24);

    /** The cached values of one database during one life of its server. */
    private static final class DatabaseCache<V> {
        final String epoch;
        final Map<Long, Entry<V>> entries = new ConcurrentHashMap<>();
        volatile Instant lastPlanned;

        DatabaseCache(String epoch, Instant now) {
            this.epoch = epoch;
            this.lastPlanned = now;
        }
    }

    private final Map<String, DatabaseCache<V>> byDatabase = new ConcurrentHashMap<>();

    /**
     * Decides, for the relations listed now (oid → change key), which to re-read: new ones, changed ones and ones
     * older than {@code maxAge} (all of them when {@code maxAge} is zero). Relations no longer listed are forgotten,
     * and so is everything when the server restarted (new epoch: new file nodes and counters).
     */
    Plan plan(CollectionContext context, Map<Long, String> changeKeys, Duration maxAge, Instant now) {
        byDatabase.values().removeIf(d -> d.lastPlanned.plus(FORGET_AFTER).isBefore(now));
        DatabaseCache<V> db = byDatabase.compute(key(context), (k, d) ->
                d == null || !d.epoch.equals(context.epoch()) ? new DatabaseCache<>(context.epoch(), now) : d);
        db.lastPlanned = now;
        db.entries.keySet().retainAll(changeKeys.keySet());
        List<Long> reread = new ArrayList<>();
        int reused = 0;
        for (Map.Entry<Long, String> e : changeKeys.entrySet()) {
            Entry<V> c = db.entries.get(e.getKey());
            if (c == null || !c.changeKey().equals(e.getValue()) || maxAge.isZero()
                    || c.readAt().plus(maxAge).isBefore(now)) {
                reread.add(e.getKey());
            } else {
                reused++;
            }
        }
        return new Plan(reread, reused);
    }

    /** Stores a freshly read value (after {@link #plan} of the same cycle). */
    void put(CollectionContext context, long oid, String changeKey, V value, Instant readAt) {
        DatabaseCache<V> db = byDatabase.get(key(context));
        if (db != null && db.epoch.equals(context.epoch())) {
            db.entries.put(oid, new Entry<>(changeKey, value, readAt));
        }
    }

    /** The cached value of a relation, if any. */
    Optional<V> get(CollectionContext context, long oid) {
        DatabaseCache<V> db = byDatabase.get(key(context));
        Entry<V> e = db == null ? null : db.entries.get(oid);
        return e == null ? Optional.empty() : Optional.of(e.value());
    }

    private static String key(CollectionContext context) {
        return context.targetId() + '\u0000' + context.database();
    }
}
