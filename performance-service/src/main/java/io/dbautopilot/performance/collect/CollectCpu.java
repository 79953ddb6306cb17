package io.dbautopilot.performance.collect;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Client CPU of collection, measured as thread CPU time: building points from result rows and serializing
 * snapshots, with the points each handled ({@code autopilot_collect_cpu_seconds_total{phase}},
 * {@code autopilot_collect_points_total{phase}}), so CPU per point can be read off any running service.
 */
@ApplicationScoped
public class CollectCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean MEASURED = THREADS.isCurrentThreadCpuTimeSupported();
    private static final LongAdder BUILD_NANOS = new LongAdder();
    private static final LongAdder BUILD_POINTS = new LongAdder();
    private static final LongAdder SERIALIZE_NANOS = new LongAdder();
    private static final LongAdder SERIALIZE_POINTS = new LongAdder();

    /** CPU time of the current thread in nanoseconds (0 where the JVM cannot measure it). */
    public static long threadCpuNanos() {
        return MEASURED ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    /** Adds the CPU time spent building {@code points} points. */
    public static void built(int points, long nanos) {
        BUILD_POINTS.add(points);
        BUILD_NANOS.add(nanos);
    }

    /** Adds the CPU time spent serializing a snapshot of {@code points} points. */
    public static void serialized(int points, long nanos) {
        SERIALIZE_POINTS.add(points);
        SERIALIZE_NANOS.add(nanos);
    }

    /** Build and serialize CPU nanoseconds and points so far: {buildNanos, buildPoints, serializeNanos, serializePoints}. */
    public static long[] totals() {
        return new long[] {BUILD_NANOS.sum(), BUILD_POINTS.sum(), SERIALIZE_NANOS.sum(), SERIALIZE_POINTS.sum()};
    }

    void register(@Observes StartupEvent event, MeterRegistry meters) {
        counter(meters, "autopilot.collect.cpu", "seconds", "build", BUILD_NANOS, 1e-9);
        counter(meters, "autopilot.collect.cpu", "seconds", "serialize", SERIALIZE_NANOS, 1e-9);
        counter(meters, "autopilot.collect.points", null, "build", BUILD_POINTS, 1);
        counter(meters, "autopilot.collect.points", null, "serialize", SERIALIZE_POINTS, 1);
    }

    private static void counter(MeterRegistry meters, String name, String unit, String phase, LongAdder adder,
                                double scale) {
        FunctionCounter.builder(name, adder, a -> a.sum() * scale).baseUnit(unit).tag("phase", phase)
                .description("Collection client CPU (thread CPU time) and points, by phase").register(meters);
    }
}
