package io.dbautopilot.performance.publish;

import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.performance.state.TargetStatusStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.dbautopilot.performance.collect.TargetRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Takes each cycle's snapshot off the cycle: sends it and records the cycle at once, never waiting for Kafka's
 * acknowledgement; at most one snapshot per target awaits its acknowledgement (a newer one meanwhile is skipped),
 * outcomes are counted ({@code autopilot_snapshot_deliveries_total{target, outcome=published|failed|skipped}}) and
 * recorded, and a broker outage is logged once when it begins and once when it ends.
 */
@ApplicationScoped
public class SnapshotDelivery {

    private static final Logger LOG = Logger.getLogger(SnapshotDelivery.class);
    static final String METER = "autopilot.snapshot.deliveries";

    private final SnapshotPublisher publisher;
    private final TargetStatusStore status;
    private final MeterRegistry meters;
    private final Duration timeout;
    /** Target to the time its snapshot awaiting an acknowledgement was sent. */
    private final Map<String, Instant> awaiting = new ConcurrentHashMap<>();
    /** Target to the time its first snapshot that went unacknowledged in the current outage was sent. */
    private final Map<String, Instant> unacknowledged = new ConcurrentHashMap<>();
    /** Targets whose last snapshot the broker refused (not a timeout), with the reason already logged. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final AtomicLong skippedTotal = new AtomicLong();
    private final AtomicLong failedTotal = new AtomicLong();
    /** When recording cycles in the state database began to fail; null while it works. */
    private final AtomicReference<Instant> stateDownSince = new AtomicReference<>();
    private final AtomicLong lastProbe = new AtomicLong(System.nanoTime());
    private static final long PROBE_EVERY_NANOS = 1_000_000_000L;
    private Outage outage; // guarded by this

    private record Outage(Instant since, long skippedBefore, long failedBefore) {
    }

    public SnapshotDelivery(SnapshotPublisher publisher, TargetStatusStore status, MeterRegistry meters,
                            TargetsConfig config) {
        this.publisher = publisher;
        this.status = status;
        this.meters = meters;
        this.timeout = config.collection().publishTimeout();
    }

    /**
     * Sends a cycle's snapshot (or skips it while the target's previous one still awaits its acknowledgement) and
     * records the cycle; completes once the cycle is recorded, not when Kafka acknowledged. Call it off the event
     * loop: the snapshot is serialized here.
     */
    public Uni<Void> deliver(MetricSnapshot snapshot) {
        String target = snapshot.targetId();
        Instant now = Instant.now();
        Instant earlier = awaiting.putIfAbsent(target, now);
        if (earlier != null) {
            count(target, "skipped");
            skippedTotal.incrementAndGet();
            Instant down = unacknowledged.get(target);
            return recordCycle(snapshot, down != null
                    ? "skipped: Kafka has not acknowledged this target's snapshots since " + seconds(down)
                    : "skipped: the snapshot sent at " + seconds(earlier) + " still awaits Kafka's acknowledgement");
        }
        Uni<String> acknowledged;
        try {
            acknowledged = publisher.publish(snapshot).ifNoItem().after(timeout).fail();
        } catch (RuntimeException e) {
            acknowledged = Uni.createFrom().failure(e);
        }
        Instant down = unacknowledged.get(target);
        Uni<Void> recorded = recordCycle(snapshot, down == null ? null
                        : "awaiting acknowledgement; Kafka has not acknowledged this target's snapshots since " + seconds(down))
                .memoize().indefinitely();
        // the outcome is written after the cycle's own record, so it never lands on an older row
        acknowledged.subscribe().with(
                eventId -> settled(snapshot, eventId, null, recorded),
                failure -> settled(snapshot, null, failure, recorded));
        return recorded;
    }

    /**
     * Records the cycle in the state database; while that is unreachable the cycle still completes (collection goes
     * on), and the outage is logged once when it begins and once when it ends instead of once per cycle.
     */
    private Uni<Void> recordCycle(MetricSnapshot snapshot, String publishError) {
        if (stateDownSince.get() != null && !probeDue()) {
            return Uni.createFrom().voidItem();
        }
        return status.record(snapshot, null, publishError)
                .invoke(() -> {
                    Instant since = stateDownSince.getAndSet(null);
                    if (since != null) {
                        LOG.infof("The state database records cycles again (unreachable since %s, for %d s)",
                                seconds(since), Duration.between(since, Instant.now()).toSeconds());
                    }
                })
                .onFailure().invoke(e -> {
                    if (stateDownSince.compareAndSet(null, Instant.now())) {
                        LOG.warnf("The state database does not record cycles (%s): collection goes on, detection "
                                + "waits for it (its state lives there); logged again when it is back", e.getMessage());
                    }
                })
                .onFailure().recoverWithNull();
    }

