package io.dbautopilot.performance.score;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * A target's health.
 *
 * @param target       target id
 * @param score        overall 0–100: weighted mean of the scored categories (0 when the target is down)
 * @param grade        A+, A, B, C, D or F
 * @param computedAt   when this report was computed
 * @param snapshotAt   start of the collection cycle the values come from
 * @param categories   the eight categories
 * @param lost         every check that lost points, most points first
 * @param note         what the overall score leaves out (unknown categories) or why it is 0
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record HealthReport(String target, int score, String grade, Instant computedAt, Instant snapshotAt,
                           List<CategoryScore> categories, List<CheckResult> lost, String note) {

    /**
     * The grade of a score: A+ from 95, A from 90, B from 80, C from 70, D from 60, F below.
     *
     * @param score 0–100
     * @return the grade
     */
    public static String grade(int score) {
        if (score >= 95) {
            return "A+";
        } else if (score >= 90) {
            return "A";
        } else if (score >= 80) {
            return "B";
        } else if (score >= 70) {
            return "C";
        } else if (score >= 60) {
            return "D";
        }
        return "F";
    }
}
