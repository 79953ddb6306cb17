package io.dbautopilot.support.window;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.quarkus.runtime.configuration.DurationConverter;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Optional;

/**
 * The one maintenance-window syntax of both services: a window opens at every time a 5-field Unix cron expression
 * names (minute hour day-of-month month day-of-week), in a time zone, and stays open for a duration. Written inline
 * as {@code "<cron> <duration>"}, e.g. {@code "0 22 * * MON-FRI 4h"} (weekdays 22:00 to 02:00). Start and end are
 * local wall-clock times, also on DST nights; a start that does not exist that night opens at the end of the gap.
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

    /** How far a DST change can move the wall clock (the largest offset change in the tz database is 2 h). */
    private static final Duration LARGEST_SHIFT = Duration.ofHours(3);
    /** Bound on the occurrences examined per query (an every-minute cron examines about 180). */
    private static final int MAX_STEPS = 20_000;

    /**
     * The schedule on the local wall clock: the cron is evaluated on local date-times (carried as UTC, which has no
     * DST), so each local time the cron names is one occurrence, whatever the zone's offset does that night.
     */
    private ExecutionTime schedule() {
        return ExecutionTime.forCron(PARSER.parse(cron));
    }

    /**
     * The instant a local wall-clock time happens in {@link #zone}: the time itself when it exists; its first
     * occurrence when the clock shows it twice (fall back); the first valid instant after it, i.e. the end of the gap,
     * when it does not exist (spring forward), as cron and systemd timers do.
     */
    private Instant instantOf(LocalDateTime local) {
        ZoneRules rules = zone.getRules();
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            return rules.getTransition(local).getInstant();
        }
        return local.toInstant(offsets.get(0));
    }

    /**
     * The start of the occurrence open at {@code now}, if any. An occurrence opens at its local start time and closes
     * at its local start time plus the duration, both read on the local wall clock ({@link #instantOf}): on a DST night
     * a window of "01:00 for 3h" is open 01:00-04:00 local, i.e. 2 h or 4 h of elapsed time.
     */
    public Optional<Instant> activeSince(Instant now) {
        ExecutionTime schedule = schedule();
        // the latest occurrence that has started: its local start is at most now's wall-clock time plus a DST shift
        // (during a repeated hour the clock shows a time earlier than occurrences already started)
        LocalDateTime cursor = now.atZone(zone).toLocalDateTime().plus(LARGEST_SHIFT).truncatedTo(ChronoUnit.MINUTES)
                .plusMinutes(1);
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<ZonedDateTime> last = schedule.lastExecution(cursor.atZone(ZoneOffset.UTC));
            if (last.isEmpty()) {
                return Optional.empty();
            }
            LocalDateTime start = last.get().toLocalDateTime();
            Instant opens = instantOf(start);
            if (!opens.isAfter(now)) {
                // instants grow with local times, so no earlier occurrence closes later than this one
                return now.isBefore(instantOf(start.plus(duration))) ? Optional.of(opens) : Optional.empty();
            }
            cursor = start;
        }
        return Optional.empty();
    }

    /** Whether an occurrence is open at {@code now}. */
    public boolean isOpen(Instant now) {
        return activeSince(now).isPresent();
    }

    /** The next start strictly after {@code now} ({@link #activeSince} says how local times become instants). */
    public Optional<Instant> nextStart(Instant now) {
        ExecutionTime schedule = schedule();
        LocalDateTime cursor = now.atZone(zone).toLocalDateTime().minus(LARGEST_SHIFT).truncatedTo(ChronoUnit.MINUTES)
                .minusMinutes(1);
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<ZonedDateTime> next = schedule.nextExecution(cursor.atZone(ZoneOffset.UTC));
            if (next.isEmpty()) {
                return Optional.empty();
            }
            LocalDateTime start = next.get().toLocalDateTime();
            Instant opens = instantOf(start);
            if (opens.isAfter(now)) {
                return Optional.of(opens);
            }
            cursor = start;
        }
        return Optional.empty();
    }
}
