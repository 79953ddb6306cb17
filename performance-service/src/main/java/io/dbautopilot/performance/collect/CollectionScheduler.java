package io.dbautopilot.performance.collect;

import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.publish.SnapshotPublisher;
import io.dbautopilot.performance.state.TargetStatusStore;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a collection cycle per target on that target's interval: collect, publish, record. A cycle still running
 * when the next is due is skipped (never piled up), and one target's cycle never waits for another's.
 */
@ApplicationScoped
public class CollectionScheduler {

    private static final Logger LOG = Logger.getLogger(CollectionScheduler.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private final TargetsConfig config;
    private final SnapshotCollector collector;
    private final SnapshotPublisher publisher;
    private final TargetStatusStore status;
    private final Scheduler scheduler;
    private final Map<String, MetricSnapshot> latest = new ConcurrentHashMap<>();

    public CollectionScheduler(TargetsConfig config, SnapshotCollector collector, SnapshotPublisher publisher,
                               TargetStatusStore status, Scheduler scheduler) {
        this.config = config;
        this.collector = collector;
        this.publisher = publisher;
        this.status = status;
        this.scheduler = scheduler;
    }

    void onStart(@Observes StartupEvent event) {
        config.targets().forEach((id, target) -> TargetConnections.connectOptions(id, target)); // fail fast on bad URLs
        if (config.targets().isEmpty()) {
            LOG.warn("No targets configured: set autopilot.targets.<id>.url (in application.properties, a config file "
                    + "or a -D system property) to start collecting.");
        }
        config.targets().forEach((id, target) -> {
            scheduler.newJob("collect-" + id)
                    .setInterval(target.interval().toString())
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setAsyncTask(execution -> cycle(id))
                    .schedule();
            LOG.infof("Collecting target %s every %s", id, target.interval());
        });
    }

    /** One full cycle for one target; completes when the outcome has been recorded. */
    public Uni<Void> cycle(String targetId) {
        return collector.collect(targetId)
                .invoke(snapshot -> latest.put(targetId, snapshot))
                .chain(snapshot -> publisher.publish(snapshot)
                        .ifNoItem().after(PUBLISH_TIMEOUT).fail()
                        .chain(eventId -> status.record(snapshot, eventId, null))
                        .onFailure().call(e -> {
                            LOG.warnf("Snapshot of %s not published: %s", targetId, e.getMessage());
                            return status.record(snapshot, null, String.valueOf(e.getMessage()));
                        }))
                .onFailure().invoke(e -> LOG.warnf("Cycle for %s failed: %s", targetId, e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** The most recent snapshot of a target, if a cycle has run. */
    public MetricSnapshot latest(String targetId) {
        return latest.get(targetId);
    }
}
