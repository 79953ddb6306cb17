package io.dbautopilot.performance.detect.lifecycle;

import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.detect.rules.LifecycleDriver;
import io.dbautopilot.performance.detect.rules.MetricCatalog;
import io.dbautopilot.performance.detect.rules.Rule;
import io.dbautopilot.performance.detect.rules.RuleLoader;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lifecycle on the real evaluator: for, hysteresis, escalation, cooldown, vanished objects, unknown values. */
class AnomalyLifecycleTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final RuleLoader loader = new RuleLoader(new MetricCatalog());

    private List<Rule> rules(String yaml) {
        return loader.parse("t", yaml).forTarget("db");
    }

    private static MetricPoint util(double v) {
        return MetricPoint.of("pg_connections_utilization_ratio", v);
    }

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void opensOnlyAfterTheBreachHeldForTheForDuration() {
        LifecycleDriver d = new LifecycleDriver("db", rules("""
                rules:
                  busy:
                    metric: pg_connections_utilization_ratio
                    thresholds: {warning: 0.8}
                    for: 30s
                """));
        assertTrue(d.cycle(at(0), util(0.9)).isEmpty());
        assertEquals(AnomalyStatus.PENDING, d.state.values().iterator().next().status());
        assertTrue(d.cycle(at(15), util(0.9)).isEmpty());
        assertTrue(d.cycle(at(20), util(0.5)).isEmpty(), "breach interrupted");
        assertTrue(d.state.isEmpty(), "a pending breach that never opened leaves nothing behind");
        assertTrue(d.cycle(at(25), util(0.9)).isEmpty());
        assertTrue(d.cycle(at(50), util(0.9)).isEmpty(), "only 25 s of the new breach");
        List<LifecycleDriver.Published> opened = d.cycle(at(55), util(0.9));
        assertEquals(1, opened.size());
        assertEquals(AnomalyState.OPENED, opened.get(0).state());
        assertEquals(at(55), opened.get(0).record().openedAt());
        assertEquals(Severity.WARNING, opened.get(0).record().severity());
        assertEquals(0.9, opened.get(0).record().evidence().get("pg_connections_utilization_ratio"));
    }

    @Test
    void aRuleHeldForCyclesOpensOnTheNthConsecutiveBreachWhateverTheTimeBetween() {
        LifecycleDriver d = new LifecycleDriver("db", rules("""
                rules:
                  down:
                    metric: pg_up
                    op: "<"
                    thresholds: {critical: 1}
                    for: 2 cycles
                    cooldown: 0s
                """));
        assertTrue(d.cycle(at(0), MetricPoint.of("pg_up", 0)).isEmpty(), "first breach: pending");
        assertTrue(d.cycle(at(1), MetricPoint.of("pg_up", 1)).isEmpty(), "interrupted");
        assertTrue(d.state.isEmpty());
        assertTrue(d.cycle(at(2), MetricPoint.of("pg_up", 0)).isEmpty(), "a new first breach");
        List<LifecycleDriver.Published> opened = d.cycle(at(3), MetricPoint.of("pg_up", 0));
        assertEquals(1, opened.size(), "opens on the second consecutive breach, 1 s later");
        assertEquals(AnomalyState.OPENED, opened.get(0).state());
        assertEquals(at(3), opened.get(0).record().openedAt());
        assertEquals(AnomalyState.RESOLVED, d.cycle(at(4), MetricPoint.of("pg_up", 1)).get(0).state());

        LifecycleDriver once = new LifecycleDriver("db", rules("""
                rules:
                  down:
                    metric: pg_up
                    op: "<"
                    thresholds: {critical: 1}
                    for: 1 cycle
                """));
        assertEquals(AnomalyState.OPENED, once.cycle(at(0), MetricPoint.of("pg_up", 0)).get(0).state(),
                "one cycle opens at the first breach");
    }

    @Test
    void aValueOscillatingBetweenResolveBoundAndThresholdDoesNotFlap() {
        LifecycleDriver d = new LifecycleDriver("db", rules("""
                rules:
                  busy:
                    metric: pg_connections_utilization_ratio
                    thresholds: {warning: 0.8}
                    cooldown: 0s
                """));
        assertEquals(AnomalyState.OPENED, d.cycle(at(0), util(0.85)).get(0).state());
        for (int i = 1; i <= 20; i++) {
            assertTrue(d.cycle(at(i), util(i % 2 == 0 ? 0.81 : 0.73)).isEmpty(), "cycle " + i);
        }
        List<LifecycleDriver.Published> resolved = d.cycle(at(21), util(0.72));
        assertEquals(1, resolved.size(), "at the resolve bound (90 % of 0.8) it resolves");
        assertEquals(AnomalyState.RESOLVED, resolved.get(0).state());
        assertEquals(2, d.published.size());
    }

    @Test
    void escalatesWhenSeverityRisesAndNotWhenItFalls() {
        LifecycleDriver d = new LifecycleDriver("db", rules("""
                rules:
                  busy:
                    metric: pg_connections_utilization_ratio
                    thresholds: {warning: 0.8, critical: 0.9, emergency: 0.99}
                """));
        assertEquals(AnomalyState.OPENED, d.cycle(at(0), util(0.85)).get(0).state());
        List<LifecycleDriver.Published> up = d.cycle(at(1), util(0.95));
        assertEquals(AnomalyState.ESCALATED, up.get(0).state());
        assertEquals(Severity.CRITICAL, up.get(0).record().severity());
        assertTrue(d.cycle(at(2), util(0.85)).isEmpty(), "falling back to warning is not an event");
        assertTrue(d.cycle(at(3), util(0.95)).isEmpty(), "critical again: already at critical");
        List<LifecycleDriver.Published> top = d.cycle(at(4), util(1.0));
        assertEquals(AnomalyState.ESCALATED, top.get(0).state());
        assertEquals(Severity.EMERGENCY, top.get(0).record().severity());
        assertEquals(at(0), top.get(0).record().openedAt());
        String fp = up.get(0).record().fingerprint();
        assertEquals(fp, top.get(0).record().fingerprint(), "one identity from opened to escalated");
    }

    @Test
    void aNewBreachWithinTheCooldownIsIgnoredAndReopensAfterIt() {
        LifecycleDriver d = new LifecycleDriver("db", rules("""
                rules:
                  busy:
                    metric: pg_connections_utilization_ratio
                    thresholds: {warning: 0.8}
                    cooldown: 60s
                """));
        d.cycle(at(0), util(0.9));
        assertEquals(AnomalyState.RESOLVED, d.cycle(at(10), util(0.1)).get(0).state());
        assertTrue(d.cycle(at(30), util(0.9)).isEmpty(), "within cooldown");
        List<LifecycleDriver.Published> again = d.cycle(at(71), util(0.9));
        assertEquals(AnomalyState.OPENED, again.get(0).state());
        assertEquals(at(71), again.get(0).record().openedAt());
    }

    @Test
    void objectsAreSeparateAnomaliesAndAVanishedObjectResolvesButAMissingFamilyChangesNothing() {
        LifecycleDriver d = new LifecycleDriver("db", rules("""
                rules:
                  dead_tuples:
                    metric: pg_stat_user_tables_dead_tuple_ratio
                    require: [{metric: pg_stat_user_tables_n_dead_tup, op: ">", value: 100}]
                    thresholds: {warning: 0.2}
                    action: vacuum
                    object: [datname, schemaname, relname]
                """));
        List<LifecycleDriver.Published> opened = d.cycle(List.of(
                table("a", "pg_stat_user_tables_dead_tuple_ratio", 0.5), table("a", "pg_stat_user_tables_n_dead_tup", 500),
                table("b", "pg_stat_user_tables_dead_tuple_ratio", 0.6), table("b", "pg_stat_user_tables_n_dead_tup", 50),
                table("c", "pg_stat_user_tables_dead_tuple_ratio", 0.7), table("c", "pg_stat_user_tables_n_dead_tup", 700)),
                at(0));
        assertEquals(2, opened.size(), "b has too few dead tuples: " + opened);
        assertEquals(List.of("app.public.a", "app.public.c"), opened.stream().map(p -> p.record().object()).sorted().toList());
        assertEquals("vacuum", opened.get(0).record().suggestedAction());
        assertNotEquals(opened.get(0).record().fingerprint(), opened.get(1).record().fingerprint());
        assertEquals(500.0, opened.stream().filter(p -> p.record().object().endsWith(".a")).findFirst().orElseThrow()
                .record().evidence().get("pg_stat_user_tables_n_dead_tup"));

        assertTrue(d.cycle(List.of(MetricPoint.of("pg_up", 0)), at(5)).isEmpty(), "tables family absent: nothing known");

        List<LifecycleDriver.Published> gone = d.cycle(List.of(
                table("a", "pg_stat_user_tables_dead_tuple_ratio", 0.5), table("a", "pg_stat_user_tables_n_dead_tup", 500)),
                at(10));
        assertEquals(1, gone.size());
        assertEquals(AnomalyState.RESOLVED, gone.get(0).state());
        assertEquals("app.public.c", gone.get(0).record().object());
    }

    @Test
    void aMetricThatVanishesWhileItsFamilyStillReportsMeansTheObjectIsGone() {
        LifecycleDriver d = new LifecycleDriver("db", rules("""
                rules:
                  invalid_index:
                    metric: pg_index_invalid
                    thresholds: {warning: 0}
                    action: drop_index
                    object: [datname, schemaname, indexrelname]
                """));
        d.familyOf = m -> m.startsWith("pg_index") ? "indexes" : null;
        MetricPoint invalid = new MetricPoint("pg_index_invalid",
                Map.of("datname", "app", "schemaname", "public", "indexrelname", "i_ccnew"), 1);
        MetricPoint count = new MetricPoint("pg_indexes_count", Map.of("datname", "app"), 3);
        assertEquals(AnomalyState.OPENED, d.cycle(at(0), invalid, count).get(0).state());
        assertTrue(d.cycle(at(1), MetricPoint.of("pg_up", 1)).isEmpty(), "indexes family absent: unknown, stays open");
        List<LifecycleDriver.Published> gone = d.cycle(at(2), count);
        assertEquals(AnomalyState.RESOLVED, gone.get(0).state(), "family ran without the invalid index: dropped");
    }

    @Test
    void ratesNeedTwoReadingsAndIgnoreResets() {
        LifecycleDriver d = new LifecycleDriver("db", rules("""
                rules:
                  deadlocks:
                    metric: rate(pg_stat_database_deadlocks)
                    thresholds: {warning: 0.5}
                    resolve: 0
                    cooldown: 0s
                    object: [datname]
                """));
        assertTrue(d.cycle(at(0), db("pg_stat_database_deadlocks", 10)).isEmpty());
        List<LifecycleDriver.Published> opened = d.cycle(at(10), db("pg_stat_database_deadlocks", 20));
        assertEquals(1.0, opened.get(0).record().value(), 1e-9);
        assertTrue(d.cycle(at(20), db("pg_stat_database_deadlocks", 21)).isEmpty(), "0.1/s: between resolve and threshold");
        assertTrue(d.cycle(at(30), db("pg_stat_database_deadlocks", 3)).isEmpty(), "counter reset: no rate");
        assertEquals(AnomalyState.RESOLVED, d.cycle(at(40), db("pg_stat_database_deadlocks", 3)).get(0).state());
    }

    @Test
    void belowRulesFireBelowAndResolveAtTheirBound() {
        LifecycleDriver d = new LifecycleDriver("db", rules("""
                rules:
                  target_down:
                    metric: pg_up
                    op: "<"
                    thresholds: {critical: 1}
                    cooldown: 0s
                """));
        List<LifecycleDriver.Published> down = d.cycle(at(0), MetricPoint.of("pg_up", 0));
        assertEquals(AnomalyState.OPENED, down.get(0).state());
        assertEquals(Severity.CRITICAL, down.get(0).record().severity());
        assertNull(down.get(0).record().object());
        assertEquals(AnomalyState.RESOLVED, d.cycle(at(1), MetricPoint.of("pg_up", 1)).get(0).state());
    }

    private static MetricPoint table(String rel, String name, double v) {
        return new MetricPoint(name, Map.of("datname", "app", "schemaname", "public", "relname", rel), v);
    }

    private static MetricPoint db(String name, double v) {
        return new MetricPoint(name, Map.of("datname", "app"), v);
    }
}
