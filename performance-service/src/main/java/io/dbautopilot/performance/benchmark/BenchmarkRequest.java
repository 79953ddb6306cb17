package io.dbautopilot.performance.benchmark;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.UUID;

/**
 * The body of {@code POST /api/targets/{id}/benchmarks}; every field is optional.
 *
 * @param stepDuration  length of each measured step, e.g. {@code 30s}; default {@code autopilot.benchmark.step-duration}
 * @param baselineRunId a succeeded run of the same target to compare with, instead of the named baseline or the previous run
 * @param timeout       time budget of the whole run, e.g. {@code 5m}; at most and by default {@code autopilot.benchmark.timeout}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BenchmarkRequest(String stepDuration, UUID baselineRunId, String timeout) {

    /** The request without a body. */
    static final BenchmarkRequest DEFAULTS = new BenchmarkRequest(null, null, null);
}
