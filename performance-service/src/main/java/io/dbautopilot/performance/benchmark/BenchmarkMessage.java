package io.dbautopilot.performance.benchmark;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.UUID;

/**
 * A {@value #EVENT} message of the dashboard's live stream: a run's progress (per step and per second of pgbench) or
 * its end.
 *
 * @param kind           {@code progress} or {@code completed}
 * @param runId          the run
 * @param targetId       the target
 * @param step           the step running (progress) or null
 * @param progress       share of the suite done, 0 to 1
 * @param elapsedSeconds seconds into the step (progress)
 * @param tps            transactions per second of the last second (progress of a pgbench step)
 * @param latencyMs      mean latency of the last second in ms (progress of a pgbench step)
 * @param status         the run's status ({@code running} while it runs)
 * @param regression     whether the ended run regressed (completed)
 * @param at             when
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BenchmarkMessage(String kind, UUID runId, String targetId, String step, double progress,
                               Double elapsedSeconds, Double tps, Double latencyMs, String status, Boolean regression,
                               Instant at) {

    /** The SSE event name of these messages. */
    public static final String EVENT = "performance_benchmark";

    static BenchmarkMessage progress(UUID runId, String targetId, String step, double progress, Double elapsed,
                                     Double tps, Double latencyMs) {
        return new BenchmarkMessage("progress", runId, targetId, step, progress, elapsed, tps, latencyMs,
                BenchmarkRun.RUNNING, null, Instant.now());
    }

    static BenchmarkMessage completed(UUID runId, String targetId, String status, boolean regression) {
        return new BenchmarkMessage("completed", runId, targetId, null, "succeeded".equals(status) ? 1.0 : 0.0, null,
                null, null, status, regression, Instant.now());
    }
}
