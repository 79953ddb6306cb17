package io.dbautopilot.automation.maintenance;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing and evaluation of maintenance windows, including overnight windows and time zones. */
class MaintenanceWindowTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void aWeekdayWindowIsOpenOnlyInsideItsHours() {
        MaintenanceWindow w = MaintenanceWindow.parse("mon-fri 01:00-04:00");
        assertEquals(5, w.days().size());
        ZonedDateTime monday = ZonedDateTime.of(2026, 11, 23, 2, 0, 0, 0, BERLIN);
        assertEquals(DayOfWeek.MONDAY, monday.getDayOfWeek());
        assertTrue(w.isOpen(monday));
        assertFalse(w.isOpen(monday.withHour(4)));
        assertFalse(w.isOpen(monday.minusDays(1)), "Sunday");
        assertEquals(monday.withHour(1).plusDays(1), w.nextOpening(monday));
        assertEquals(monday.withHour(1), w.nextOpening(monday.minusDays(1)), "from Sunday 02:00: Monday 01:00");
    }

    @Test
    void anOvernightWindowSpansMidnight() {
        MaintenanceWindow w = MaintenanceWindow.parse("sat 22:00-02:00");
        ZonedDateTime saturday = ZonedDateTime.of(2026, 11, 28, 23, 0, 0, 0, BERLIN);
        assertTrue(w.isOpen(saturday));
        assertTrue(w.isOpen(saturday.plusHours(2)), "Sunday 01:00");
        assertFalse(w.isOpen(saturday.plusHours(4)), "Sunday 03:00");
        assertFalse(w.isOpen(saturday.minusDays(1)), "Friday 23:00");
    }

    @Test
    void aScheduleFindsTheNextOpeningInItsZone() {
        MaintenanceSchedule s = new MaintenanceSchedule(List.of(MaintenanceWindow.parse("daily 03:00:30-03:10")), BERLIN);
        Instant now = ZonedDateTime.of(2026, 11, 22, 3, 0, 0, 0, BERLIN).toInstant();
        assertFalse(s.isOpen(now));
        assertEquals(now.plusSeconds(30), s.nextOpening(now).orElseThrow());
        assertTrue(s.isOpen(now.plusSeconds(31)));
        assertTrue(new MaintenanceSchedule(List.of(), BERLIN).nextOpening(now).isEmpty());
    }

    @Test
    void badWindowsAreRejectedSayingWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MaintenanceWindow.parse("someday 01:00-02:00"))
                .getMessage().contains("'someday' is not a day"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MaintenanceWindow.parse("daily 25:00-26:00"))
                .getMessage().contains("is not a time"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MaintenanceWindow.parse("daily"))
                .getMessage().contains("<days> HH:MM-HH:MM"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MaintenanceWindow.parse("daily 01:00-01:00"))
                .getMessage().contains("start and end are equal"));
    }
}
