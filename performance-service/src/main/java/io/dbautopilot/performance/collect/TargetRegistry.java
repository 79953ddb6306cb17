package io.dbautopilot.performance.collect;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The targets this instance owns (collects), each with the state the collector keeps between its cycles; targets
 * come and go at runtime ({@code io.dbautopilot.performance.fleet.Ownership} decides), and every change is announced
 * synchronously as a CDI event: {@link Acquired}, then on release {@link Releasing} (stop scheduling), a bounded wait
 * for the target's work in flight, and {@link Released} (drop in-memory state).
 */
@ApplicationScoped
public class TargetRegistry {

    private static final Logger LOG = Logger.getLogger(TargetRegistry.class);

    /** A target became owned by this instance; schedule its work. */
    public record Acquired(TargetRuntime target) {
    }

    /** A target is being given up: stop scheduling its work (work in flight is waited for after this). */
    public record Releasing(String id) {
    }

    /** A target was given up and its work in flight has finished (or the wait ran out): drop its in-memory state. */
    public record Released(String id) {
    }

    private final Map<String, TargetRuntime> targets = new ConcurrentSkipListMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Event<Object> events;

    public TargetRegistry(Event<Object> events) {
        this.events = events;
    }

    /** Every owned target, ordered by id (a live view). */
    public Collection<TargetRuntime> all() {
        return Collections.unmodifiableCollection(targets.values());
    }

    /** One owned target by id. */
    public Optional<TargetRuntime> get(String id) {
        return Optional.ofNullable(targets.get(id));
    }

    /**
     * Takes a target on with fresh collector state and announces it; a target already owned is released first (its
     * settings changed).
     */
    public synchronized TargetRuntime acquire(String id, TargetsConfig.Target config, Duration drain) {
        if (targets.containsKey(id)) {
            release(id, drain);
        }
        TargetRuntime runtime = new TargetRuntime(id, config);
        targets.put(id, runtime);
        events.select(Acquired.class).fire(new Acquired(runtime));
        return runtime;
    }

    /**
     * Gives a target up: stops its scheduling, waits up to {@code drain} for its work in flight (a cycle and what
     * observes it) to finish, then drops its state. False if it was not owned.
     */
    public synchronized boolean release(String id, Duration drain) {
        return !release(java.util.List.of(id), drain).isEmpty();
    }

    /**
     * Gives targets up together (a revoked partition): stops the scheduling of all, waits up to {@code drain} in all
     * for their work in flight, then drops their state. Returns those that were owned.
     */
    public synchronized java.util.List<String> release(Collection<String> ids, Duration drain) {
        java.util.List<TargetRuntime> runtimes = ids.stream().map(targets::remove).filter(java.util.Objects::nonNull).toList();
        java.util.List<String> released = runtimes.stream().map(TargetRuntime::id).toList();
        released.forEach(id -> events.select(Releasing.class).fire(new Releasing(id)));
        long deadline = System.nanoTime() + drain.toNanos();
        for (String id : released) {
            if (!awaitIdle(id, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                LOG.warnf("Target %s released while its work was still running after %s", id, drain);
            }
        }
        runtimes.forEach(TargetRuntime::closeIdleConnections); // the per-database connections kept between visits
        released.forEach(id -> events.select(Released.class).fire(new Released(id)));
        return released;
    }

    /**
     * Marks the start of work for a target (a cycle, an advice run) if it is still owned; the caller must
     * {@link #end} it. False (and nothing to end) when the target is not owned (any more).
     */
    public boolean begin(String id) {
        counter(id).incrementAndGet();
        if (targets.containsKey(id)) {
            return true;
        }
        end(id);
        return false;
    }

    /** Marks the start of work that continues work already begun (observers of a cycle); the caller must {@link #end} it. */
    public void hold(String id) {
        counter(id).incrementAndGet();
    }

    /** Marks the end of work begun with {@link #begin} or {@link #hold}. */
    public void end(String id) {
        AtomicInteger count = counter(id);
        if (count.decrementAndGet() <= 0) {
            synchronized (count) {
                count.notifyAll();
            }
        }
    }

    private AtomicInteger counter(String id) {
        return inFlight.computeIfAbsent(id, k -> new AtomicInteger());
    }

    private boolean awaitIdle(String id, Duration timeout) {
        AtomicInteger count = counter(id);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (count) {
            while (count.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    count.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }
}
