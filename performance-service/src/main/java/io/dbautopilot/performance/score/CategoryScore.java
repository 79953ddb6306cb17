package io.dbautopilot.performance.score;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * One category's score.
 *
 * @param category category
 * @param score    0–100 (100 minus the points lost, floored at 0); null when unknown
 * @param status   {@code scored} or {@code unknown} (no data: left out of the overall score)
 * @param weight   weight in the overall score (0 when unknown)
 * @param reason   why it is unknown
 * @param checks   every check of the category, lost points first
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CategoryScore(Category category, Integer score, String status, int weight, String reason,
                            List<CheckResult> checks) {
}
