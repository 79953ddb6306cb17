package io.dbautopilot.performance.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;

/**
 * Data of a {@value PushMessage#PERFORMANCE_ALERT} message: one anomaly event as published on
 * {@code autopilot.anomalies.v1} (changes held back by a silence, window or operation are not pushed either).
 *
 * @param fingerprint     the anomaly's identity (rule + target + object)
 * @param state           {@code opened}, {@code escalated} or {@code resolved}
 * @param severity        {@code warning}, {@code critical} or {@code emergency}
 * @param rule            the rule or detector
 * @param object          affected object, null when target-wide
 * @param message         one sentence
 * @param sequence        per-target sequence number of anomaly events
 * @param openedAt        when it was opened
 * @param suggestedAction action kind that would address it
 * @param evidence        the measurements behind it
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AlertData(String fingerprint, String state, String severity, String rule, String object, String message,
                        long sequence, Instant openedAt, String suggestedAction, Map<String, Double> evidence) {
}
