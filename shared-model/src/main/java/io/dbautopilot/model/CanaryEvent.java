package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The end of one canary run of the autopilot on a target (a known condition planted in the canary's own schema and
 * followed through the normal path), published on {@link Topics#CANARY} with type {@link EventTypes#CANARY_COMPLETED}.
 *
 * @param runId       identity of the run
 * @param targetId    configured name of the target
 * @param status      how it ended: {@code succeeded} (every stage reached), {@code would_run} (trust observe: decided,
 *                    not executed), {@code awaiting_approval} (decided, waits for an operator: the canary withdrew its
 *                    operation), {@code skipped} (nothing planted: emergency stop, maintenance window, policy, ...) or
 *                    {@code failed} (a stage was not reached within the deadline, or an error); {@code off} is not a
 *                    run but the notice that the canary was switched off for the target: watchers stop expecting runs
 * @param trust       the target's trust level when the run started
 * @param reason      why it did not succeed, or what it would have run; null on success
 * @param table       the planted table ({@code schema.table}); null when nothing was planted
 * @param plantedAt   when the condition was planted; null when nothing was planted
 * @param completedAt when the run ended
 * @param deadlineSeconds how long the run had to reach its last stage
 * @param nextDueAt   the latest time the target's next canary event is expected: a watcher that has not seen one by then
 *                    knows the autopilot stopped working on this target
 * @param stages      the stages reached, in order ({@code planted}, {@code detected}, {@code decided},
 *                    {@code executed}, {@code verified}); never null
 * @param failedStage the first stage not reached when {@code failed}; null otherwise
 * @param operationId the operation the policy decided on; null when none was seen
 * @param effect      measured effect (e.g. {@code n_dead_tup_before}, {@code n_dead_tup_after}); never null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CanaryEvent(UUID runId, String targetId, String status, String trust, String reason, String table,
                          Instant plantedAt, Instant completedAt, long deadlineSeconds, Instant nextDueAt,
                          List<Stage> stages, String failedStage, UUID operationId, Map<String, Double> effect) {

    /** The values {@link #status()} takes. */
    public static final Set<String> STATUSES = Set.of("succeeded", "would_run", "awaiting_approval", "skipped", "failed",
            "off");
    /** The stages of a run, in order. */
    public static final List<String> STAGES = List.of("planted", "detected", "decided", "executed", "verified");

    /** Checks identity, status and times and copies the lists. */
    public CanaryEvent {
        Checks.notNull(runId, "run_id");
        Checks.notBlank(targetId, "target_id");
        Checks.notBlank(status, "status");
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + STATUSES + " but was " + status);
        }
        Checks.notNull(completedAt, "completed_at");
        Checks.notNull(nextDueAt, "next_due_at");
        Checks.notNegative(deadlineSeconds, "deadline_seconds");
        stages = Checks.list(stages, "stages");
        effect = Checks.mapNoNullValues(effect, "effect");
    }

    /** Whether this is the notice that the canary was switched off for the target (no more runs are due). */
    @JsonIgnore
    public boolean off() {
        return "off".equals(status);
    }

    /** Whether the run says the autopilot did not work on the target ({@code failed}). */
    @JsonIgnore
    public boolean failed() {
        return "failed".equals(status);
    }

    /**
     * The CloudEvents type for this event.
     *
     * @return {@link EventTypes#CANARY_COMPLETED}
     */
    @JsonIgnore
    public String eventType() {
        return EventTypes.CANARY_COMPLETED;
    }

    /**
     * One stage reached.
     *
     * @param name    one of {@link #STAGES}
     * @param at      when it was reached (for {@code detected}: when performance-service opened the anomaly)
     * @param seconds seconds since the condition was planted
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Stage(String name, Instant at, double seconds) {

        /** Checks the name and time. */
        public Stage {
            Checks.notBlank(name, "name");
            Checks.notNull(at, "at");
        }
    }
}
