package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.Map;

/**
 * A state change of one advisor finding (index, vacuum, config), published on
 * {@link Topics#RECOMMENDATIONS} with type {@link EventTypes#forRecommendation(RecommendationState)}.
 *
 * @param recommendationId stable identity of the finding (kind + target + object), kept across updates
 * @param targetId         configured name of the monitored database
 * @param database         database name inside the target; null when cluster-wide
 * @param object           affected object, e.g. {@code public.orders} or a setting name; null when not object-specific
 * @param kind             kind of finding, e.g. {@code missing_index}, {@code unused_index},
 *                         {@code vacuum_settings}, {@code config}
 * @param state            lifecycle state this event announces
 * @param observedAt       when the evidence was observed
 * @param evidence         the measurements behind the finding (numbers, strings, lists); never null
 * @param suggestedAction  the SQL statement or setting text to apply; null if none (e.g. withdrawn)
 * @param estimatedBenefit human-readable estimate of the gain, e.g. {@code ~40% fewer seq scans}; may be null
 * @param risk             risk of applying it on a live database
 * @param requiresApproval whether applying it needs an explicit approval
 * @param summary          one human-readable sentence; may be null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecommendationEvent(
        String recommendationId,
        String targetId,
        String database,
        String object,
        String kind,
        RecommendationState state,
        Instant observedAt,
        Map<String, Object> evidence,
        String suggestedAction,
        String estimatedBenefit,
        Risk risk,
        boolean requiresApproval,
        String summary) {

    /** Checks identity, kind, state, time and risk and copies the evidence. */
    public RecommendationEvent {
        Checks.notBlank(recommendationId, "recommendation_id");
        Checks.notBlank(targetId, "target_id");
        Checks.notBlank(kind, "kind");
        Checks.notNull(state, "state");
        Checks.notNull(observedAt, "observed_at");
        Checks.notNull(risk, "risk");
        evidence = Checks.map(evidence, "evidence");
    }

    /**
     * The CloudEvents type for this event.
     *
     * @return {@link EventTypes#forRecommendation(RecommendationState)} of the state
     */
    @JsonIgnore
    public String eventType() {
        return EventTypes.forRecommendation(state);
    }
}
