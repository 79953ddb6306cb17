package io.dbautopilot.model;

import java.util.Objects;
import java.util.Set;

/** CloudEvents {@code type} values, named {@code io.dbautopilot.<noun>.<verb>.v1}, and the mapping from lifecycle states. */
public final class EventTypes {

    /** A metric snapshot was collected. */
    public static final String SNAPSHOT_COLLECTED = "io.dbautopilot.snapshot.collected.v1";

    /** An anomaly was opened. */
    public static final String ANOMALY_OPENED = "io.dbautopilot.anomaly.opened.v1";
    /** An open anomaly became more severe. */
    public static final String ANOMALY_ESCALATED = "io.dbautopilot.anomaly.escalated.v1";
    /** An anomaly was resolved. */
    public static final String ANOMALY_RESOLVED = "io.dbautopilot.anomaly.resolved.v1";

    /** A recommendation was raised. */
    public static final String RECOMMENDATION_RAISED = "io.dbautopilot.recommendation.raised.v1";
    /** A recommendation's evidence or advice changed. */
    public static final String RECOMMENDATION_UPDATED = "io.dbautopilot.recommendation.updated.v1";
    /** A recommendation no longer applies. */
    public static final String RECOMMENDATION_WITHDRAWN = "io.dbautopilot.recommendation.withdrawn.v1";

    /** An operation was requested. */
    public static final String OPERATION_REQUESTED = "io.dbautopilot.operation.requested.v1";
    /** An operation started running. */
    public static final String OPERATION_STARTED = "io.dbautopilot.operation.started.v1";
    /** A running operation reported progress. */
    public static final String OPERATION_PROGRESS = "io.dbautopilot.operation.progress.v1";
    /** An operation finished successfully. */
    public static final String OPERATION_SUCCEEDED = "io.dbautopilot.operation.succeeded.v1";
    /** An operation failed. */
    public static final String OPERATION_FAILED = "io.dbautopilot.operation.failed.v1";
    /** An operation was cancelled. */
    public static final String OPERATION_CANCELLED = "io.dbautopilot.operation.cancelled.v1";
    /** An operation was decided but not run (trust observe); the reason and the statement are in the event. */
    public static final String OPERATION_WOULD_RUN = "io.dbautopilot.operation.would_run.v1";
    /** An operation was deferred (window, precondition); the reason is in the event. */
    public static final String OPERATION_DEFERRED = "io.dbautopilot.operation.deferred.v1";
    /** The post-operation verification of an operation reached its verdict (confirmed, regressed, inconclusive). */
    public static final String OPERATION_VERIFIED = "io.dbautopilot.operation.verified.v1";

    /** A benchmark run of a target ended (succeeded, failed, cancelled or timed out); the result is in the event. */
    public static final String BENCHMARK_COMPLETED = "io.dbautopilot.benchmark.completed.v1";

    /**
     * A canary run of the autopilot on a target ended (succeeded, would_run, awaiting_approval, skipped or failed), with
     * the time of each stage from planted to verified.
     */
    public static final String CANARY_COMPLETED = "io.dbautopilot.canary.completed.v1";

    /** Every event type defined here. */
    public static final Set<String> ALL = Set.of(
            SNAPSHOT_COLLECTED,
            ANOMALY_OPENED, ANOMALY_ESCALATED, ANOMALY_RESOLVED,
            RECOMMENDATION_RAISED, RECOMMENDATION_UPDATED, RECOMMENDATION_WITHDRAWN,
            OPERATION_REQUESTED, OPERATION_STARTED, OPERATION_PROGRESS, OPERATION_SUCCEEDED,
            OPERATION_FAILED, OPERATION_CANCELLED, OPERATION_DEFERRED, OPERATION_WOULD_RUN, OPERATION_VERIFIED,
            BENCHMARK_COMPLETED, CANARY_COMPLETED);

    private EventTypes() {
    }

    /**
     * The event type announcing an anomaly in the given state.
     *
     * @param state the anomaly state
     * @return the CloudEvents type
     */
    public static String forAnomaly(AnomalyState state) {
        return switch (Objects.requireNonNull(state, "state")) {
            case OPENED -> ANOMALY_OPENED;
            case ESCALATED -> ANOMALY_ESCALATED;
            case RESOLVED -> ANOMALY_RESOLVED;
        };
    }

    /**
     * The event type announcing a recommendation in the given state.
     *
     * @param state the recommendation state
     * @return the CloudEvents type
     */
    public static String forRecommendation(RecommendationState state) {
        return switch (Objects.requireNonNull(state, "state")) {
            case RAISED -> RECOMMENDATION_RAISED;
            case UPDATED -> RECOMMENDATION_UPDATED;
            case WITHDRAWN -> RECOMMENDATION_WITHDRAWN;
        };
    }

    /**
     * The event type announcing an operation in the given state.
     *
     * @param state the operation state
     * @return the CloudEvents type
     */
    public static String forOperation(OperationState state) {
        return switch (Objects.requireNonNull(state, "state")) {
            case REQUESTED -> OPERATION_REQUESTED;
            case DEFERRED -> OPERATION_DEFERRED;
            case STARTED -> OPERATION_STARTED;
            case PROGRESS -> OPERATION_PROGRESS;
            case SUCCEEDED -> OPERATION_SUCCEEDED;
            case FAILED -> OPERATION_FAILED;
            case CANCELLED -> OPERATION_CANCELLED;
            case WOULD_RUN -> OPERATION_WOULD_RUN;
            case VERIFIED -> OPERATION_VERIFIED;
        };
    }
}
