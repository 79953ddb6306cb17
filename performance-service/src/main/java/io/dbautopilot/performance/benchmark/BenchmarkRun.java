package io.dbautopilot.performance.benchmark;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.model.BenchmarkEvent;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One benchmark run as stored and as the API shows it.
 *
 * @param id                run id
 * @param targetId          the target
 * @param suite             suite name and version
 * @param status            {@code running}, {@code succeeded}, {@code failed}, {@code cancelled} or {@code timed_out}
 * @param requestedBy       API caller that started it
 * @param stepDurationMs    length of each measured step
 * @param scratchDatabase   the throwaway database it works in (dropped when it ends)
 * @param currentStep       the step running now (or the last one), null before the first
 * @param progress          share of the suite done, 0 to 1
 * @param cancelRequested   whether a cancel was asked for
 * @param baseline          whether it is the target's named baseline
 * @param requestedBaseline the baseline the request named, if any
 * @param comparedWith      the run it was compared with, if any
 * @param regression        whether any metric regressed past its threshold
 * @param steps             measured steps, in suite order
 * @param regressions       the regressed metrics
 * @param error             why it did not succeed
 * @param startedAt         when it started
 * @param heartbeatAt       when its instance last reported
 * @param finishedAt        when it ended
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BenchmarkRun(UUID id, String targetId, String suite, String status, String requestedBy,
                           long stepDurationMs, String scratchDatabase, String currentStep, double progress,
                           boolean cancelRequested, boolean baseline, UUID requestedBaseline, UUID comparedWith,
                           boolean regression, List<BenchmarkEvent.Step> steps,
                           List<BenchmarkEvent.Regression> regressions, String error, Instant startedAt,
                           Instant heartbeatAt, Instant finishedAt) {

    /** Status of a run that has not ended. */
    public static final String RUNNING = "running";

    /** Whether it has ended. */
    public boolean ended() {
        return !RUNNING.equals(status);
    }
}
