package io.dbautopilot.performance.detect.lifecycle;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.detect.rules.Observation;

import java.time.Instant;
import java.util.Map;

/**
 * The persisted state of one anomaly (table {@code performance.anomaly}); also the API's representation.
 *
 * @param fingerprint     rule + target + object, hashed
 * @param targetId        target id
 * @param rule            rule name (the events' detector)
 * @param object          affected object, null when target-wide
 * @param status          pending, open or resolved
 * @param severity        current (highest while open) severity
 * @param value           the value that caused the last change
 * @param evidence        measurements behind it
 * @param suggestedAction action kind
 * @param summary         one sentence
 * @param pendingSince    when the current breach began (pending only)
 * @param openedAt        when it was last opened
 * @param resolvedAt      when it was last resolved
 * @param updatedAt       last change
 * @param acknowledgedAt  when an operator acknowledged it (cleared when it re-opens)
 * @param acknowledgedBy  who acknowledged it
 * @param lastSequence    sequence number of the last event published for it
 * @param silencedBy      what holds back its publication: a silence id, {@code maintenance-window:<id>} or
 *                        {@code operation:<type>:<id>}; null if published
 * @param escalatedAt     when it was last escalated for staying unacknowledged (cleared when it re-opens)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AnomalyRecord(String fingerprint, String targetId, String rule, String object, AnomalyStatus status,
                            Severity severity, double value, Map<String, Double> evidence, String suggestedAction,
                            String summary, Instant pendingSince, Instant openedAt, Instant resolvedAt,
                            Instant updatedAt, Instant acknowledgedAt, String acknowledgedBy, Long lastSequence,
                            String silencedBy, Instant escalatedAt) {

    /** A copy with another status, severity, value, evidence, summary and times; re-opening clears ack and silence. */
    AnomalyRecord with(AnomalyStatus newStatus, Severity newSeverity, Observation o, String newSummary,
                       Instant newPendingSince, Instant newOpenedAt, Instant newResolvedAt, Instant now,
                       boolean clearAck) {
        return new AnomalyRecord(fingerprint, targetId, rule, object, newStatus, newSeverity,
                o == null ? value : o.value(), o == null ? evidence : o.evidence(), suggestedAction,
                newSummary == null ? summary : newSummary, newPendingSince, newOpenedAt, newResolvedAt, now,
                clearAck ? null : acknowledgedAt, clearAck ? null : acknowledgedBy, lastSequence,
                clearAck ? null : silencedBy, clearAck ? null : escalatedAt);
    }

    /** A copy with another suppressor (null = published). */
    public AnomalyRecord silenced(String silence) {
        return new AnomalyRecord(fingerprint, targetId, rule, object, status, severity, value, evidence,
                suggestedAction, summary, pendingSince, openedAt, resolvedAt, updatedAt, acknowledgedAt,
                acknowledgedBy, lastSequence, silence, escalatedAt);
    }

    /** A copy escalated to {@code newSeverity} at {@code now} because nobody acknowledged it. */
    AnomalyRecord escalatedUnacknowledged(Severity newSeverity, String newSummary, Instant now) {
        return new AnomalyRecord(fingerprint, targetId, rule, object, status, newSeverity, value, evidence,
                suggestedAction, newSummary, pendingSince, openedAt, resolvedAt, now, acknowledgedAt,
                acknowledgedBy, lastSequence, silencedBy, now);
    }
}
