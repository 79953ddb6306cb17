package io.dbautopilot.performance.detect.statistical;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.detect.AnomalyDetector;
import io.dbautopilot.performance.detect.AnomalyEvents;
import io.dbautopilot.performance.detect.lifecycle.AnomalyLifecycle;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStatus;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statistical detector inside the running service: a synthetic seasonal TPS series fed through
 * {@link AnomalyDetector} (the path every collection cycle takes) raises nothing over a week, a spike is published on
 * {@code autopilot.anomalies.v1}, and the baseline survives a restart through the state database.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class StatisticalDetectionTest {

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    AnomalyDetector detector;

    @Inject
    StatisticalDetector statistical;

    @Inject
    DetectorSeriesStore seriesStore;

    @Inject
    AnomalyStore store;

    private final Random noise = new Random(3);

    private List<MetricPoint> tps(Instant at, double factor) {
        double hour = at.atZone(ZoneOffset.UTC).getHour() + at.atZone(ZoneOffset.UTC).getMinute() / 60.0;
        double v = factor * (300 + 200 * Math.sin(2 * Math.PI * (hour - 8) / 24)) + noise.nextGaussian() * 10;
        return List.of(new MetricPoint("pg_stat_database_tps", Map.of("datname", "shop"), v), MetricPoint.of("pg_up", 1));
    }

    @Test
    void aWeekOfPatternPublishesNothingASpikeIsPublishedAndTheBaselineSurvivesARestart() throws Exception {
        String target = "synthetic-" + System.nanoTime();
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(8));
        Instant t = start;
        List<AnomalyEvent> events = new ArrayList<>();
        while (t.isBefore(start.plus(Duration.ofDays(8)).minus(Duration.ofHours(1)))) {
            events.addAll(detector.detect(target, tps(t, 1), t));
            t = t.plus(Duration.ofMinutes(10));
        }
        assertEquals(List.of(), events, "eight days of a daily pattern");
        assertTrue(seriesStore.bytes(target, StatisticalDetector.DETECTOR) >= 0);

        // Restart: the history goes to the state database and the in-memory one is dropped.
        statistical.persistAndForget(target);
        long bytes = seriesStore.bytes(target, StatisticalDetector.DETECTOR);
        System.out.printf("baseline history of one series after 8 days: %d bytes stored%n", bytes);
        assertTrue(bytes > 1000 && bytes < 16_000, "8 days of 10-minute readings of one series, stored: " + bytes + " B");

        try (AnomalyEvents topic = new AnomalyEvents(kafka.bootstrapServers())) {
            List<AnomalyEvent> spike = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                spike.addAll(detector.detect(target, tps(t, 4), t));
                t = t.plus(Duration.ofMinutes(5));
            }
            assertEquals(1, spike.size(), "the reloaded baseline judges at once (no new warm-up): " + spike);
            AnomalyEvent opened = spike.get(0);
            assertEquals("baseline_tps", opened.detector());
            assertEquals(AnomalyState.OPENED, opened.state());
            assertEquals(Severity.CRITICAL, opened.severity());
            assertEquals("shop", opened.object());
            assertEquals(AnomalyLifecycle.fingerprint("baseline_tps", target, "shop"), opened.fingerprint());
            assertTrue(opened.evidence().get("baseline_samples") >= 6, opened.evidence().toString());
            System.out.println("spike: " + opened.summary() + " " + opened.evidence());
            AnomalyEvent received = topic.await(60, "baseline_tps opened on the topic",
                    r -> r.key().equals(target) && r.event().fingerprint().equals(opened.fingerprint())).event();
            assertEquals(opened.sequence(), received.sequence());
            assertTrue(received.summary().contains("usual"), received.summary());
            assertEquals(AnomalyStatus.OPEN, store.get(opened.fingerprint()).orElseThrow().status());
        }
    }
}
