package io.dbautopilot.automation.maintenance;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * One recurring maintenance window, e.g. {@code mon-fri 22:00-02:00}: it opens on the listed days at {@code start}
 * and closes at {@code end} (the next day when {@code end <= start}).
 *
 * @param days  days on which it opens
 * @param start opening time
 * @param end   closing time
 */
public record MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end) {

    /** Parses {@code <days> HH:MM[:SS]-HH:MM[:SS]}; days: {@code daily}, {@code mon-fri}, {@code sat,sun}. */
    public static MaintenanceWindow parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("window is empty");
        }
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("'" + text + "' is not '<days> HH:MM-HH:MM' (e.g. 'daily 01:00-04:00')");
        }
        Set<DayOfWeek> days = days(parts[0], text);
        String[] times = parts[1].split("-");
        if (times.length != 2) {
            throw new IllegalArgumentException("'" + text + "': times must be 'HH:MM-HH:MM'");
        }
        try {
            LocalTime start = LocalTime.parse(times[0]);
            LocalTime end = LocalTime.parse(times[1]);
            if (start.equals(end)) {
                throw new IllegalArgumentException("'" + text + "': start and end are equal");
            }
            return new MaintenanceWindow(days, start, end);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getParsedString() + " is not a time HH:MM[:SS]");
        }
    }

    private static Set<DayOfWeek> days(String spec, String text) {
        if (spec.equals("daily")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String item : spec.split(",")) {
            String[] range = item.split("-");
            DayOfWeek from = day(range[0], text);
            DayOfWeek to = range.length > 1 ? day(range[1], text) : from;
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                days.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String s, String text) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().toLowerCase(Locale.ROOT).startsWith(s) && s.length() >= 3) {
                return d;
            }
        }
        throw new IllegalArgumentException("'" + text + "': '" + s + "' is not a day (mon..sun or daily)");
    }

    private boolean overnight() {
        return !end.isAfter(start);
    }

    /** Whether the window is open at this moment (in the schedule's zone). */
    public boolean isOpen(ZonedDateTime at) {
        LocalTime t = at.toLocalTime();
        DayOfWeek today = at.getDayOfWeek();
        if (!overnight()) {
            return days.contains(today) && !t.isBefore(start) && t.isBefore(end);
        }
        return (days.contains(today) && !t.isBefore(start)) || (days.contains(today.minus(1)) && t.isBefore(end));
    }

    /** The next opening strictly after {@code after}, within the next 8 days. */
    public ZonedDateTime nextOpening(ZonedDateTime after) {
        LocalDate date = after.toLocalDate();
        for (int i = 0; i <= 8; i++) {
            LocalDate d = date.plusDays(i);
            if (days.contains(d.getDayOfWeek())) {
                ZonedDateTime open = d.atTime(start).atZone(after.getZone());
                if (open.isAfter(after)) {
                    return open;
                }
            }
        }
        throw new IllegalStateException("window " + this + " never opens");
    }
}
