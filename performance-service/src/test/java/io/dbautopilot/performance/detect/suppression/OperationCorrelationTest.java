package io.dbautopilot.performance.detect.suppression;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.OperationState;
import io.dbautopilot.performance.detect.AnomalyDetector;
import io.dbautopilot.performance.detect.AnomalyEvents;
import io.dbautopilot.performance.detect.lifecycle.AnomalyLifecycle;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStatus;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
import io.dbautopilot.performance.operations.OperationEvents;
import io.dbautopilot.performance.operations.OperationTimeline;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Suppression by correlation: operation events published on the real {@code autopilot.operations.v1} (as the
 * automation service does) reach the operations timeline; while a reindex runs, lock waits it predictably causes are
 * held; published if they outlive it (plus the grace), never if they end first; unrelated rules are not held.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class OperationCorrelationTest {

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    AnomalyDetector detector;

    @Inject
    AnomalyStore store;

    @Inject
    OperationTimeline timeline;

    @Inject
    CorrelationConfig config;

    private static List<MetricPoint> waiting(int sessions) {
        return List.of(MetricPoint.of("pg_up", 1), MetricPoint.of("pg_stat_activity_waiting_on_lock_count", sessions));
    }

    @Test
    void lockWaitsDuringAReindexAreHeldAndPublishedOnlyIfTheyOutliveIt() throws Exception {
        String target = "corr-" + System.nanoTime();
        UUID op = UUID.randomUUID();
        String fp = AnomalyLifecycle.fingerprint("lock_waits", target, null);
        try (OperationEvents ops = new OperationEvents(kafka.bootstrapServers());
             AnomalyEvents topic = new AnomalyEvents(kafka.bootstrapServers())) {
            ops.publish(OperationEvents.event(op, target, "reindex", OperationState.STARTED, null,
                    Map.of("object", "public.orders_pkey")));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !timeline.running(target).isEmpty());

            assertEquals(List.of(), detector.detect(target, waiting(3), Instant.now()), "held while the reindex runs");
            AnomalyRecord held = store.get(fp).orElseThrow();
            assertEquals(AnomalyStatus.OPEN, held.status());
            assertEquals("operation:reindex:" + op, held.silencedBy());
            // An unrelated rule is not held by a reindex.
            List<AnomalyEvent> down = detector.detect(target, List.of(MetricPoint.of("pg_up", 0)), Instant.now());
            assertTrue(down.stream().anyMatch(e -> e.detector().equals("target_down") && e.state() == AnomalyState.OPENED),
                    down.toString());

            ops.publish(OperationEvents.event(op, target, "reindex", OperationState.SUCCEEDED, 1.0, Map.of("object", "public.orders_pkey")));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> timeline.running(target).isEmpty());
            List<AnomalyEvent> inGrace = detector.detect(target, waiting(3), Instant.now());
            assertTrue(inGrace.stream().noneMatch(e -> e.fingerprint().equals(fp)), "within the grace after it: " + inGrace);
            List<AnomalyEvent> released = detector.detect(target, waiting(3),
                    Instant.now().plus(config.grace()).plusSeconds(5));
            assertEquals(1, released.size(), "outlived the operation: published " + released);
            assertEquals(AnomalyState.OPENED, released.get(0).state());
            assertEquals(fp, released.get(0).fingerprint());
            assertNull(store.get(fp).orElseThrow().silencedBy());
            topic.await(60, "the released lock_waits on the topic", r -> r.event().fingerprint().equals(fp));
        }
    }

    @Test
    void lockWaitsEndingBeforeTheOperationAreNeverPublished() throws Exception {
        String target = "corr-short-" + System.nanoTime();
        UUID op = UUID.randomUUID();
        String fp = AnomalyLifecycle.fingerprint("lock_waits", target, null);
        try (OperationEvents ops = new OperationEvents(kafka.bootstrapServers())) {
            ops.publish(OperationEvents.event(op, target, "create_index", OperationState.STARTED, null,
                    Map.of("object", "public.orders")));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !timeline.running(target).isEmpty());
            assertEquals(List.of(), detector.detect(target, waiting(2), Instant.now()));
            assertEquals(List.of(), detector.detect(target, waiting(0), Instant.now().plusSeconds(1)), "resolved while held");
            assertEquals(AnomalyStatus.RESOLVED, store.get(fp).orElseThrow().status());
            ops.publish(OperationEvents.event(op, target, "create_index", OperationState.SUCCEEDED, 1.0, Map.of()));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> timeline.running(target).isEmpty());
            assertEquals(List.of(), detector.detect(target, waiting(0), Instant.now().plus(Duration.ofMinutes(5))));
        }
    }

    @Test
    void objectsAndSubTypesRelate() {
        assertTrue(OperationCorrelation.related("public.orders", "demo_target.public.orders"));
        assertTrue(OperationCorrelation.related("demo_target.public.orders", "demo_target"));
        assertTrue(OperationCorrelation.related(null, "demo_target.public.orders"));
        assertTrue(OperationCorrelation.related("public.orders", null));
        assertFalse(OperationCorrelation.related("public.orders", "demo_target.public.customers"));
    }
}
