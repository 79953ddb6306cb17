package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where an operation is in the engine (stored in {@code automation.operation.status}). */
public enum OperationStatus {
    /** Ready to be claimed as soon as {@code not_before} has passed. */
    PENDING,
    /** Waiting for {@code not_before}: a maintenance window or a failed precondition; the reason is recorded. */
    DEFERRED,
    /** Waits for an operator's approval through the API. */
    AWAITING_APPROVAL,
    /** Leased by one executor, which heartbeats the lease. */
    RUNNING,
    /** Finished and verified. */
    SUCCEEDED,
    /** Finished with an error, or the effect could not be verified. */
    FAILED,
    /** Cancelled by an operator, or refused by an emergency stop. */
    CANCELLED,
    /** Decided but never run: the target's trust is {@code observe}; the statement is in {@code result.statement}. */
    WOULD_RUN;

    /** Lower-case stored/wire name. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether nothing follows. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == WOULD_RUN;
    }

    /** Parses a stored/wire name; empty when unknown. */
    public static Optional<OperationStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(s -> s.wire().equals(text.trim().toLowerCase(Locale.ROOT))).findFirst();
    }
}
