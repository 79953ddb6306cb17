package io.dbautopilot.performance.detect.suppression;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.quarkus.runtime.configuration.DurationConverter;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A recurring maintenance window: starts at every time a 5-field Unix cron expression names (in its time zone) and
 * lasts {@code duration}; while active, anomalies of its target (all targets if none) and rule (all if none; exact or
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

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** Checks cron, duration, zone and rule pattern; returns what is wrong (field named) or empty. */
    public static Optional<String> problem(String cron, String duration, String timeZone, String rule) {
        try {
            PARSER.parse(cron).validate();
        } catch (RuntimeException e) {
            return Optional.of("cron: '" + cron + "' is not a 5-field cron expression (minute hour day month weekday, "
                    + "e.g. '0 2 * * SUN'): " + e.getMessage());
        }
        Duration d;
        try {
            d = DurationConverter.parseDuration(duration);
        } catch (RuntimeException e) {
            d = null;
        }
        if (d == null || d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(7)) > 0) {
            return Optional.of("duration: '" + duration + "' must be a positive duration up to 7d, e.g. 2h");
        }
        try {
            ZoneId.of(timeZone);
        } catch (RuntimeException e) {
            return Optional.of("time_zone: unknown time zone '" + timeZone + "'");
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

    private ExecutionTime schedule() {
        Cron parsed = PARSER.parse(cron);
        return ExecutionTime.forCron(parsed);
    }

    private Duration length() {
        return DurationConverter.parseDuration(duration);
    }

    /** The start of the occurrence active at {@code now}, if any. */
    public Optional<Instant> activeSince(Instant now) {
        ZonedDateTime at = now.atZone(ZoneId.of(timeZone));
        ExecutionTime schedule = schedule();
        if (schedule.isMatch(at.withSecond(0).withNano(0))) {
            return Optional.of(at.withSecond(0).withNano(0).toInstant());
        }
        return schedule.lastExecution(at).map(ZonedDateTime::toInstant)
                .filter(start -> now.isBefore(start.plus(length())));
    }

    /** Whether an occurrence is active at {@code now}. */
    public boolean activeAt(Instant now) {
        return activeSince(now).isPresent();
    }

    /** The next start after {@code now}. */
    public Optional<Instant> nextStart(Instant now) {
        return schedule().nextExecution(now.atZone(ZoneId.of(timeZone))).map(ZonedDateTime::toInstant);
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
