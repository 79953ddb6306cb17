package io.dbautopilot.automation.canary;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One canary run as stored in {@code automation.canary_run}; a stage time is null until the stage is reached.
 *
 * @param id             run id
 * @param targetId       target
 * @param status         {@code running} or how it ended (see {@link io.dbautopilot.model.CanaryEvent#STATUSES})
 * @param trust          the target's trust when the run started
 * @param table          {@code schema.table} planted; null when nothing was
 * @param reason         why it did not succeed; null otherwise
 * @param startedAt      when the run started
 * @param deadlineAt     when it must have reached its last stage
 * @param plantedAt      when the condition was planted
 * @param detectedAt     when performance-service opened the anomaly for it
 * @param anomalyEventId the anomaly event that was detected
 * @param decidedAt      when the policy created the operation
 * @param operationId    that operation
 * @param executedAt     when the operation finished successfully
 * @param verifiedAt     when performance-service resolved the anomaly after it
 * @param completedAt    when the run ended
 * @param failedStage    first stage not reached, when failed
 * @param nextDueAt      latest time of the target's next canary event
 * @param effect         measured effect
 */
public record CanaryRun(UUID id, String targetId, String status, String trust, String table, String reason,
                        Instant startedAt, Instant deadlineAt, Instant plantedAt, Instant detectedAt,
                        String anomalyEventId, Instant decidedAt, UUID operationId, Instant executedAt,
                        Instant verifiedAt, Instant completedAt, String failedStage, Instant nextDueAt,
                        Map<String, Double> effect) {

    /** Whether the run is still being followed. */
    public boolean running() {
        return "running".equals(status);
    }
}
