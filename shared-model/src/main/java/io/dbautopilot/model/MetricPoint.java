package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * One sample of one metric, named like postgres_exporter's metric so dashboards carry over.
 *
 * @param name   metric name, e.g. {@code pg_stat_database_xact_commit}
 * @param labels label name to value, e.g. {@code datname -> orders}; never null, may be empty
 * @param value  the sample; must be finite (collectors drop NaN/infinite samples, JSON cannot carry them)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricPoint(String name, Map<String, String> labels, double value) {

    /** Checks the name and value and copies the labels. */
    public MetricPoint {
        Checks.notBlank(name, "name");
        // a LabelSet is immutable and checked already: shared by the points of one row, never copied
        labels = labels instanceof LabelSet ? labels : Checks.mapNoNullValues(labels, "labels");
        Checks.finite(value, "value of " + name);
    }

    /**
     * A point without labels.
     *
     * @param name  metric name
     * @param value the sample
     * @return the point
     */
    public static MetricPoint of(String name, double value) {
        return new MetricPoint(name, LabelSet.EMPTY, value);
    }
}
