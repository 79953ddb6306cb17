package io.dbautopilot.performance.detect.suppression;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.dbautopilot.support.window.RecurringWindow;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A recurring maintenance window ({@link RecurringWindow}, the syntax both services share): starts at every time a
 * 5-field Unix cron expression names (in its time zone) and lasts {@code duration}; while active, anomalies of its target (all targets if none) and rule (all if none; exact or
 * {@code ~regex}) that open are recorded as suppressed and published only if still open after it.
 *
 * @param id        identity ({@code config:<name>} for windows from configuration, a UUID for API ones)
 * @param name      short name
 * @param source    {@code config} or {@code api}
 * @param targetId  target it applies to, null = every target
 * @param rule      rule/detector it applies to (exact or {@code ~regex}), null = every rule
 * @param cron      start times, e.g. {@code 0 2 * * SUN} (Sundays 02:00)
 * @param duration  how long each occurrence lasts, e.g. {@code 2h}
 * @param timeZone  zone of the cron expression
 * @param comment   why
 * @param createdBy who
 * @param createdAt when (null for configured ones)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MaintenanceWindow(String id, String name, String source, String targetId, String rule, String cron,
                                String duration, String timeZone, String comment, String createdBy,
                                Instant createdAt) {

    /** Checks cron, duration, zone and rule pattern; returns what is wrong (field named) or empty. */
    public static Optional<String> problem(String cron, String duration, String timeZone, String rule) {
        Optional<String> window = RecurringWindow.problem(cron, duration, timeZone);
        if (window.isPresent()) {
            return window;
        }
        if (rule != null && rule.startsWith("~")) {
            try {
                Pattern.compile(rule.substring(1));
            } catch (RuntimeException e) {
                return Optional.of("rule: bad regex '" + rule + "'");
            }
        }
        return Optional.empty();
    }

    /** The schedule, in the syntax both services share. */
    private RecurringWindow window() {
        return RecurringWindow.of(cron, duration, timeZone);
    }

    /** The start of the occurrence active at {@code now}, if any. */
    public Optional<Instant> activeSince(Instant now) {
        return window().activeSince(now);
    }

    /** Whether an occurrence is active at {@code now}. */
    public boolean activeAt(Instant now) {
        return activeSince(now).isPresent();
    }

    /** The next start after {@code now}. */
    public Optional<Instant> nextStart(Instant now) {
        return window().nextStart(now);
    }

    /** Whether it applies to an anomaly (target and rule). */
    public boolean appliesTo(AnomalyRecord r) {
        if (targetId != null && !targetId.equals(r.targetId())) {
            return false;
        }
        if (rule == null) {
            return true;
        }
        return rule.startsWith("~") ? Pattern.compile(rule.substring(1)).matcher(r.rule()).matches() : rule.equals(r.rule());
    }

    /** As a suppressor (the caller checked it is active). */
    @JsonIgnore
    public Suppressor asSuppressor() {
        String sid = "maintenance-window:" + id;
        return new Suppressor() {
            @Override
            public String suppressorId() {
                return sid;
            }

            @Override
            public boolean matches(AnomalyRecord anomaly) {
                return appliesTo(anomaly);
            }
        };
    }
}
