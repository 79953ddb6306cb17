package io.dbautopilot.performance.push;

import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.OperationEvent;
import io.dbautopilot.performance.benchmark.BenchmarkFeed;
import io.dbautopilot.performance.benchmark.BenchmarkMessage;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.dashboard.LiveFeed;
import io.dbautopilot.performance.dashboard.LiveSample;
import io.dbautopilot.performance.detect.lifecycle.AnomaliesApplied;
import io.dbautopilot.performance.operations.ObservedOperation;
import io.dbautopilot.performance.score.HealthReport;
import io.dbautopilot.performance.score.HealthScores;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Feeds the {@link PushHub} from the service's in-process sources, translating each into a {@link PushMessage}: the
 * dashboard's live samples ({@link LiveFeed}, one per target and cycle) with the slow statements and latest health
 * score added, the anomaly changes the store committed ({@link AnomaliesApplied}), the operation events read from
 * {@code autopilot.operations.v1} ({@link ObservedOperation}; partition operations also as partition status) and
 * benchmark progress ({@link BenchmarkFeed}). Nothing here waits: the hub only queues.
 */
@ApplicationScoped
public class PushSources {

    private static final Logger LOG = Logger.getLogger(PushSources.class);
    private static final String PARTITION_TYPES = "partition_";

    private final PushHub hub;
    private final LiveFeed live;
    private final BenchmarkFeed benchmarks;
    private final LatestSnapshots latest;
    private final HealthScores health;

    public PushSources(PushHub hub, LiveFeed live, BenchmarkFeed benchmarks, LatestSnapshots latest,
                       HealthScores health) {
        this.hub = hub;
        this.live = live;
        this.benchmarks = benchmarks;
        this.latest = latest;
        this.health = health;
    }

    void start(@Observes StartupEvent start) {
        follow("live samples", live.stream(), this::sample);
        follow("benchmark progress", benchmarks.stream(), this::benchmark);
    }

    /** Subscribes for good: a failed subscription (it cannot overflow: nothing here waits) is renewed. */
    private <T> void follow(String what, Multi<T> stream, Consumer<T> onItem) {
        stream.subscribe().with(item -> {
            try {
                onItem.accept(item);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Push of %s failed", what);
            }
        }, failure -> {
            LOG.warnf("Push lost its subscription to %s (%s): renewed", what, failure.getMessage());
            follow(what, stream, onItem);
        });
    }

    void sample(LiveSample s) {
        Integer score = null;
        String grade = null;
        Instant healthAt = null;
        HealthReport report = health.latest(s.target()).orElse(null);
        if (report != null) {
            score = report.score();
            grade = report.grade();
            healthAt = report.snapshotAt();
        }
        Double slow = s.reachable() ? sum(latest.current(s.target()), "pg_stat_statements_slow_count") : null;
        hub.publish(new PushMessage(PushMessage.DATABASE_PERFORMANCE, s.target(), s.at(), new PerformanceData(
                s.reachable(), s.tps(), s.cacheHitRatio(), s.connectionsUsed(), s.connectionsMax(), s.deadTuples(),
                s.replicationLagBytes(), s.replicationLagSeconds(), slow, score, grade, healthAt)));
    }

    void anomalies(@Observes AnomaliesApplied applied) {
        for (AnomalyEvent e : applied.events()) {
            hub.publish(new PushMessage(PushMessage.PERFORMANCE_ALERT, e.targetId(), e.occurredAt(), new AlertData(
                    e.fingerprint(), e.state().wire(), e.severity().wire(), e.detector(), e.object(), e.summary(),
                    e.sequence(), e.openedAt(), e.suggestedAction(), e.evidence())));
        }
    }

    void operation(@Observes ObservedOperation observed) {
        OperationEvent e = observed.event();
        String object = e.details().get("object") instanceof String o ? o : null;
        hub.publish(new PushMessage(PushMessage.OPERATION, e.targetId(), e.occurredAt(), new OperationData(
                e.operationId(), e.type(), e.state().wire(), observed.running(), e.progress(), object, e.reason(),
                e.startedAt(), e.finishedAt(), e.details())));
        if (e.type().startsWith(PARTITION_TYPES)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> effect = e.details().get("effect") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
            String coveredUntil = effect != null && effect.get("covered_until") != null
                    ? String.valueOf(effect.get("covered_until")) : null;
            hub.publish(new PushMessage(PushMessage.PARTITION_STATUS, e.targetId(), e.occurredAt(), new PartitionData(
                    e.operationId(), e.type(), e.state().wire(), object, coveredUntil, effect)));
        }
    }

    void benchmark(BenchmarkMessage m) {
        hub.publish(new PushMessage(PushMessage.PERFORMANCE_BENCHMARK, m.targetId(), m.at(), m));
    }

    private static Double sum(List<MetricPoint> points, String name) {
        Double total = null;
        for (MetricPoint p : points) {
            if (p.name().equals(name)) {
                total = total == null ? p.value() : total + p.value();
            }
        }
        return total;
    }
}
