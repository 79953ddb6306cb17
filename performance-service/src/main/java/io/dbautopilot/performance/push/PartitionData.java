package io.dbautopilot.performance.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;
import java.util.UUID;

/**
 * Data of a {@value PushMessage#PARTITION_STATUS} message. The performance service keeps no partition facts of its
 * own: these come from the automation service's partition operations ({@code partition_create},
 * {@code partition_detach}, {@code partition_drop}) on {@code autopilot.operations.v1}.
 *
 * @param operationId  the partition operation
 * @param operation    its type
 * @param state        the state this event announces
 * @param table        the partitioned table
 * @param coveredUntil until when the attached partitions cover time (from the effect of a finished create)
 * @param effect       the verified effect of a finished operation (partitions before/after, created, detached,
 *                     dropped, what is still missing or beyond retention); null until it ended
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PartitionData(UUID operationId, String operation, String state, String table, String coveredUntil,
                            Map<String, Object> effect) {
}
