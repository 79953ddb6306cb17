package io.dbautopilot.performance.score;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The outcome of one named check.
 *
 * @param name       check name, e.g. {@code invalid_indexes} or {@code anomaly:dead_tuples}
 * @param category   category it scores
 * @param status     {@code ok}, {@code lost} (points lost) or {@code not_evaluated} (no data: nothing lost)
 * @param pointsLost points taken off the category's 100
 * @param evidence   the value that was checked (null when not evaluated)
 * @param threshold  the bound it was compared with, e.g. {@code > 0.9} or {@code severity critical}
 * @param object     what the evidence belongs to (database, table, mountpoint...), when it is not target-wide
 * @param message    what it means, or why it was not evaluated
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckResult(String name, Category category, String status, int pointsLost, Double evidence,
                          String threshold, String object, String message) {

    /** A check that passed. */
    static CheckResult ok(String name, Category category, double evidence, String threshold, String object,
                          String message) {
        return new CheckResult(name, category, "ok", 0, evidence, threshold, object, message);
    }

    /** A check that lost points. */
    static CheckResult lost(String name, Category category, int points, double evidence, String threshold,
                            String object, String message) {
        return new CheckResult(name, category, "lost", points, evidence, threshold, object, message);
    }

    /** A check without data. */
    static CheckResult notEvaluated(String name, Category category, String why) {
        return new CheckResult(name, category, "not_evaluated", 0, null, null, null, why);
    }
}
