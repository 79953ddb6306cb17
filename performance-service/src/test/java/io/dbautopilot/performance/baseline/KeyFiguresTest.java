package io.dbautopilot.performance.baseline;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.CycleResult;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key figures when the latest cycle lacks a family: the figure is captured at its last known value with that
 * value's time. Cycles of a target {@code gaps} (not collected: its cycles are fed here, through the same
 * LatestSnapshots and cycle observer as the collector's) where the {@code database} family ran, then failed; and
 * the real {@code demo} target, whose figures all carry a time.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class KeyFiguresTest {

    @Inject
    LatestSnapshots latest;

    @Inject
    KeyFigures figures;

    @Inject
    BaselineStore store;

    private void cycle(String target, Instant at, Map<String, FamilyStatus> statuses, Map<String, List<MetricPoint>> points) {
        List<FamilyResult> results = new ArrayList<>();
        statuses.forEach((family, status) -> results.add(new FamilyResult(family, status, 1,
                status == FamilyStatus.FAILED ? "timeout" : null)));
        List<MetricPoint> all = new ArrayList<>();
        points.values().forEach(all::addAll);
        all.add(MetricPoint.of("pg_up", 1));
        Map<String, List<MetricPoint>> byFamily = new java.util.HashMap<>(points);
        byFamily.put(CycleResult.CYCLE, List.of(MetricPoint.of("pg_up", 1)));
        CycleResult result = new CycleResult(new MetricSnapshot(target, at, 1, results, Map.of(), all), byFamily);
        latest.accept(result);
        figures.onCycle(result);
    }

    @Test
    void aFigureWhoseFamilyFailedInTheLatestCycleIsCapturedAtItsLastKnownValueAndTime() {
        Instant t1 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(120);
        Instant t2 = t1.plusSeconds(60);
        cycle("gaps", t1, Map.of("database", FamilyStatus.RAN, "activity", FamilyStatus.RAN), Map.of(
                "database", List.of(new MetricPoint("pg_stat_database_tps", Map.of("datname", "app"), 12.5)),
                "activity", List.of(MetricPoint.of("pg_connections_used", 5))));
        cycle("gaps", t2, Map.of("database", FamilyStatus.FAILED, "activity", FamilyStatus.RAN), Map.of(
                "activity", List.of(MetricPoint.of("pg_connections_used", 7))));
        assertTrue(latest.current("gaps").stream().noneMatch(p -> p.name().equals("pg_stat_database_tps")),
                "the failed family's values are gone from the current values");

        KeyFigures.Taken taken = figures.now("gaps").orElseThrow();
        assertEquals(t2, taken.snapshotAt());
        assertEquals(12.5, taken.figures().get("tps"), "last known value");
        assertEquals(t1, taken.figuresAt().get("tps"), "read in the first cycle");
        assertEquals(7.0, taken.figures().get("connections_used"));
        assertEquals(t2, taken.figuresAt().get("connections_used"));
        assertFalse(taken.figures().containsKey("xid_age"), "never known");

        Baseline b = new Baseline("gaps", "gap-" + System.nanoTime(), Instant.now().truncatedTo(ChronoUnit.MILLIS),
                taken.snapshotAt(), "test", null, taken.figures(), taken.figuresAt());
        assertTrue(store.insert(b));
        Baseline read = store.get("gaps", b.name()).orElseThrow();
        assertEquals(t1, read.figuresAt().get("tps"));
        assertEquals(12.5, read.figures().get("tps"));
    }

    @Test
    void everyFigureOfARealTargetCarriesTheTimeItWasRead() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> figures.now("demo")
                .filter(t -> t.figures().containsKey("tps") && t.figures().containsKey("dead_tuples")).isPresent());
        KeyFigures.Taken taken = figures.now("demo").orElseThrow();
        assertEquals(taken.figures().keySet(), taken.figuresAt().keySet());
        assertTrue(taken.figuresAt().values().stream().noneMatch(at -> at.isAfter(taken.snapshotAt())), taken.toString());
    }
}
