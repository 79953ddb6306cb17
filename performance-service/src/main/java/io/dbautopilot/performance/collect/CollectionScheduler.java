package io.dbautopilot.performance.collect;

import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.host.HostCollector;
import io.dbautopilot.performance.publish.SnapshotPublisher;
import io.dbautopilot.performance.state.TargetStatusStore;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Runs a collection cycle per target on that target's tick: collect, keep as latest (served on /q/metrics),
 * announce the {@link CycleResult} to asynchronous observers (detection, advice), publish, record. A cycle still running when the next is due is skipped (never piled up), and one target's cycle
 * never waits for another's.
 */
@ApplicationScoped
public class CollectionScheduler {

    private static final Logger LOG = Logger.getLogger(CollectionScheduler.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private final TargetsConfig config;
    private final TargetRegistry targets;
    private final FamilyCatalog catalog;
    private final SnapshotCollector collector;
    private final LatestSnapshots latest;
    private final SnapshotPublisher publisher;
    private final TargetStatusStore status;
    private final HostCollector host;
    private final Scheduler scheduler;
    private final Event<CycleResult> cycles;

    public CollectionScheduler(TargetsConfig config, TargetRegistry targets, FamilyCatalog catalog,
                               SnapshotCollector collector, LatestSnapshots latest,
                               SnapshotPublisher publisher, TargetStatusStore status, HostCollector host,
                               Scheduler scheduler, Event<CycleResult> cycles) {
        this.config = config;
        this.targets = targets;
        this.catalog = catalog;
        this.collector = collector;
        this.latest = latest;
        this.publisher = publisher;
        this.status = status;
        this.host = host;
        this.scheduler = scheduler;
        this.cycles = cycles;
    }

    void onStart(@Observes StartupEvent event) {
        config.targets().forEach(TargetConnections::connectOptions); // fail fast on bad URLs, naming the setting
        catalog.validate();
        if (config.targets().isEmpty()) {
            LOG.warn("No targets configured: set autopilot.targets.<id>.url (in application.properties, a config file "
                    + "or a -D system property) to start collecting.");
        }
        for (TargetRuntime target : targets.all()) {
            boolean withHost = host.enabledFor(target); // resolves the host name once, off the event loop
            scheduler.newJob("collect-" + target.id())
                    .setInterval(target.config().interval().toString())
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setAsyncTask(execution -> cycle(target.id()))
                    .schedule();
            LOG.infof("Collecting target %s every %s%s", target.id(), target.config().interval(),
                    withHost ? " with host metrics" : "");
        }
    }

    /** One full cycle for one target; completes when the outcome has been recorded. */
    public Uni<Void> cycle(String targetId) {
        TargetRuntime target = targets.get(targetId)
                .orElseThrow(() -> new IllegalArgumentException("unknown target " + targetId));
        return collector.collect(target)
                // merging tens of thousands of series is CPU work: keep it off the event loop
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .invoke(result -> {
                    latest.accept(result);
                    // detection and advice observe finished cycles asynchronously, on worker threads
                    cycles.fireAsync(result).exceptionally(e -> {
                        LOG.warnf("A cycle observer failed for %s: %s", targetId, e.getMessage());
                        return null;
                    });
                })
                .map(CycleResult::snapshot)
                .chain(snapshot -> publish(targetId, snapshot))
                .onFailure().invoke(e -> LOG.warnf("Cycle for %s failed: %s", targetId, e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Void> publish(String targetId, MetricSnapshot snapshot) {
        return publisher.publish(snapshot)
                .ifNoItem().after(PUBLISH_TIMEOUT).fail()
                .chain(eventId -> status.record(snapshot, eventId, null))
                .onFailure().call(e -> {
                    LOG.warnf("Snapshot of %s not published: %s", targetId, e.getMessage());
                    return status.record(snapshot, null, String.valueOf(e.getMessage()));
                });
    }
}
