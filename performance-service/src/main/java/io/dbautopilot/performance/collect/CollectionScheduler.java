package io.dbautopilot.performance.collect;

import io.dbautopilot.performance.canary.CanaryRecency;
import io.dbautopilot.performance.engine.Engines;

import io.dbautopilot.performance.collect.host.HostCollector;
import io.dbautopilot.performance.publish.SnapshotDelivery;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;


/**
 * Runs a collection cycle per target on that target's tick: collect, keep as latest (served on /q/metrics),
 * announce the {@link CycleResult} to asynchronous observers (detection, advice), hand the snapshot to
 * {@link SnapshotDelivery} (which records the cycle and never holds it for Kafka's acknowledgement). A cycle still running when the next is due is skipped (never piled up), and one target's cycle
 * never waits for another's.
 */
@ApplicationScoped
public class CollectionScheduler {

    private static final Logger LOG = Logger.getLogger(CollectionScheduler.class);

    private final TargetsConfig config;
    private final TargetRegistry targets;
    private final FamilyCatalog catalog;
    private final Engines engines;
    private final BackupRecency backups;
    private final CanaryRecency canary;
    private final LatestSnapshots latest;
    private final SnapshotDelivery delivery;
    private final HostCollector host;
    private final Scheduler scheduler;
    private final Event<CycleResult> cycles;

    public CollectionScheduler(TargetsConfig config, TargetRegistry targets, FamilyCatalog catalog,
                               Engines engines, BackupRecency backups,
                               CanaryRecency canary, LatestSnapshots latest,
                               SnapshotDelivery delivery, HostCollector host,
                               Scheduler scheduler, Event<CycleResult> cycles) {
        this.config = config;
        this.targets = targets;
        this.catalog = catalog;
        this.engines = engines;
        this.backups = backups;
        this.canary = canary;
        this.latest = latest;
        this.delivery = delivery;
        this.host = host;
        this.scheduler = scheduler;
        this.cycles = cycles;
    }

    void onStart(@Observes StartupEvent event) {
        // fail fast on bad URLs and engines without a collector, naming the setting
        config.targets().forEach((id, target) -> {
            try {
                var collector = engines.requireCollector(Engines.of(target));
                collector.validate(id, target);
                java.util.Set<String> known = collector.familyNames();
                java.util.List<String> named = new java.util.ArrayList<>(target.familyIntervals().keySet());
                named.addAll(target.disabledFamilies().orElse(java.util.List.of()));
                named.stream().filter(f -> !known.contains(f)).findFirst().ifPresent(f -> {
                    throw new IllegalArgumentException("names unknown family '" + f + "'; known families: " + known);
                });
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("autopilot.targets." + id + ": " + e.getMessage(), e);
            }
        });
        catalog.validate();
        java.time.Duration publishTimeout = config.collection().publishTimeout();
        if (publishTimeout.isNegative() || publishTimeout.isZero()) {
            throw new IllegalArgumentException("autopilot.collection.publish-timeout: must be positive, was "
                    + publishTimeout);
        }
    }

    /** Starts collecting a target this instance now owns. */
    void onAcquired(@Observes TargetRegistry.Acquired acquired) {
        TargetRuntime target = acquired.target();
        boolean withHost = host.enabledFor(target); // resolves the host name once, off the event loop
        scheduler.newJob(jobId(target.id()))
                .setInterval(target.config().interval().toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> cycle(target.id()))
                .schedule();
        LOG.infof("Collecting target %s every %s%s", target.id(), target.config().interval(),
                withHost ? " with host metrics" : "");
    }

    /** Stops collecting a target this instance gives up (a cycle in flight finishes; the registry waits for it). */
    void onReleasing(@Observes TargetRegistry.Releasing releasing) {
        scheduler.unscheduleJob(jobId(releasing.id()));
        LOG.infof("Stopped collecting target %s", releasing.id());
    }

    /** Whether a collection job is scheduled for a target. */
    public boolean scheduled(String targetId) {
        return scheduler.getScheduledJob(jobId(targetId)) != null;
    }

    private static String jobId(String targetId) {
        return "collect-" + targetId;
    }

    /** One full cycle for one target; completes when the cycle has been recorded (not when Kafka acknowledged it). */
    public Uni<Void> cycle(String targetId) {
        if (!targets.begin(targetId)) {
            return Uni.createFrom().voidItem(); // released since the job fired
        }
        TargetRuntime target = targets.get(targetId).orElse(null);
        if (target == null) {
            targets.end(targetId);
            return Uni.createFrom().voidItem();
        }
        return engines.requireCollector(Engines.of(target.config())).collect(target)
                // merging tens of thousands of series is CPU work: keep it off the event loop
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(backups::enrich)
                .map(canary::enrich)
                .invoke(result -> {
                    latest.accept(result);
                    // detection and advice observe finished cycles asynchronously, on worker threads; the target
                    // is not handed to another instance before they are done
                    targets.hold(targetId);
                    cycles.fireAsync(result).whenComplete((r, e) -> targets.end(targetId)).exceptionally(e -> {
                        LOG.warnf("A cycle observer failed for %s: %s", targetId, e.getMessage());
                        return null;
                    });
                })
                .map(CycleResult::snapshot)
                .chain(delivery::deliver)
                .onFailure().invoke(e -> LOG.warnf("Cycle for %s failed: %s", targetId, e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid()
                .onTermination().invoke(() -> targets.end(targetId));
    }
}
