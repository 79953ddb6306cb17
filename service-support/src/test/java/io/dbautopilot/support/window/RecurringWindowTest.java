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

    /**
     * DST nights in Europe/Berlin (2026-03-29 02:00 -> 03:00, 2026-10-25 03:00 -> 02:00) and America/New_York
     * (2026-03-08 02:00 -> 03:00, 2026-11-01 02:00 -> 01:00): a window opens and closes at its local wall-clock
     * times; a start inside the spring gap opens at the gap's end; a repeated start time opens once.
     */
    @Test
    void windowsKeepTheirLocalTimesAcrossDstChanges() {
        ZoneId ny = ZoneId.of("America/New_York");
        // window, zone, first local minute scanned, [open, close) intervals expected (local)
        assertIntervals("0 1 * * * 3h", BERLIN, "2026-03-28T20:00", "2026-03-29T01:00 - 2026-03-29T04:00");
        assertIntervals("0 1 * * * 3h", BERLIN, "2026-10-24T20:00", "2026-10-25T01:00 - 2026-10-25T04:00");
        assertIntervals("30 2 * * * 1h", BERLIN, "2026-03-28T20:00", "2026-03-29T03:00 - 2026-03-29T03:30");
        assertIntervals("30 2 * * * 1h", BERLIN, "2026-10-24T20:00", "2026-10-25T02:30 - 2026-10-25T03:30");
        assertIntervals("0 22 * * SAT 6h", BERLIN, "2026-03-28T12:00", "2026-03-28T22:00 - 2026-03-29T04:00");
        assertIntervals("0 22 * * SAT 6h", BERLIN, "2026-10-24T12:00", "2026-10-24T22:00 - 2026-10-25T04:00");
        assertIntervals("0 0 * * * 4h", ny, "2026-03-07T20:00", "2026-03-08T00:00 - 2026-03-08T04:00");
        assertIntervals("0 0 * * * 4h", ny, "2026-10-31T20:00", "2026-11-01T00:00 - 2026-11-01T04:00");
        assertIntervals("15 2 * * SUN 1h", ny, "2026-03-07T20:00", "2026-03-08T03:00 - 2026-03-08T03:15");
        assertIntervals("15 2 * * SUN 30m", ny, "2026-03-07T20:00"); // 02:15-02:45 lies wholly in the skipped hour
        assertIntervals("30 1 * * * 1h", ny, "2026-10-31T20:00", "2026-11-01T01:30 - 2026-11-01T02:30");
        // the next start of a window whose start time does not exist that night: the end of the gap
        RecurringWindow spring = RecurringWindow.parse("30 2 * * * 1h", BERLIN);
        assertEquals(Instant.parse("2026-03-29T01:00:00Z"), spring.nextStart(Instant.parse("2026-03-28T22:00:00Z")).orElseThrow());
        assertEquals(Instant.parse("2026-03-29T01:00:00Z"), spring.activeSince(Instant.parse("2026-03-29T01:10:00Z")).orElseThrow());
        // a start repeated by the fall-back hour opens once, at its first occurrence
        RecurringWindow fall = RecurringWindow.parse("30 1 * * * 1h", ny);
        assertEquals(Instant.parse("2026-11-02T06:30:00Z"), fall.nextStart(Instant.parse("2026-11-01T05:31:00Z")).orElseThrow(),
                "no second start at the repeated 01:30 (06:30 UTC): the next is the next day's");
    }

    /** Steps a clock minute by minute over 20 h from {@code fromLocal} and compares the open intervals (local). */
    private static void assertIntervals(String window, ZoneId zone, String fromLocal, String... expected) {
        RecurringWindow w = RecurringWindow.parse(window, zone);
        Instant from = java.time.LocalDateTime.parse(fromLocal).atZone(zone).toInstant();
        java.util.List<String> intervals = new java.util.ArrayList<>();
        Instant openedAt = null;
        for (Instant t = from; t.isBefore(from.plus(Duration.ofHours(20))); t = t.plus(Duration.ofMinutes(1))) {
            boolean open = w.isOpen(t);
            if (open && openedAt == null) {
                openedAt = t;
            } else if (!open && openedAt != null) {
                intervals.add(local(openedAt, zone) + " - " + local(t, zone));
                openedAt = null;
            }
        }
        if (openedAt != null) {
            intervals.add(local(openedAt, zone) + " - (still open)");
        }
        assertEquals(java.util.List.of(expected), intervals, window + " in " + zone);
    }

    private static String local(Instant t, ZoneId zone) {
        return java.time.LocalDateTime.ofInstant(t, zone).toString();
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
