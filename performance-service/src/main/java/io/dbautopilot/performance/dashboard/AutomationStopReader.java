package io.dbautopilot.performance.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.HealthSummary;
import io.dbautopilot.support.health.PeerHealth;
import io.dbautopilot.support.peer.PeerClients;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the automation service's emergency stop for the dashboard's banner, at most once per
 * {@code autopilot.dashboard.automation-cache}: its {@code GET /api/emergency-stop} with the viewer key
 * {@code autopilot.dashboard.automation-key} (targets and reasons), else its open {@code /health} check
 * {@code emergency-stop} through {@link PeerHealth} (state, global and the number of stopped targets only); blocking,
 * so called from worker threads only. An unreachable service or a missing check is {@code unknown}, never "no stop".
 */
@ApplicationScoped
public class AutomationStopReader {

    private static final int MAX_TEXT = 2000;
    private static final String NO_NAMES = "which targets and why: set autopilot.dashboard.automation-key "
            + "(AUTOPILOT_DASHBOARD_AUTOMATION_KEY) to a viewer key of the automation service";

    private final DashboardConfig config;
    private final PeerHealth peers;
    private final PeerClients clients;
    private final ObjectMapper json;
    private AutomationStop cached;

    public AutomationStopReader(DashboardConfig config, PeerHealth peers, PeerClients clients, ObjectMapper json) {
        this.config = config;
        this.peers = peers;
        this.clients = clients;
        this.json = json;
    }

    /** The stop's state, read anew when the cached reading is older than the cache setting. */
    public synchronized AutomationStop read() {
        if (config.automationUrl().isEmpty()) {
            return AutomationStop.notConfigured();
        }
        if (cached != null && cached.checkedAt().plus(config.automationCache()).isAfter(Instant.now())) {
            return cached;
        }
        AutomationStop listed = config.automationKey().filter(k -> !k.isBlank()).map(this::fromApi).orElse(null);
        cached = listed != null ? listed : fromHealth(peers.read(config.automationUrl().get()));
        return cached;
    }

    /** The stops as {@code GET /api/emergency-stop} lists them; null when that cannot be read (the key refused, ...). */
    private AutomationStop fromApi(String key) {
        PeerClients.Answer a = clients.call("Dashboard emergency stop", () -> clients.client(AutomationApiClient.class,
                config.automationUrl().get(), config.automationTimeout()).emergencyStops(key));
        if (a.error() != null || a.status() != 200) {
            return null;
        }
        try {
            JsonNode body = json.readTree(a.body());
            if (body == null || !body.path("active").isBoolean() || !body.path("stops").isArray()) {
                return null;
            }
            boolean global = false;
            List<String> targets = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            for (JsonNode stop : body.path("stops")) {
                String target = stop.path("target").isTextual() ? stop.path("target").asText() : null;
                if (target == null) {
                    global = true;
                } else {
                    targets.add(target);
                }
                reasons.add((target == null ? "all targets" : target) + ": " + stop.path("reason").asText(""));
            }
            return new AutomationStop(body.path("active").asBoolean() ? "active" : "inactive", global, List.copyOf(targets),
                    targets.size(), reasons.isEmpty() ? null : text(String.join("; ", reasons)), null, Instant.now());
        } catch (IOException e) {
            return null;
        }
    }

    /** The stop as the open {@code /health} check gives it: no target names, no reasons. */
    private AutomationStop fromHealth(PeerHealth.Reading reading) {
        HealthSummary summary = reading.summary();
        if (summary == null) {
            return AutomationStop.unknown("the automation service's " + reading.error());
        }
        HealthSummary.Check check = summary.checks().stream().filter(c -> "emergency-stop".equals(c.name()))
                .findFirst().orElse(null);
        if (check == null) {
            return AutomationStop.unknown("the automation service's /health has no emergency-stop check");
        }
        Map<String, Object> data = check.data();
        Object active = data.get("active");
        if (!(active instanceof Boolean on)) {
            return AutomationStop.unknown(text(active == null ? "no state in the emergency-stop check" : active));
        }
        int count = data.get("target_count") instanceof Number n ? n.intValue() : 0;
        return new AutomationStop(on ? "active" : "inactive", Boolean.TRUE.equals(data.get("global")), List.of(), count,
                null, on ? NO_NAMES : null, Instant.now());
    }

    private static String text(Object value) {
        String s = String.valueOf(value);
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "..." : s;
    }
}
