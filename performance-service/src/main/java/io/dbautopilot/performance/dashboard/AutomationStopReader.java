package io.dbautopilot.performance.dashboard;

import io.dbautopilot.model.HealthSummary;
import io.dbautopilot.support.health.PeerHealth;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads the automation service's emergency stop from its {@code /health} (the check {@code emergency-stop}, which
 * that service fills from its state database) through the shared REST client ({@link PeerHealth}, timeout
 * {@code autopilot.health-summary.peer-timeout}), at most once per {@code autopilot.dashboard.automation-cache};
 * blocking, so called from worker threads only. An unreachable service or a missing check is {@code unknown}, never
 * "no stop".
 */
@ApplicationScoped
public class AutomationStopReader {

    private static final int MAX_TEXT = 2000;

    private final DashboardConfig config;
    private final PeerHealth peers;
    private AutomationStop cached;

    public AutomationStopReader(DashboardConfig config, PeerHealth peers) {
        this.config = config;
        this.peers = peers;
    }

    /** The stop's state, read anew when the cached reading is older than the cache setting. */
    public synchronized AutomationStop read() {
        if (config.automationUrl().isEmpty()) {
            return AutomationStop.notConfigured();
        }
        if (cached != null && cached.checkedAt().plus(config.automationCache()).isAfter(Instant.now())) {
            return cached;
        }
        cached = fetch(peers.read(config.automationUrl().get()));
        return cached;
    }

    private AutomationStop fetch(PeerHealth.Reading reading) {
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
        String targets = data.get("targets") == null ? "" : String.valueOf(data.get("targets"));
        List<String> stopped = targets.isBlank() ? List.of() : Arrays.stream(targets.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        String reasons = data.get("reasons") == null || String.valueOf(data.get("reasons")).isBlank() ? null
                : text(data.get("reasons"));
        return new AutomationStop(on ? "active" : "inactive", Boolean.TRUE.equals(data.get("global")), stopped,
                reasons, null, Instant.now());
    }

    private static String text(Object value) {
        String s = String.valueOf(value);
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "..." : s;
    }
}
