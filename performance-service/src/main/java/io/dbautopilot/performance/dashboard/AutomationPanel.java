package io.dbautopilot.performance.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * One of the dashboard's automation panels (backups, migrations): the automation service's answer, or why there is
 * none.
 *
 * @param available whether the automation service's answer was read
 * @param items     that answer, a JSON array as the automation service gives it; null when not read
 * @param reason    why it was not read, in words for an operator (e.g. the setting to set); null when read
 * @param checkedAt when it was read (or found not configured)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AutomationPanel(boolean available, JsonNode items, String reason, Instant checkedAt) {

    static AutomationPanel unavailable(String reason) {
        return new AutomationPanel(false, null, reason, Instant.now());
    }
}
