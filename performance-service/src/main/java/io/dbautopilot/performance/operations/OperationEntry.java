package io.dbautopilot.performance.operations;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.model.OperationEvent;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One operation event as the API shows it.
 *
 * @param eventId     CloudEvents id
 * @param operationId operation identity
 * @param target      target id
 * @param type        operation type, e.g. {@code vacuum}, {@code backup}
 * @param object      object operated on ({@code details.object}), null for target-wide operations
 * @param state       lifecycle state this event announced
 * @param running     whether this state counts as running (started / progress)
 * @param progress    fraction done (0..1) when reported
 * @param reason      reason given with the state, if any
 * @param details     operation-specific details (bytes, rows, backup path, attempt, ...)
 * @param requestedAt when the operation was requested
 * @param startedAt   when it started
 * @param finishedAt  when it finished
 * @param occurredAt  when this state change happened
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationEntry(String eventId, UUID operationId, String target, String type, String object,
                             String state, boolean running, Double progress, String reason, Map<String, Object> details,
                             Instant requestedAt, Instant startedAt, Instant finishedAt, Instant occurredAt) {

    /** The API view of an event. */
    public static OperationEntry of(String eventId, OperationEvent e) {
        Object object = e.details().get("object");
        return new OperationEntry(eventId, e.operationId(), e.targetId(), e.type(),
                object == null ? null : object.toString(), e.state().wire(), isRunning(e), e.progress(), e.reason(),
                e.details(), e.requestedAt(), e.startedAt(), e.finishedAt(), e.occurredAt());
    }

    /** Whether an event leaves its operation running. */
    static boolean isRunning(OperationEvent e) {
        return switch (e.state()) {
            case STARTED, PROGRESS -> true;
            default -> false;
        };
    }

    /** Whether an operation type is a backup: any type starting with {@code backup} (backup, backup_full, ...). */
    public static boolean isBackup(String type) {
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("backup");
    }
}
