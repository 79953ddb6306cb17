package io.dbautopilot.automation.stop;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * One emergency stop in force.
 *
 * @param target    the stopped target's id, or null for a global stop (every target)
 * @param reason    why, as given by the operator
 * @param stoppedBy the API credential that stopped
 * @param stoppedAt when
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EmergencyStop(String target, String reason, String stoppedBy, Instant stoppedAt) {

    /** Stored scope of a global stop. */
    public static final String GLOBAL = "*";

    /** Whether it stops every target. */
    public boolean global() {
        return target == null;
    }

    /** The reason an operation is refused or cancelled by this stop. */
    public String refusal() {
        return "emergency stop (" + (global() ? "global" : "target " + target) + ") by " + stoppedBy + ": " + reason;
    }
}
