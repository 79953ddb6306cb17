package io.dbautopilot.model;

/** Kafka topic names of the event contracts; every topic is keyed by target id (see DESIGN.md). */
public final class Topics {

    /** Metric snapshots: one collection cycle of one target, produced by the performance service. */
    public static final String METRICS = "autopilot.metrics.v1";

    /** Anomaly lifecycle events (opened / escalated / resolved), produced by the performance service. */
    public static final String ANOMALIES = "autopilot.anomalies.v1";

    /** Advisor findings (index, vacuum, config) with evidence, produced by the performance service. */
    public static final String RECOMMENDATIONS = "autopilot.recommendations.v1";

    /** Operation lifecycle events, produced by the automation service from its transactional outbox. */
    public static final String OPERATIONS = "autopilot.operations.v1";

    /**
     * The fleet registry: {@link TargetDefinition} by target id, compacted, a tombstone removes a target; read by every
     * instance of both services, and sharded over performance-service instances by its partitions.
     */
    public static final String TARGETS = "autopilot.targets.v1";

    /**
     * Benchmark results of targets ({@code io.dbautopilot.benchmark.completed.v1}), produced by the performance service
     * from its outbox when a run on a target labelled {@code benchmark=allowed} ends.
     */
    public static final String BENCHMARKS = "autopilot.benchmarks.v1";

    /**
     * Canary runs of the autopilot itself ({@code io.dbautopilot.canary.completed.v1}), produced by the automation
     * service from its canary outbox when a run on a target with {@code canary=on} ends; read by performance-service,
     * whose rules open a critical anomaly when a target's next run is overdue or the last one failed.
     */
    public static final String CANARY = "autopilot.canary.v1";

    /** Anomaly records the automation service could not process, with the reason in headers. */
    public static final String ANOMALIES_DLQ = "autopilot.anomalies.v1.dlq";

    /** Recommendation records the automation service could not process, with the reason in headers. */
    public static final String RECOMMENDATIONS_DLQ = "autopilot.recommendations.v1.dlq";

    private Topics() {
    }
}
