package io.dbautopilot.performance.detect.statistical;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One detector's series histories per target, kept in memory, loaded from {@link DetectorSeriesStore} the first
 * time a target is seen and written back (changed ones only) by {@link #flush}. Without a store (unit tests of the
 * statistics) they live in memory only.
 */
public final class SeriesHistories {

    private static final Logger LOG = Logger.getLogger(SeriesHistories.class);

    private final String detector;
    private final long slotSeconds;
    private final int capacity;
    private final DetectorSeriesStore store;
    private final Map<String, Map<String, SlotSeries>> byTarget = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> dirty = new ConcurrentHashMap<>();

    public SeriesHistories(String detector, Duration slot, Duration window, DetectorSeriesStore store) {
        this.detector = detector;
        this.slotSeconds = slot.toSeconds();
        this.capacity = (int) Math.max(1, window.toSeconds() / slotSeconds);
        this.store = store;
    }

    /** A target's histories by series key (loaded on first use). Callers synchronise on the returned map. */
    public Map<String, SlotSeries> of(String targetId) {
        return byTarget.computeIfAbsent(targetId, t -> {
            Map<String, SlotSeries> loaded = new HashMap<>();
            if (store != null) {
                store.load(t, detector).forEach((key, bytes) -> {
                    try {
                        loaded.put(key, SlotSeries.decode(bytes, slotSeconds, capacity));
                    } catch (RuntimeException e) {
                        LOG.warnf("Stored %s history %s of %s unreadable, starting afresh: %s", detector, key, t,
                                e.getMessage());
                    }
                });
                if (!loaded.isEmpty()) {
                    LOG.infof("Loaded %d %s histories of target %s", loaded.size(), detector, t);
                }
            }
            return loaded;
        });
    }

    /** The history of a series, created empty if new. Call with the target's map locked. */
    public SlotSeries series(Map<String, SlotSeries> target, String key) {
        return target.computeIfAbsent(key, k -> new SlotSeries(slotSeconds, capacity));
    }

    /** Marks a series changed. */
    public void touched(String targetId, String key) {
        dirty.computeIfAbsent(targetId, t -> ConcurrentHashMap.newKeySet()).add(key);
    }

    /** Writes changed histories; drops from memory and store what was not updated for a whole window. */
    public void flush(Instant now) {
        if (store == null) {
            return;
        }
        for (Map.Entry<String, Set<String>> e : dirty.entrySet()) {
            String target = e.getKey();
            Map<String, SlotSeries> series = byTarget.get(target);
            if (series == null) {
                continue;
            }
            Map<String, byte[]> out = new HashMap<>();
            synchronized (series) {
                for (String key : new HashSet<>(e.getValue())) {
                    SlotSeries s = series.get(key);
                    if (s != null) {
                        out.put(key, s.encode());
                    }
                    e.getValue().remove(key);
                }
                long stale = Math.floorDiv(now.getEpochSecond(), slotSeconds) - capacity;
                series.values().removeIf(s -> s.newestSlot() < stale);
            }
            try {
                store.save(target, detector, out, now);
            } catch (RuntimeException ex) {
                e.getValue().addAll(out.keySet());
                LOG.warnf("%s histories of %s not saved, will retry: %s", detector, target, ex.getMessage());
            }
        }
        try {
            store.deleteOlderThan(detector, now.minusSeconds(slotSeconds * capacity));
        } catch (RuntimeException ex) {
            LOG.warnf("Pruning %s histories failed: %s", detector, ex.getMessage());
        }
    }

    /** Forgets a target's in-memory histories (the next use loads them from the store, as after a restart). */
    public void forget(String targetId) {
        byTarget.remove(targetId);
        dirty.remove(targetId);
    }
}
