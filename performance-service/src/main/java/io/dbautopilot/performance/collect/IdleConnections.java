package io.dbautopilot.performance.collect;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A target's per-database connections kept open between visits (one per database), each still holding its permit
 * of the target's connection cap, so the next visit to that database reuses it instead of connecting again.
 *
 * <p>Whoever needs a permit while all are held by idle connections evicts the longest-idle one (closed, permit
 * given back): advisors are never starved by idle collector connections, and the cap is never exceeded.
 */
final class IdleConnections<C> {

    private final Map<String, Entry<C>> idle = new LinkedHashMap<>(); // access order: longest idle first
    private final Consumer<C> close;
    private final Runnable releasePermit;

    IdleConnections(Consumer<C> close, Runnable releasePermit) {
        this.close = close;
        this.releasePermit = releasePermit;
    }

    /** The idle connection to a database, taken out of the idle set (its permit goes with it), if any. */
    synchronized Optional<C> take(String database) {
        Entry<C> e = idle.remove(database);
        return e == null ? Optional.empty() : Optional.of(e.connection);
    }

    /** Keeps a connection (holding one permit) for the next visit to its database; closes any older one there. */
    void keep(String database, C connection, Instant now) {
        Entry<C> replaced;
        synchronized (this) {
            replaced = idle.put(database, new Entry<>(connection, now));
        }
        if (replaced != null) {
            discard(replaced);
        }
    }

    /** Closes the longest-idle connection and gives back its permit; false if none was idle. */
    boolean evictOne() {
        Entry<C> e;
        synchronized (this) {
            Iterator<Entry<C>> it = idle.values().iterator();
            if (!it.hasNext()) {
                return false;
            }
            e = it.next();
            it.remove();
        }
        discard(e);
        return true;
    }

    /** Closes connections idle since before {@code now - maxIdle} and those of databases not in {@code keep}. */
    void expire(Instant now, Duration maxIdle, java.util.Collection<String> keep) {
        List<Entry<C>> gone = new ArrayList<>();
        synchronized (this) {
            idle.entrySet().removeIf(e -> {
                boolean old = e.getValue().since.isBefore(now.minus(maxIdle)) || !keep.contains(e.getKey());
                if (old) {
                    gone.add(e.getValue());
                }
                return old;
            });
        }
        gone.forEach(this::discard);
    }

    /** Number of idle connections. */
    synchronized int size() {
        return idle.size();
    }

    private void discard(Entry<C> e) {
        try {
            close.accept(e.connection);
        } finally {
            releasePermit.run();
        }
    }

    private record Entry<C>(C connection, Instant since) {
    }
}
