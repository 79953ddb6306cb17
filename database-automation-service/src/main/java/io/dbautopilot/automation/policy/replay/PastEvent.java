package io.dbautopilot.automation.policy.replay;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.UUID;

/**
 * One anomaly or recommendation event the intake recorded ({@code automation.processed_event}), with the operation it
 * actually led to, if any: the input of a policy replay.
 *
 * @param eventId    CloudEvents id
 * @param topic      the topic it was consumed from
 * @param receivedAt when the intake recorded it
 * @param payload    the event data as received
 * @param actual     the operation the real decision created for it; null when none
 */
public record PastEvent(String eventId, String topic, Instant receivedAt, String payload, Actual actual) {

    /**
     * The operation an event actually led to.
     *
     * @param operationId the operation
     * @param rule        the policy rule recorded with it
     * @param operation   its type
     * @param mode        its mode as recorded (trust approve records approval)
     * @param status      its status now
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Actual(UUID operationId, String rule, String operation, String mode, String status) {
    }
}
