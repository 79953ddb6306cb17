package io.dbautopilot.performance.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.performance.baseline.BaselineComparison;

import java.time.Instant;
import java.util.List;

/**
 * One target's performance now against its latest named baseline ({@code GET /api/health/performance}).
 *
 * @param target        target id
 * @param owner         the instance that collects it
 * @param collectedHere whether this instance collects it (only then are its current figures known here)
 * @param status        {@code regressed} (a figure moved the bad way by at least the tolerance), {@code ok},
 *                      {@code no_baseline} (none captured: {@code POST /api/targets/{id}/baselines}), {@code no_data}
 *                      (no collection cycle yet) or {@code unknown} (collected elsewhere, or the state database could
 *                      not be read)
 * @param baseline      name of the latest baseline (null when none)
 * @param baselineAt    when it was captured
 * @param regressions   figures that regressed (empty when none or unknown)
 * @param comparison    the baseline against {@code now}, figure by figure, as
 *                      {@code GET /api/targets/{id}/baselines/compare?from=<baseline>} gives it; null when not compared
 * @param note          why it was not compared
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PerformanceHealth(String target, String owner, boolean collectedHere, String status, String baseline,
                                Instant baselineAt, List<String> regressions, BaselineComparison comparison,
                                String note) {

    /**
     * The answer.
     *
     * @param instance     the instance that answered
     * @param computedAt   when it was computed
     * @param tolerancePct the regression tolerance ({@code autopilot.baselines.regression-tolerance-percent})
     * @param regressed    targets with at least one regression
     * @param targets      one entry per target, by id
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Answer(String instance, Instant computedAt, double tolerancePct, List<String> regressed,
                         List<PerformanceHealth> targets) {
    }
}
