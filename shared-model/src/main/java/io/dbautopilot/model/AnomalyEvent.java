package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.Map;

/**
 * A state change of one anomaly, published on {@link Topics#ANOMALIES} with type
 * {@link EventTypes#forAnomaly(AnomalyState)}; the fingerprint keeps one identity from opened to
 * resolved and the per-target sequence lets consumers notice gaps.
 *
 * @param fingerprint     stable identity of the problem (rule + target + object), e.g. a hash or
 *                        {@code table-bloat:orders-db:public.orders}
 * @param targetId        configured name of the monitored database
 * @param detector        name of the rule or detector that found it, e.g. {@code table_bloat}
 * @param object          affected object, e.g. {@code public.orders}; null when target-wide
 * @param severity        current severity
 * @param state           lifecycle state this event announces
 * @param sequence        per-target sequence number of anomaly events, {@code >= 1}
 * @param occurredAt      when this state change happened
 * @param openedAt        when the anomaly was first opened; may be null if unknown
 * @param evidence        the measurements behind the finding, name to value (e.g.
 *                        {@code dead_tuple_ratio -> 0.42}); never null
 * @param suggestedAction action kind that would address it, e.g. {@code vacuum}, {@code analyze},
 *                        {@code reindex}, {@code backup}, {@code terminate_idle},
 *                        {@code investigate}; null if none
 * @param summary         one human-readable sentence; may be null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnomalyEvent(
        String fingerprint,
        String targetId,
        String detector,
        String object,
        Severity severity,
        AnomalyState state,
        long sequence,
        Instant occurredAt,
        Instant openedAt,
        Map<String, Double> evidence,
        String suggestedAction,
        String summary) {

    /** Checks identity, state, sequence and time and copies the evidence. */
    public AnomalyEvent {
        Checks.notBlank(fingerprint, "fingerprint");
        Checks.notBlank(targetId, "target_id");
        Checks.notBlank(detector, "detector");
        Checks.notNull(severity, "severity");
        Checks.notNull(state, "state");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be >= 1 but was " + sequence);
        }
        Checks.notNull(occurredAt, "occurred_at");
        evidence = Checks.mapNoNullValues(evidence, "evidence");
        evidence.forEach((key, value) -> Checks.finite(value, "evidence '" + key + "'"));
    }

    /**
     * The CloudEvents type for this event.
     *
     * @return {@link EventTypes#forAnomaly(AnomalyState)} of the state
     */
    @JsonIgnore
    public String eventType() {
        return EventTypes.forAnomaly(state);
    }
}
