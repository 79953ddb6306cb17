package io.dbautopilot.automation.report;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the automation would have run on one target over a period (its {@code would_run} decisions) and why.
 *
 * @param target    the target id
 * @param trust     its trust level now ({@code observe}, {@code approve}, {@code auto}; null when not managed)
 * @param from      start of the period (inclusive)
 * @param to        end of the period (exclusive)
 * @param total     decisions in the period
 * @param byRule    decisions per policy rule ({@code (manual)} for requests through the API)
 * @param byType    decisions per operation type
 * @param truncated whether {@code decisions} holds only the first {@code limit} of them
 * @param decisions the decisions, oldest first
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AutopilotReport(String target, String trust, Instant from, Instant to, long total,
                              Map<String, Long> byRule, Map<String, Long> byType, boolean truncated,
                              List<Decision> decisions) {

    /**
     * One decision that was recorded and not run.
     *
     * @param operationId       the {@code would_run} operation
     * @param requestedAt       when it was decided
     * @param type              the operation type
     * @param object            the object (table, index, pid), or null
     * @param rule              the policy rule, or null for a manual request
     * @param severity          the anomaly's severity, or null
     * @param mode              the mode the policy chose (auto, window, approval)
     * @param triggeringEventId the anomaly or recommendation event, or null
     * @param reason            why (the policy's reason)
     * @param statement         the exact statement that would have run
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Decision(UUID operationId, Instant requestedAt, String type, String object, String rule,
                           String severity, String mode, String triggeringEventId, String reason, String statement) {
    }
}
