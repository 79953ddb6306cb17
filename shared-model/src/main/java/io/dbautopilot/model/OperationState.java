package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Lifecycle state of an operation run by the automation service. */
public enum OperationState {
    /** Accepted and queued. */
    REQUESTED,
    /** Postponed (maintenance window or unsafe precondition); the reason travels with the event. */
    DEFERRED,
    /** Running. */
    STARTED,
    /** Running, with a progress report. */
    PROGRESS,
    /** Finished successfully. */
    SUCCEEDED,
    /** Finished with an error. */
    FAILED,
    /** Stopped before finishing. */
    CANCELLED,
    /**
     * Decided but not run because the target's trust is {@code observe}: the reason and the exact statement that
     * would have run travel with the event; nothing touched the target.
     */
    WOULD_RUN,
    /**
     * The verdict of the post-operation verification, published a verification window after the operation succeeded
     * (added compatibly in v1): {@code details.verdict} is {@code confirmed}, {@code regressed} or
     * {@code inconclusive}, with {@code details.expected_effect} and the measurements before and after; a regressed
     * reversible operation names the operation that rolls it back in {@code details.rollback_operation_id}.
     */
    VERIFIED;

    /**
     * The JSON form of this constant.
     *
     * @return the constant's name in lower case
     */
    @JsonValue
    public String wire() {
        return WireEnums.toWire(this);
    }

    /**
     * Parses the JSON form, in either case.
     *
     * @param text the name, e.g. {@code "succeeded"}
     * @return the constant, or null for null input
     * @throws IllegalArgumentException if no constant has that name
     */
    @JsonCreator
    public static OperationState fromWire(String text) {
        return WireEnums.fromWire(OperationState.class, text);
    }

    /**
     * Whether no further state change follows this one.
     *
     * @return true for SUCCEEDED, FAILED, CANCELLED, WOULD_RUN and VERIFIED (the verdict follows a success; a rollback
     *         is an operation of its own)
     */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == WOULD_RUN || this == VERIFIED;
    }
}
