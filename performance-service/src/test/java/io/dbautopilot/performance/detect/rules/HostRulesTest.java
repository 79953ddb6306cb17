package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped host rules, fed injected host readings through the same evaluator and lifecycle as every rule. */
class HostRulesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final double GIB = 1024.0 * 1024 * 1024;

    private LifecycleDriver shipped() throws Exception {
        return new LifecycleDriver("db", new RuleLoader(new MetricCatalog()).parse("default-rules.yaml",
                RuleLoaderTest.shipped()).forTarget("db"));
    }

    private static List<MetricPoint> host(double idle, double iowait, double availableGib, double swapUsedGib,
                                          double dataUsed, double load5) {
        List<MetricPoint> p = new ArrayList<>();
        p.add(MetricPoint.of("host_cpu_idle_ratio", idle));
        p.add(MetricPoint.of("host_cpu_iowait_ratio", iowait));
        p.add(MetricPoint.of("host_cpu_count", 4));
        p.add(MetricPoint.of("host_load5", load5));
        p.add(MetricPoint.of("host_memory_total_bytes", 16 * GIB));
        p.add(MetricPoint.of("host_memory_available_bytes", availableGib * GIB));
        p.add(MetricPoint.of("host_swap_total_bytes", 4 * GIB));
        p.add(MetricPoint.of("host_swap_used_bytes", swapUsedGib * GIB));
        p.add(new MetricPoint("host_filesystem_used_ratio", Map.of("mountpoint", "/data"), dataUsed));
        p.add(new MetricPoint("host_filesystem_used_ratio", Map.of("mountpoint", "/"), 0.3));
        return p;
    }

    @Test
    void healthyHostReadingsRaiseNothing() throws Exception {
        LifecycleDriver d = shipped();
        for (int i = 0; i <= 3600; i += 60) {
            assertTrue(d.cycle(host(0.7, 0.01, 8, 0, 0.4, 1), T0.plusSeconds(i)).isEmpty());
        }
    }

    @Test
    void stressedHostOpensEachHostRuleAfterItsForDurationAndResolves() throws Exception {
        LifecycleDriver d = shipped();
        List<MetricPoint> stressed = host(0.03, 0.6, 0.5, 3.5, 0.96, 20);
        for (int i = 0; i <= 16 * 60; i += 60) {
            d.cycle(stressed, T0.plusSeconds(i));
        }
        Map<String, Severity> opened = new java.util.TreeMap<>();
        d.published.stream().filter(p -> p.state() == AnomalyState.OPENED)
                .forEach(p -> opened.put(p.record().rule() + (p.record().object() == null ? "" : "@" + p.record().object()),
                        p.record().severity()));
        assertEquals(Map.of("host_cpu_high", Severity.CRITICAL, "host_iowait_high", Severity.CRITICAL,
                "host_memory_low", Severity.CRITICAL, "host_swap_high", Severity.CRITICAL,
                "host_disk_full@/data", Severity.EMERGENCY, "host_load_high", Severity.CRITICAL), opened);
        LifecycleDriver.Published memory = d.published.stream().filter(p -> p.record().rule().equals("host_memory_low"))
                .findFirst().orElseThrow();
        assertEquals(T0.plusSeconds(300), memory.record().openedAt(), "host_memory_low holds for 5m first");
        assertEquals(0.5 / 16, memory.record().value(), 1e-9);

        d.published.clear();
        d.cycle(host(0.7, 0.01, 8, 0, 0.4, 1), T0.plusSeconds(20 * 60));
        assertEquals(6, d.published.size());
        assertTrue(d.published.stream().allMatch(p -> p.state() == AnomalyState.RESOLVED));
    }

    @Test
    void aFilesystemRunningOutOfInodesOpensHostInodesLowAfterFiveMinutesAndResolvesAbove12Percent() throws Exception {
        LifecycleDriver d = shipped();
        java.util.function.DoubleFunction<List<MetricPoint>> inodes = free -> List.of(
                new MetricPoint("host_filesystem_files", Map.of("mountpoint", "/data"), 1_000_000),
                new MetricPoint("host_filesystem_files_free", Map.of("mountpoint", "/data"), free),
                new MetricPoint("host_filesystem_files", Map.of("mountpoint", "/"), 1_000_000),
                new MetricPoint("host_filesystem_files_free", Map.of("mountpoint", "/"), 600_000));
        for (int i = 0; i <= 240; i += 60) {
            assertTrue(d.cycle(inodes.apply(40_000), T0.plusSeconds(i)).isEmpty(), "not yet 5 minutes");
        }
        List<LifecycleDriver.Published> opened = d.cycle(inodes.apply(40_000), T0.plusSeconds(300));
        assertEquals(1, opened.size(), opened.toString());
        assertEquals("host_inodes_low", opened.get(0).record().rule());
        assertEquals("/data", opened.get(0).record().object());
        assertEquals(Severity.CRITICAL, opened.get(0).record().severity(), "4 % free is below 5 %");
        assertEquals(0.04, opened.get(0).record().value(), 1e-9);
        assertTrue(d.cycle(inodes.apply(110_000), T0.plusSeconds(360)).isEmpty(), "11 % free: still below 12 %");
        List<LifecycleDriver.Published> resolved = d.cycle(inodes.apply(130_000), T0.plusSeconds(420));
        assertEquals(AnomalyState.RESOLVED, resolved.get(0).state());
    }
}
