package io.dbautopilot.deploy;

import io.dbautopilot.support.window.RecurringWindow;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 19's scenario 8: maintenance windows crossing a DST change, with the one window code both services use
 * ({@link RecurringWindow}) and a clock stepped minute by minute across each change night in Europe/Berlin (spring
 * forward 2026-03-29 02:00 -> 03:00, fall back 2026-10-25 03:00 -> 02:00). Criterion (the issue's): the window opens
 * and closes at the configured local times - it opens once, at the cron's local time (or, when that time does not
 * exist that night, at the first minute after the gap), and closes at start + duration on the local wall clock.
 */
@Tag("reliability")
class ReliabilityDstWindowTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void windowsAcrossDstChanges() {
        ReliabilityReport report = new ReliabilityReport("8. maintenance window across a DST change");
        LocalDate spring = LocalDate.of(2026, 3, 29);
        LocalDate fall = LocalDate.of(2026, 10, 25);
        check(report, "0 1 * * * 3h", spring, LocalTime.of(1, 0), LocalTime.of(4, 0));
        check(report, "0 1 * * * 3h", fall, LocalTime.of(1, 0), LocalTime.of(4, 0));
        check(report, "30 2 * * * 1h", spring, LocalTime.of(3, 0), LocalTime.of(3, 30));
        check(report, "30 2 * * * 1h", fall, LocalTime.of(2, 30), LocalTime.of(3, 30));
        check(report, "0 22 * * SAT 6h", spring.minusDays(1), LocalTime.of(22, 0), LocalTime.of(4, 0));
        check(report, "0 22 * * SAT 6h", fall.minusDays(1), LocalTime.of(22, 0), LocalTime.of(4, 0));
        report.assertAllHeld();
    }

    /**
     * Steps a clock minute by minute from 6 h before the expected opening to 6 h after the expected closing (local)
     * and records every open interval.
     */
    private static void check(ReliabilityReport report, String window, LocalDate openDay, LocalTime expectedOpen,
                              LocalTime expectedClose) {
        RecurringWindow w = RecurringWindow.parse(window, BERLIN);
        LocalDateTime open = LocalDateTime.of(openDay, expectedOpen);
        LocalDateTime close = LocalDateTime.of(expectedClose.isBefore(expectedOpen) ? openDay.plusDays(1) : openDay, expectedClose);
        Instant from = open.minusHours(6).atZone(BERLIN).toInstant();
        Instant to = close.plusHours(6).atZone(BERLIN).toInstant();
        List<String> intervals = new ArrayList<>();
        Instant openedAt = null;
        for (Instant t = from; t.isBefore(to); t = t.plus(Duration.ofMinutes(1))) {
            boolean isOpen = w.isOpen(t);
            if (isOpen && openedAt == null) {
                openedAt = t;
            } else if (!isOpen && openedAt != null) {
                intervals.add(local(openedAt) + " - " + local(t));
                openedAt = null;
            }
        }
        if (openedAt != null) {
            intervals.add(local(openedAt) + " - (open at the end)");
        }
        String expected = open + " - " + close;
        report.check("'" + window + "' Europe/Berlin on " + (openDay.getMonthValue() < 6 ? "spring-forward" : "fall-back")
                        + " night: opens and closes at the configured local times (expected " + expected + ")",
                "open " + intervals, intervals.equals(List.of(expected)));
    }

    private static String local(Instant t) {
        return LocalDateTime.ofInstant(t, BERLIN).toString();
    }
}
