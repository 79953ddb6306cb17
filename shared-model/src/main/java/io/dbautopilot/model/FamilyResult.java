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
 * @param database   for a per-database family, the one database this outcome is about (e.g. skipped there for
 *                   the cycle budget); null for the family's summary over all databases
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FamilyResult(String family, FamilyStatus status, long durationMs, String detail, String database) {

    /** Checks the family, status and duration. */
    public FamilyResult {
        Checks.notBlank(family, "family");
        Checks.notNull(status, "status");
        Checks.notNegative(durationMs, "duration_ms");
    }

    /**
     * The outcome of a family over the whole target (no single database).
     *
     * @param family     family name
     * @param status     what happened
     * @param durationMs time spent in milliseconds
     * @param detail     error message or skip reason; null when the family ran
     */
    public FamilyResult(String family, FamilyStatus status, long durationMs, String detail) {
        this(family, status, durationMs, detail, null);
    }

    /**
     * Whether this is the outcome in one database rather than the family's summary.
     *
     * @return true when {@link #database()} is set
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean perDatabase() {
        return database != null;
    }
}
