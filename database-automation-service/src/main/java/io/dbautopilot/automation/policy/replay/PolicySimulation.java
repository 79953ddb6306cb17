package io.dbautopilot.automation.policy.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a policy would have done with the anomalies and recommendations of a past period, per target and rule, next to
 * what actually happened; nothing was executed or recorded to produce it.
 *
 * @param policy    where the replayed policy came from ({@code current: <file>} or {@code candidate})
 * @param rules     the replayed policy's rule names, in order
 * @param from      start of the period (inclusive)
 * @param to        end of the period (exclusive)
 * @param events    events replayed
 * @param truncated whether the period held more events than one replay reads (the oldest were replayed)
 * @param changed   events whose simulated decision differs from what actually happened
 * @param targets   per target, sorted by id
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PolicySimulation(String policy, List<String> rules, Instant from, Instant to, long events,
                               boolean truncated, long changed, List<Target> targets) {

    /**
     * One target's replay.
     *
     * @param target  the target id
     * @param trust   its trust level now (null when not managed)
     * @param events  its events replayed
     * @param changed its events whose simulated decision differs from the actual one
     * @param rules   per rule of either side (simulated or actual), plus {@code (none)} for events without operation
     * @param changes the differing events, oldest first (at most {@value PolicyReplay#MAX_CHANGES} listed)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Target(String target, String trust, long events, long changed, List<RuleCount> rules,
                         List<Change> changes) {
    }

    /**
     * One rule's counts on one target.
     *
     * @param rule      the rule name, or {@code (none)}: no operation (no rule matched, the rule is off, or the decision
     *                  could not become an operation)
     * @param decision  {@code operation} for a rule of the replayed policy, {@code none} for {@code (none)},
     *                  {@code not_in_policy} for a rule only the actual record names
     * @param operation the operation type the replayed rule asks for (null for none / not in the policy)
     * @param mode      the mode the replayed rule asks for (null likewise)
     * @param simulated events the replayed policy decides this way
     * @param actual    events that actually got this rule's operation (or none)
     * @param difference simulated minus actual
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RuleCount(String rule, String decision, String operation, String mode, long simulated, long actual,
                            long difference) {
    }

    /**
     * One event whose simulated decision differs from what happened.
     *
     * @param eventId    the CloudEvents id
     * @param receivedAt when the intake recorded it
     * @param kind       anomaly or recommendation
     * @param trigger    its rule (anomaly detector) or kind (recommendation)
     * @param object     the object it names, or null
     * @param severity   the anomaly's severity, or null
     * @param simulated  the replayed decision; null: no operation
     * @param skipped    why the replayed decision would not become an operation, or null
     * @param actual     the actual operation; null: none
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Change(String eventId, Instant receivedAt, String kind, String trigger, String object,
                         String severity, Simulated simulated, String skipped, PastEvent.Actual actual) {
    }

    /**
     * A replayed decision.
     *
     * @param rule      the rule that matched
     * @param operation the operation type
     * @param mode      the mode (with trust approve applied: approval)
     * @param reason    the decider's reason
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Simulated(String rule, String operation, String mode, String reason) {
    }
}
