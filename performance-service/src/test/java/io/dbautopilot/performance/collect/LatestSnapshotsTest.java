package io.dbautopilot.performance.collect;

import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Per-database families keep the values of databases not visited this cycle (first runs spread, budget cuts). */
class LatestSnapshotsTest {

    private final Instant t0 = Instant.parse("2026-12-03T10:00:00Z");

    private static MetricPoint live(String db, double v) {
        return new MetricPoint("pg_stat_user_tables_n_live_tup", Map.of("datname", db, "relname", "t"), v);
    }

    private static CycleResult cycle(Instant at, Set<String> databases, List<FamilyResult> results,
                                     List<MetricPoint> tables) {
        List<MetricPoint> all = new java.util.ArrayList<>(tables);
        all.add(MetricPoint.of("pg_up", 1));
        return new CycleResult(new MetricSnapshot("t", at, 1, results, Map.of(), all),
                Map.of("tables", tables, CycleResult.CYCLE, List.of(MetricPoint.of("pg_up", 1))), databases,
                Set.of("tables"));
    }

    private static List<String> databasesWithValues(LatestSnapshots latest) {
        return latest.current("t").stream().filter(p -> p.name().startsWith("pg_stat_user_tables"))
                .map(p -> p.labels().get("datname") + "=" + (int) p.value()).sorted().toList();
    }

    @Test
    void aDatabaseNotVisitedKeepsItsValuesOneThatFailedOrIsGoneLosesThem() {
        LatestSnapshots latest = new LatestSnapshots();
        FamilyResult ran = new FamilyResult("tables", FamilyStatus.RAN, 1, null);
        latest.accept(cycle(t0, Set.of("a", "b", "c"), List.of(ran), List.of(live("a", 1), live("b", 2), live("c", 3))));
        latest.accept(cycle(t0.plusSeconds(15), Set.of("a", "b", "c"), List.of(ran,
                new FamilyResult("tables", FamilyStatus.SKIPPED, 0, "cycle budget spent", "c")), List.of(live("a", 10))));
        assertEquals(List.of("a=10", "b=2", "c=3"), databasesWithValues(latest), "b not due, c skipped: both kept");
        latest.accept(cycle(t0.plusSeconds(30), Set.of("a", "b"), List.of(ran,
                new FamilyResult("tables", FamilyStatus.FAILED, 0, "boom", "b")), List.of(live("a", 11))));
        assertEquals(List.of("a=11"), databasesWithValues(latest), "b failed, c was dropped");
    }
}
