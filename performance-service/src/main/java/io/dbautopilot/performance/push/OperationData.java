package io.dbautopilot.performance.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Data of an {@value PushMessage#OPERATION} message: one event of {@code autopilot.operations.v1}.
 *
 * @param operationId the operation
 * @param type        operation type ({@code vacuum}, {@code backup}, {@code partition_create}…)
 * @param state       the state this event announces ({@code requested}, {@code started}, {@code progress}…)
 * @param running     whether the operation counts as running after it
 * @param progress    fraction done, 0 to 1; null when unknown
 * @param object      the object operated on, if any
 * @param reason      why it was requested, deferred, failed or cancelled
 * @param startedAt   when it started
 * @param finishedAt  when it ended
 * @param details     the event's operation-specific details
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record OperationData(UUID operationId, String type, String state, boolean running, Double progress,
                            String object, String reason, Instant startedAt, Instant finishedAt,
                            Map<String, Object> details) {
}
