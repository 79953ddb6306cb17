package io.dbautopilot.model;

import java.util.Optional;

/** The kinds of document the contract defines, each with its JSON Schema on the classpath. */
public enum EventKind {
    /** {@link MetricSnapshot} on {@link Topics#METRICS}. */
    METRIC_SNAPSHOT("schemas/metric-snapshot.v1.json", MetricSnapshot.class),
    /** {@link AnomalyEvent} on {@link Topics#ANOMALIES}. */
    ANOMALY("schemas/anomaly-event.v1.json", AnomalyEvent.class),
    /** {@link RecommendationEvent} on {@link Topics#RECOMMENDATIONS}. */
    RECOMMENDATION("schemas/recommendation-event.v1.json", RecommendationEvent.class),
    /** {@link OperationEvent} on {@link Topics#OPERATIONS}. */
    OPERATION("schemas/operation-event.v1.json", OperationEvent.class),
    /** {@link BenchmarkEvent} on {@link Topics#BENCHMARKS}. */
    BENCHMARK("schemas/benchmark-event.v1.json", BenchmarkEvent.class),
    /** {@link CanaryEvent} on {@link Topics#CANARY}. */
    CANARY("schemas/canary-event.v1.json", CanaryEvent.class),
    /** {@link HealthSummary}, the body of each service's {@code /health} endpoint. */
    HEALTH_SUMMARY("schemas/health-summary.v1.json", HealthSummary.class),
    /** {@link TargetDefinition}, the value of a record on {@link Topics#TARGETS} (not a CloudEvent). */
    TARGET_DEFINITION("schemas/target-definition.v1.json", TargetDefinition.class);

    /** Prefix of every schema's {@code $id}; the file name follows it. */
    public static final String SCHEMA_ID_PREFIX = "https://dbautopilot.io/schemas/";

    private final String schemaResource;
    private final Class<?> javaType;

    EventKind(String schemaResource, Class<?> javaType) {
        this.schemaResource = schemaResource;
        this.javaType = javaType;
    }

    /**
     * Classpath location of the JSON Schema, e.g. {@code schemas/anomaly-event.v1.json}.
     *
     * @return the resource path, without a leading slash
     */
    public String schemaResource() {
        return schemaResource;
    }

    /**
     * The schema's {@code $id}, e.g. {@code https://dbautopilot.io/schemas/anomaly-event.v1.json}.
     *
     * @return the schema id
     */
    public String schemaId() {
        return SCHEMA_ID_PREFIX + schemaResource.substring(schemaResource.lastIndexOf('/') + 1);
    }

    /**
     * The record this kind of document deserialises to.
     *
     * @return the record class
     */
    public Class<?> javaType() {
        return javaType;
    }

    /**
     * The kind of data carried by a CloudEvents type from {@link EventTypes}.
     *
     * @param ceType the CloudEvents {@code type}
     * @return the kind, or empty for null or unknown types
     */
    public static Optional<EventKind> forType(String ceType) {
        if (ceType == null || !EventTypes.ALL.contains(ceType)) {
            return Optional.empty();
        }
        if (ceType.equals(EventTypes.SNAPSHOT_COLLECTED)) {
            return Optional.of(METRIC_SNAPSHOT);
        }
        if (ceType.startsWith("io.dbautopilot.anomaly.")) {
            return Optional.of(ANOMALY);
        }
        if (ceType.startsWith("io.dbautopilot.recommendation.")) {
            return Optional.of(RECOMMENDATION);
        }
        if (ceType.startsWith("io.dbautopilot.operation.")) {
            return Optional.of(OPERATION);
        }
        if (ceType.startsWith("io.dbautopilot.benchmark.")) {
            return Optional.of(BENCHMARK);
        }
        if (ceType.startsWith("io.dbautopilot.canary.")) {
            return Optional.of(CANARY);
        }
        return Optional.empty();
    }
}
