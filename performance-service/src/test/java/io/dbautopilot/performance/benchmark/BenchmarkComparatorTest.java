package io.dbautopilot.performance.benchmark;

import io.dbautopilot.model.BenchmarkEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Throughput regresses when it falls, latency when it rises, each past its own threshold; bookkeeping is not compared. */
class BenchmarkComparatorTest {

    private static BenchmarkConfig config(Map<String, Double> overrides) {
        return new BenchmarkConfig() {
            public Duration stepDuration() { return Duration.ofSeconds(10); }
            public Duration maxStepDuration() { return Duration.ofMinutes(5); }
            public java.util.Optional<Integer> scale() { return java.util.Optional.of(1); }
            public int clients() { return 16; }
            public Duration timeout() { return Duration.ofMinutes(15); }
            public double regressionThreshold() { return 0.2; }
            public boolean confirmRegressions() { return true; }
            public Map<String, Double> metricThresholds() { return overrides; }
            public Duration staleAfter() { return Duration.ofMinutes(2); }
            public int history() { return 20; }
            public Duration relayInterval() { return Duration.ofSeconds(1); }
            public int relayBatch() { return 100; }
            public Duration publishTimeout() { return Duration.ofSeconds(10); }
            public List<Integer> poolClients() { return List.of(1, 4, 16, 64); }
            public int connectionHeadroom() { return 5; }
            public double kneeGrowth() { return 0.1; }
            public Duration sustainedDuration() { return Duration.ofSeconds(60); }
            public int multiRowInsertRows() { return 100; }
        };
    }

    private static BenchmarkEvent.Step step(String name, Map<String, Double> metrics) {
        return new BenchmarkEvent.Step(name, "write_tps", 1, 1, metrics);
    }

    @Test
    void directionAndPerMetricThresholdsDecide() {
        BenchmarkComparator comparator = new BenchmarkComparator(config(Map.of("latency_p99_ms", 0.5)));
        List<BenchmarkComparator.Change> changes = comparator.compare(
                List.of(step("tpcb_1", Map.of("tps", 1000.0, "latency_p50_ms", 1.0, "latency_p99_ms", 2.0, "rows", 10.0)),
                        step("copy", Map.of("rows_per_second", 100_000.0))),
                List.of(step("tpcb_1", Map.of("tps", 790.0, "latency_p50_ms", 1.1, "latency_p99_ms", 2.8, "rows", 1.0)),
                        step("copy", Map.of("rows_per_second", 150_000.0))));

        assertEquals(4, changes.size(), "rows is bookkeeping, not compared: " + changes);
        BenchmarkComparator.Change tps = find(changes, "tpcb_1", "tps");
        assertTrue(tps.regressed(), "21 % fewer TPS past 20 %");
        assertEquals(-0.21, tps.change(), 1e-9);
        assertFalse(find(changes, "tpcb_1", "latency_p50_ms").regressed(), "10 % slower is within 20 %");
        BenchmarkComparator.Change p99 = find(changes, "tpcb_1", "latency_p99_ms");
        assertEquals(0.5, p99.threshold());
        assertFalse(p99.regressed(), "40 % slower p99 is within its own 50 %");
        assertFalse(find(changes, "copy", "rows_per_second").regressed(), "more rows per second is better");
    }

    @Test
    void stepsMissingFromTheBaselineOrZeroBaselinesAreNotCompared() {
        BenchmarkComparator comparator = new BenchmarkComparator(config(Map.of()));
        assertEquals(List.of(), comparator.compare(List.of(step("tpcb_1", Map.of("tps", 0.0))),
                List.of(step("tpcb_1", Map.of("tps", 10.0)), step("copy", Map.of("rows_per_second", 5.0)))));
    }

    @Test
    void fewerConnectionsPerSecondAndSlowerConnectsRegressButComputedValuesAreNotCompared() {
        BenchmarkComparator comparator = new BenchmarkComparator(config(Map.of()));
        List<BenchmarkComparator.Change> changes = comparator.compare(
                List.of(step("connect", Map.of("connections_per_second", 400.0, "latency_p95_ms", 3.0)),
                        step("pool_scaling", Map.of("knee_clients", 16.0, "max_connections", 100.0)),
                        step("sustained_vs_peak", Map.of("sustained_to_peak_ratio", 0.95))),
                List.of(step("connect", Map.of("connections_per_second", 300.0, "latency_p95_ms", 4.0)),
                        step("pool_scaling", Map.of("knee_clients", 4.0, "max_connections", 100.0)),
                        step("sustained_vs_peak", Map.of("sustained_to_peak_ratio", 0.5))));

        assertEquals(2, changes.size(), "only the connect step's throughput and latency: " + changes);
        assertTrue(find(changes, "connect", "connections_per_second").regressed(), "25 % fewer connections/s");
        assertTrue(find(changes, "connect", "latency_p95_ms").regressed(), "33 % slower connects");
    }

    private static BenchmarkComparator.Change find(List<BenchmarkComparator.Change> changes, String step, String metric) {
        return changes.stream().filter(c -> c.step().equals(step) && c.metric().equals(metric)).findFirst().orElseThrow();
    }
}
