package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A state change of one operation run by the automation service, published on
 * {@link Topics#OPERATIONS} with type {@link EventTypes#forOperation(OperationState)}; the
 * triggering event id travels with it so a replayed event never runs an operation twice.
 *
 * @param operationId       identity of the operation
 * @param triggeringEventId CloudEvents id of the event that caused it; null for manual operations
 * @param targetId          configured name of the database operated on
 * @param type              operation type, e.g. {@code vacuum}, {@code analyze}, {@code reindex},
 *                          {@code backup}, {@code migration}, {@code terminate}
 * @param state             lifecycle state this event announces
 * @param progress          fraction done, 0.0 to 1.0; null when unknown
 * @param reason            why the operation was requested, deferred, failed or cancelled; may be null
 * @param requestedAt       when it was requested; may be null if unknown
 * @param startedAt         when it started; null until started
 * @param finishedAt        when it reached a terminal state; null until then
 * @param occurredAt        when this state change happened
 * @param details           operation-specific data (object, statement, backup path, rows, bytes…); never null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationEvent(
        UUID operationId,
        String triggeringEventId,
        String targetId,
        String type,
        OperationState state,
        Double progress,
        String reason,
        Instant requestedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant occurredAt,
        Map<String, Object> details) {

    /** Checks identity, type, state, progress and time and copies the details. */
    public OperationEvent {
        Checks.notNull(operationId, "operation_id");
        Checks.notBlank(targetId, "target_id");
        Checks.notBlank(type, "type");
        Checks.notNull(state, "state");
        if (progress != null && !(progress >= 0.0 && progress <= 1.0)) {
            throw new IllegalArgumentException("progress must be between 0.0 and 1.0 but was " + progress);
        }
        Checks.notNull(occurredAt, "occurred_at");
        details = Checks.map(details, "details");
    }

    /**
     * The CloudEvents type for this event.
     *
     * @return {@link EventTypes#forOperation(OperationState)} of the state
     */
    @JsonIgnore
    public String eventType() {
        return EventTypes.forOperation(state);
    }
}
