package io.dbautopilot.automation.maintenance;

import io.dbautopilot.support.window.RecurringWindow;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The maintenance windows of one database ({@code autopilot.databases.<id>.maintenance-windows}, each
 * {@code "<5-field cron> <duration>"} in the database's {@code time-zone}), the same syntax as performance-service's.
 *
 * @param windows the windows; empty means window-mode operations never run by themselves
 * @param zone    the zone the window times are in
 */
public record MaintenanceSchedule(List<RecurringWindow> windows, ZoneId zone) {

    public MaintenanceSchedule {
        windows = List.copyOf(windows);
    }

    /** Whether any window is open now. */
    public boolean isOpen(Instant now) {
        return windows.stream().anyMatch(w -> w.isOpen(now));
    }

    /** When the next window opens; empty when there are no windows. */
    public Optional<Instant> nextOpening(Instant now) {
        return windows.stream().flatMap(w -> w.nextStart(now).stream()).min(Comparator.naturalOrder());
    }
}
