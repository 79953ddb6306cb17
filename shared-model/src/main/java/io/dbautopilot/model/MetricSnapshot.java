package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One collection cycle of one target, published on {@link Topics#METRICS} as
 * {@link EventTypes#SNAPSHOT_COLLECTED}.
 *
 * @param targetId             configured name of the monitored database, e.g. {@code orders-db}
 * @param collectedAt          when the cycle started
 * @param collectionDurationMs duration of the whole cycle in milliseconds, {@code >= 0}
 * @param families             outcome per metric family; never null
 * @param errors               family name to error message for families that failed; never null
 * @param points               the samples; never null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricSnapshot(
        String targetId,
        Instant collectedAt,
        long collectionDurationMs,
        List<FamilyResult> families,
        Map<String, String> errors,
        List<MetricPoint> points) {

    /** Checks the identity and timing and copies the collections. */
    public MetricSnapshot {
        Checks.notBlank(targetId, "target_id");
        Checks.notNull(collectedAt, "collected_at");
        Checks.notNegative(collectionDurationMs, "collection_duration_ms");
        families = Checks.list(families, "families");
        errors = Checks.mapNoNullValues(errors, "errors");
        points = Checks.list(points, "points");
    }

    /**
     * The value of the first point with the given name whose label {@code labelKey} equals
     * {@code labelValue}.
     *
     * @param name       metric name
     * @param labelKey   label to match, or null to match any point with that name
     * @param labelValue value the label must have
     * @return the value, or empty if no point matches
     */
    @JsonIgnore
    public OptionalDouble findValue(String name, String labelKey, String labelValue) {
        for (MetricPoint point : points) {
            if (point.name().equals(name)
                    && (labelKey == null || Objects.equals(point.labels().get(labelKey), labelValue))) {
                return OptionalDouble.of(point.value());
            }
        }
        return OptionalDouble.empty();
    }

    /**
     * The value of the first point with the given name, whatever its labels.
     *
     * @param name metric name
     * @return the value, or empty if no point has that name
     */
    @JsonIgnore
    public OptionalDouble findValue(String name) {
        return findValue(name, null, null);
    }
}
