package io.dbautopilot.performance.baseline;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * How one figure changed between two baselines.
 *
 * @param figure    figure name
 * @param unit      unit
 * @param direction {@code higher_is_better}, {@code lower_is_better} or {@code neutral}
 * @param from      value in the first baseline (null: no data then)
 * @param to        value in the second (null: no data then)
 * @param change    {@code to - from} (null if either is missing)
 * @param changePct change in percent of {@code |from|} (null if either is missing or {@code from} is 0)
 * @param regressed whether it moved the bad way by at least the tolerance (never for neutral figures)
 * @param improved  whether it moved the good way by at least the tolerance
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FigureChange(String figure, String unit, Figure.Better direction, Double from, Double to, Double change,
                           Double changePct, boolean regressed, boolean improved) {
}
