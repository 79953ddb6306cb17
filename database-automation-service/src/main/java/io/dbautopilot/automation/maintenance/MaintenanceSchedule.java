package io.dbautopilot.automation.maintenance;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The maintenance windows of one database in its time zone.
 *
 * @param windows the windows; empty means window-mode operations never run by themselves
 * @param zone    the zone the window times are in
 */
public record MaintenanceSchedule(List<MaintenanceWindow> windows, ZoneId zone) {

    public MaintenanceSchedule {
        windows = List.copyOf(windows);
    }

    /** Whether any window is open now. */
    public boolean isOpen(Instant now) {
        ZonedDateTime at = now.atZone(zone);
        return windows.stream().anyMatch(w -> w.isOpen(at));
    }

    /** When the next window opens; empty when there are no windows. */
    public Optional<Instant> nextOpening(Instant now) {
        ZonedDateTime at = now.atZone(zone);
        return windows.stream().map(w -> w.nextOpening(at)).min(Comparator.naturalOrder()).map(ZonedDateTime::toInstant);
    }
}
