package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One operation as stored in {@code automation.operation} (and returned by the operations API).
 *
 * @param id                identity
 * @param targetId          managed database id
 * @param type              what it does
 * @param object            the table/index (schema.name) or pid it acts on; null when target-wide
 * @param heavy             whether it takes the database's one heavy-operation slot
 * @param mode              auto, window or approval
 * @param status            where it is in the engine
 * @param rule              policy rule that requested it; null for manual operations
 * @param severity          severity of the triggering anomaly; null for manual operations
 * @param triggeringEventId CloudEvents id of the triggering event; null for manual operations
 * @param requestedBy       {@code policy} or the API caller's credential name
 * @param parameters        operation parameters, e.g. {@code limit_seconds}
 * @param reason            latest reason: why requested, deferred, failed or cancelled
 * @param requestedAt       when requested
 * @param notBefore         earliest next start
 * @param attempts          how often it was claimed
 * @param maxAttempts       interruptions tolerated before it fails
 * @param interruptions     how often an executor died holding it
 * @param leaseOwner        instance holding the lease while running
 * @param leaseExpiresAt    when the lease expires without a heartbeat
 * @param backendPid        target backend pid executing it
 * @param cancelRequested   whether an operator asked to cancel it
 * @param approvedBy        who approved it
 * @param approvedAt        when it was approved
 * @param startedAt         first start
 * @param finishedAt        terminal time
 * @param result            measured effect (before/after) when it succeeded
 * @param error             error when it failed
 * @param updatedAt         last change
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Operation(UUID id, String targetId, OperationType type, String object, boolean heavy, String mode,
                        OperationStatus status, String rule, String severity, String triggeringEventId,
                        String requestedBy, Map<String, Object> parameters, String reason, Instant requestedAt,
                        Instant notBefore, int attempts, int maxAttempts, int interruptions, String leaseOwner,
                        Instant leaseExpiresAt, Integer backendPid, boolean cancelRequested, String approvedBy,
                        Instant approvedAt, Instant startedAt, Instant finishedAt, Map<String, Object> result,
                        String error, Instant updatedAt) {

    /** The application_name its executor connection carries on the target (identifies the backend to cancel). */
    @JsonIgnore
    public String applicationName() {
        return "db-autopilot-automation op:" + id;
    }
}
