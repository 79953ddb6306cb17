package io.dbautopilot.support.window;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one window syntax: weekday and overnight windows, time zones, next start, and errors naming the field. */
class RecurringWindowTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Instant berlin(int day, int hour, int minute) {
        return ZonedDateTime.of(2026, 11, day, hour, minute, 0, 0, BERLIN).toInstant();
    }

    @Test
    void aWeekdayWindowIsOpenOnlyInsideItsHours() {
        RecurringWindow w = RecurringWindow.parse("0 1 * * MON-FRI 3h", BERLIN);
        assertEquals(Duration.ofHours(3), w.duration());
        Instant monday2am = berlin(23, 2, 0); // 2026-11-23 is a Monday
        assertTrue(w.isOpen(monday2am));
        assertEquals(berlin(23, 1, 0), w.activeSince(monday2am).orElseThrow());
        assertFalse(w.isOpen(berlin(23, 4, 0)), "closes after 3 hours");
        assertFalse(w.isOpen(berlin(22, 2, 0)), "Sunday");
        assertEquals(berlin(24, 1, 0), w.nextStart(monday2am).orElseThrow());
        assertEquals(berlin(23, 1, 0), w.nextStart(berlin(22, 2, 0)).orElseThrow(), "from Sunday: Monday 01:00");
    }

    @Test
    void anOvernightWindowSpansMidnightInItsZone() {
        RecurringWindow w = RecurringWindow.of("0 22 * * SAT", "4h", "Europe/Berlin");
        assertTrue(w.isOpen(berlin(28, 23, 0)), "Saturday 23:00");
        assertTrue(w.isOpen(berlin(29, 1, 59)), "Sunday 01:59");
        assertFalse(w.isOpen(berlin(29, 2, 0)), "Sunday 02:00");
        assertFalse(w.isOpen(berlin(27, 23, 0)), "Friday 23:00");
        RecurringWindow utc = RecurringWindow.of("0 22 * * SAT", "4h", "UTC");
        assertFalse(utc.isOpen(berlin(28, 22, 30)), "22:30 in Berlin is 21:30 UTC");
    }

    @Test
    void badWindowsAreRejectedNamingTheField() {
        assertMessage(() -> RecurringWindow.parse("daily 01:00-04:00", BERLIN), "'<minute> <hour> <day> <month> <weekday> <duration>'");
        assertMessage(() -> RecurringWindow.parse("0 25 * * * 1h", BERLIN), "cron: '0 25 * * *'");
        assertMessage(() -> RecurringWindow.of("0 2 * * SUN", "forever", "UTC"), "duration: 'forever'");
        assertMessage(() -> RecurringWindow.of("0 2 * * SUN", "8d", "UTC"), "up to 7d");
        assertMessage(() -> RecurringWindow.of("0 2 * * SUN", "0s", "UTC"), "positive");
        assertMessage(() -> RecurringWindow.of("0 2 * * SUN", "1h", "Mars/Olympus"), "time_zone: unknown time zone 'Mars/Olympus'");
        assertMessage(() -> RecurringWindow.of("0 2 * *", "1h", "UTC"), "5-field");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String expected) {
        String m = assertThrows(IllegalArgumentException.class, e).getMessage();
        assertTrue(m.contains(expected), m);
    }
}
