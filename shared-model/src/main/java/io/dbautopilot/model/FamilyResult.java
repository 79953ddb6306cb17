package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Outcome of collecting one metric family (e.g. {@code pg_stat_database}) in one cycle, so a
 * consumer can tell "zero" from "not collected".
 *
 * @param family     family name, e.g. {@code pg_stat_database}, {@code host}
 * @param status     what happened
 * @param durationMs time spent on the family in milliseconds, {@code >= 0}
 * @param detail     error message or skip reason; null when the family ran
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FamilyResult(String family, FamilyStatus status, long durationMs, String detail) {

    /** Checks the family, status and duration. */
    public FamilyResult {
        Checks.notBlank(family, "family");
        Checks.notNull(status, "status");
        Checks.notNegative(durationMs, "duration_ms");
    }
}
