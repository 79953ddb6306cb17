package io.dbautopilot.performance.engine;

import io.dbautopilot.model.Engine;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.score.CheckResult;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** The health-score capability of one or more engines: the named checks computed from a target's latest values. */
public interface EngineHealthChecks {

    /** The engines these checks serve. */
    Set<Engine> engines();

    /**
     * Every check of the latest values (each with the evidence of the points it lost).
     *
     * @param snapshot the latest snapshot (for family outcomes)
     * @param current  the current values (every family merged)
     * @param now      the time of the evaluation
     */
    List<CheckResult> evaluate(MetricSnapshot snapshot, List<MetricPoint> current, Instant now);
}
