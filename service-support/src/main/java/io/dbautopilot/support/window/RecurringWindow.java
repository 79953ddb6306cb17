package io.dbautopilot.support.window;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.quarkus.runtime.configuration.DurationConverter;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * The one maintenance-window syntax of both services: a window opens at every time a 5-field Unix cron expression
 * names (minute hour day-of-month month day-of-week), in a time zone, and stays open for a duration. Written inline
 * as {@code "<cron> <duration>"}, e.g. {@code "0 22 * * MON-FRI 4h"} (weekdays 22:00 to 02:00).
 *
 * @param cron     the 5 cron fields, e.g. {@code 0 2 * * SUN}
 * @param duration how long each occurrence lasts (up to 7 days)
 * @param zone     the zone the cron times are in
 */
public record RecurringWindow(String cron, Duration duration, ZoneId zone) {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Duration LONGEST = Duration.ofDays(7);

    public RecurringWindow {
        problem(cron, duration, zone).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
    }

    /** Parses the inline form {@code "<5 cron fields> <duration>"} in {@code zone}. */
    public static RecurringWindow parse(String text, ZoneId zone) {
        String[] parts = text == null ? new String[0] : text.trim().split("\\s+");
        if (parts.length != 6) {
            throw new IllegalArgumentException("'" + text + "' is not '<minute> <hour> <day> <month> <weekday> <duration>'"
                    + " (e.g. '0 22 * * MON-FRI 4h': weekdays 22:00 for 4 hours)");
        }
        return of(String.join(" ", java.util.Arrays.copyOf(parts, 5)), parts[5], zone.getId());
    }

    /** Builds a window from its three fields as given by a user; the message names the field that is wrong. */
    public static RecurringWindow of(String cron, String duration, String timeZone) {
        problem(cron, duration, timeZone).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return new RecurringWindow(cron.trim(), DurationConverter.parseDuration(duration), ZoneId.of(timeZone));
    }

    /** What is wrong with these fields (the field named, as given), or empty. */
    public static Optional<String> problem(String cron, String duration, String timeZone) {
        Optional<String> badCron = cronProblem(cron);
        if (badCron.isPresent()) {
            return badCron;
        }
        Duration d;
        try {
            d = duration == null ? null : DurationConverter.parseDuration(duration);
        } catch (RuntimeException e) {
            d = null;
        }
        if (d == null || d.isNegative() || d.isZero() || d.compareTo(LONGEST) > 0) {
            return Optional.of("duration: '" + duration + "' must be a positive duration up to 7d, e.g. 2h");
        }
        try {
            ZoneId.of(timeZone);
        } catch (RuntimeException e) {
            return Optional.of("time_zone: unknown time zone '" + timeZone + "'");
        }
        return Optional.empty();
    }

    private static Optional<String> problem(String cron, Duration duration, ZoneId zone) {
        Optional<String> badCron = cronProblem(cron);
        if (badCron.isPresent()) {
            return badCron;
        }
        if (duration == null || duration.isNegative() || duration.isZero() || duration.compareTo(LONGEST) > 0) {
            return Optional.of("duration: '" + duration + "' must be a positive duration up to 7d, e.g. 2h");
        }
        return zone == null ? Optional.of("time_zone: a time zone is required") : Optional.empty();
    }

    private static Optional<String> cronProblem(String cron) {
        try {
            if (cron == null || cron.trim().split("\\s+").length != 5) {
                throw new IllegalArgumentException("expected 5 fields");
            }
            PARSER.parse(cron.trim()).validate();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("cron: '" + cron + "' is not a 5-field cron expression (minute hour day month weekday, "
                    + "e.g. '0 2 * * SUN'): " + e.getMessage());
        }
    }

    private ExecutionTime schedule() {
        return ExecutionTime.forCron(PARSER.parse(cron));
    }

    /** The start of the occurrence open at {@code now}, if any. */
    public Optional<Instant> activeSince(Instant now) {
        ZonedDateTime at = now.atZone(zone);
        ZonedDateTime minute = at.withSecond(0).withNano(0);
        ExecutionTime schedule = schedule();
        if (schedule.isMatch(minute)) {
            return Optional.of(minute.toInstant());
        }
        return schedule.lastExecution(at).map(ZonedDateTime::toInstant).filter(start -> now.isBefore(start.plus(duration)));
    }

    /** Whether an occurrence is open at {@code now}. */
    public boolean isOpen(Instant now) {
        return activeSince(now).isPresent();
    }

    /** The next start strictly after {@code now}. */
    public Optional<Instant> nextStart(Instant now) {
        return schedule().nextExecution(now.atZone(zone)).map(ZonedDateTime::toInstant);
    }
}
