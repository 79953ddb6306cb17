package io.dbautopilot.performance.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * The automation service's emergency stop as the dashboard shows it (its banner): read from that service's
 * {@code GET /api/emergency-stop} with the viewer key {@code autopilot.dashboard.automation-key}, or, without a key
 * that service accepts, from its open {@code /health} check {@code emergency-stop} (which has no names or reasons).
 *
 * @param state     {@code active}, {@code inactive}, {@code unknown} (the automation service could not be read, or
 *                  cannot read its own state database) or {@code not_configured} (no
 *                  {@code autopilot.dashboard.automation-url})
 * @param global    whether a global stop is in force
 * @param targets   targets with a stop of their own (empty when only their count could be read)
 * @param targetCount how many targets have a stop of their own
 * @param reasons   the stops' reasons as the automation service words them; null when none or not readable
 * @param detail    why the state is unknown, or what to set to see the targets and reasons; null otherwise
 * @param checkedAt when the automation service was read; null when not configured
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AutomationStop(String state, boolean global, List<String> targets, int targetCount, String reasons,
                             String detail, Instant checkedAt) {

    /** No automation service configured. */
    static AutomationStop notConfigured() {
        return new AutomationStop("not_configured", false, List.of(), 0, null,
                "autopilot.dashboard.automation-url is not set", null);
    }

    /** The automation service could not tell. */
    static AutomationStop unknown(String detail) {
        return new AutomationStop("unknown", false, List.of(), 0, null, detail, Instant.now());
    }
}
