package io.dbautopilot.performance.detect.suppression;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A silence: while active, anomalies matching every matcher are recorded but not published.
 *
 * @param id        identity
 * @param matchers  {@code target}, {@code rule}, {@code object} and/or {@code severity} to an exact value or
 *                  {@code ~regex} (whole value); at least one
 * @param comment   why
 * @param createdBy who
 * @param createdAt when
 * @param expiresAt until when it applies
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Silence(String id, Map<String, String> matchers, String comment, String createdBy, Instant createdAt,
                      Instant expiresAt) implements Suppressor {

    @Override
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String suppressorId() {
        return id;
    }

    /** The keys a matcher may use. */
    public static final Set<String> KEYS = Set.of("target", "rule", "object", "severity");

    /** Whether the silence applies at {@code now}. */
    public boolean activeAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    /** Whether every matcher matches the anomaly. */
    @Override
    public boolean matches(AnomalyRecord r) {
        for (Map.Entry<String, String> m : matchers.entrySet()) {
            String actual = switch (m.getKey()) {
                case "target" -> r.targetId();
                case "rule" -> r.rule();
                case "object" -> r.object();
                case "severity" -> r.severity().wire();
                default -> null;
            };
            if (actual == null) {
                return false;
            }
            String want = m.getValue();
            boolean ok = want.startsWith("~") ? Pattern.compile(want.substring(1)).matcher(actual).matches()
                    : want.equals(actual);
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
