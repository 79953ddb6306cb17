package io.dbautopilot.automation.policy;

import io.dbautopilot.automation.operation.OperationType;

import java.time.Duration;

/**
 * What the policy decided for one event: an operation type, the mode it runs in and why.
 *
 * @param ruleName  the policy rule that matched
 * @param operation the operation to request
 * @param mode      when it may run (never {@link Mode#OFF}: an off rule yields no decision)
 * @param limit     age limit for session operations; null otherwise
 * @param reason    one sentence for the operation's record and events
 */
public record Decision(String ruleName, OperationType operation, Mode mode, Duration limit, String reason) {
}
