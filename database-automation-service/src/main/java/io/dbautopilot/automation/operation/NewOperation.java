package io.dbautopilot.automation.operation;

import java.util.Map;

/**
 * A request to create an operation (from a policy decision or the API).
 *
 * @param targetId          managed database id
 * @param type              what to do
 * @param object            the object, already checked against the catalog where the type needs one
 * @param mode              auto, window or approval
 * @param rule              policy rule, or null when manual
 * @param severity          anomaly severity, or null when manual
 * @param triggeringEventId triggering CloudEvents id, or null when manual
 * @param requestedBy       {@code policy} or the API credential name
 * @param parameters        e.g. {@code limit_seconds}
 * @param reason            why it is requested
 */
public record NewOperation(String targetId, OperationType type, String object, String mode, String rule,
                           String severity, String triggeringEventId, String requestedBy,
                           Map<String, Object> parameters, String reason) {
}