    /**
     * While the state database is down, one cycle a second tries to record (the others are not recorded): a failed
     * reactive-pool acquisition costs a timer that later logs an error of its own (vertx-sql-client issue 1706).
     */
    private boolean probeDue() {
        long now = System.nanoTime();
        long last = lastProbe.get();
        return now - last >= PROBE_EVERY_NANOS && lastProbe.compareAndSet(last, now);
    }

    /** Forgets a target this instance gave up, so an outage it was part of can end without it. */
    void onReleased(@Observes TargetRegistry.Released released) {
        refused.remove(released.id());
        if (unacknowledged.containsKey(released.id())) {
            unacknowledged.remove(released.id());
            endOutageIfOver();
        }
    }

    private void settled(MetricSnapshot snapshot, String eventId, Throwable failure, Uni<Void> recorded) {
        String target = snapshot.targetId();
        Instant sent = awaiting.remove(target);
        String error = null;
        if (failure == null) {
            count(target, "published");
            acknowledged(target);
        } else {
            count(target, "failed");
            failedTotal.incrementAndGet();
            error = timedOut(failure) ? "not acknowledged by Kafka within " + timeout.toSeconds() + " s"
                    : describe(failure);
            if (timedOut(failure)) {
                unacknowledged.putIfAbsent(target, sent != null ? sent : Instant.now());
                announceOutage();
            } else if (refused.add(target)) {
                LOG.warnf("Snapshot of %s not published: %s (logged once until one is published again)", target,
                        error);
            }
        }
        String outcome = error;
        if (stateDownSince.get() != null) {
            return; // the cycle was not recorded either
        }
        recorded.onFailure().recoverWithNull()
                .chain(() -> status.recordDelivery(snapshot, eventId, outcome))
                .subscribe().with(ok -> { }, e -> LOG.debugf("Delivery outcome of %s not recorded: %s", target,
                        e.getMessage()));
    }

    private void acknowledged(String target) {
        if (refused.remove(target)) {
            LOG.infof("Snapshots of %s are published again", target);
        }
        if (unacknowledged.remove(target) != null) {
            endOutageIfOver();
        }
    }

    private void endOutageIfOver() {
        synchronized (this) {
            if (outage != null && unacknowledged.isEmpty()) {
                Instant now = Instant.now();
                LOG.infof("Kafka acknowledges snapshots again: the outage that began at %s is over after %d s; "
                                + "%d snapshots were skipped and %d not acknowledged meanwhile", seconds(outage.since()),
                        Duration.between(outage.since(), now).toSeconds(), skippedTotal.get() - outage.skippedBefore(),
                        failedTotal.get() - outage.failedBefore());
                outage = null;
            }
        }
    }

    private void announceOutage() {
        synchronized (this) {
            if (outage != null) {
                return;
            }
            Instant now = Instant.now();
            Instant since = unacknowledged.values().stream().min(Instant::compareTo).orElse(now);
            // targets already timed out, and those whose snapshot has waited long enough to be caught by it too
            Set<String> affected = new TreeSet<>(unacknowledged.keySet());
            Instant lagging = now.minus(timeout.dividedBy(2));
            awaiting.forEach((t, sent) -> {
                if (sent.isBefore(lagging)) {
                    affected.add(t);
                }
            });
            outage = new Outage(since, skippedTotal.get(), failedTotal.get() - 1);
            LOG.warnf("Kafka did not acknowledge snapshots of %d target%s within %d s (%s), waiting since %s; "
                            + "collection and detection go on, snapshots are skipped until the broker is back "
                            + "(anomaly events wait in the outbox)", affected.size(), affected.size() == 1 ? "" : "s",
                    timeout.toSeconds(), String.join(", ", affected), seconds(since));
        }
    }

    private void count(String target, String outcome) {
        Counter.builder(METER).tag("target", target).tag("outcome", outcome)
                .description("Snapshots by outcome: published (acknowledged by Kafka), failed (not acknowledged in "
                        + "time or refused), skipped (the previous one still awaited its acknowledgement)")
                .register(meters).increment();
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof io.smallrye.mutiny.TimeoutException || t instanceof TimeoutException
                    || t instanceof org.apache.kafka.common.errors.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static Instant seconds(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS);
    }
}
