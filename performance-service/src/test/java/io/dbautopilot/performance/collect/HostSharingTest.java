package io.dbautopilot.performance.collect;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.host.HostCollector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Local targets share one reading of this machine (OSHI, which reads /proc and /sys and runs lsblk) per second. */
class HostSharingTest {

    private final HostCollector host = new HostCollector();

    @Test
    void tenTargetsOnThisHostReadTheMachineOnce() {
        List<TargetRuntime> targets = IntStream.range(0, 10)
                .mapToObj(i -> new TargetRuntime("t" + i, TestTarget.of("postgresql://127.0.0.1/db" + i))).toList();
        List<List<MetricPoint>> read = targets.stream().map(this::collect).toList();

        assertEquals(1, host.reads(), "one reading for ten targets of one tick");
        Set<Double> available = read.stream().map(points -> value(points, "host_memory_available_bytes"))
                .collect(Collectors.toSet());
        assertEquals(1, available.size(), "every target got the same reading: " + available);
        read.forEach(points -> assertTrue(points.stream().anyMatch(p -> p.name().equals("host_filesystem_free_bytes")),
                "each target has its filesystems: " + points));
    }

    @Test
    void aTargetsNextCycleReadsAgainAndGetsItsCpuRatios() throws Exception {
        TargetRuntime target = new TargetRuntime("t", TestTarget.of("postgresql://127.0.0.1/db"));
        List<MetricPoint> first = collect(target);
        assertTrue(first.stream().noneMatch(p -> p.name().equals("host_cpu_idle_ratio")), "no ratio without a previous");
        // within the sharing second, but this target has seen that reading: its ratios need new ticks
        Thread.sleep(500); // OSHI keeps a CPU tick reading for 300 ms (its default memoizer expiration)
        List<MetricPoint> second = collect(target);

        assertEquals(2, host.reads());
        double idle = value(second, "host_cpu_idle_ratio");
        assertTrue(idle >= 0 && idle <= 1, "idle ratio " + idle);
    }

    @Test
    void anotherTargetAfterTheSharingSecondGetsANewReading() throws Exception {
        collect(new TargetRuntime("a", TestTarget.of("postgresql://127.0.0.1/a")));
        collect(new TargetRuntime("b", TestTarget.of("postgresql://127.0.0.1/b")));
        assertEquals(1, host.reads());
        Thread.sleep(Duration.ofSeconds(1).plusMillis(100).toMillis()); // the sharing window passes
        collect(new TargetRuntime("c", TestTarget.of("postgresql://127.0.0.1/c")));

        assertEquals(2, host.reads(), "a reading older than a second is not given to a target");
    }

    private List<MetricPoint> collect(TargetRuntime target) {
        return host.collect(target).await().atMost(Duration.ofSeconds(30));
    }

    private static double value(List<MetricPoint> points, String name) {
        return points.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing: " + points)).value();
    }
}
