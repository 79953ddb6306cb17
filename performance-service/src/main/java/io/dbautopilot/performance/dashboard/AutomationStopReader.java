package io.dbautopilot.performance.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.HealthSummary;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads the automation service's emergency stop from its {@code /health} (the check {@code emergency-stop}, which
 * that service fills from its state database), at most once per {@code autopilot.dashboard.automation-cache};
 * blocking, so called from worker threads only. An unreachable service or a missing check is {@code unknown}, never
 * "no stop".
 */
@ApplicationScoped
public class AutomationStopReader {

    private static final Logger LOG = Logger.getLogger(AutomationStopReader.class);
    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final int MAX_TEXT = 2000;

    private final DashboardConfig config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private AutomationStop cached;

    public AutomationStopReader(DashboardConfig config) {
        this.config = config;
    }

    /** The stop's state, read anew when the cached reading is older than the cache setting. */
    public synchronized AutomationStop read() {
        if (config.automationUrl().isEmpty()) {
            return AutomationStop.notConfigured();
        }
        if (cached != null && cached.checkedAt().plus(config.automationCache()).isAfter(Instant.now())) {
            return cached;
        }
        cached = fetch(config.automationUrl().get().resolve("/health"));
        return cached;
    }

    private AutomationStop fetch(URI health) {
        HealthSummary summary;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(health).timeout(TIMEOUT)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            // 503 still carries every check: a DOWN dependency does not hide the stop
            if (r.statusCode() != 200 && r.statusCode() != 503) {
                return AutomationStop.unknown("the automation service's /health answered " + r.statusCode());
            }
            summary = JSON.readValue(r.body(), HealthSummary.class);
        } catch (IOException e) {
            LOG.debugf("Automation service health at %s not readable: %s", health, e.getMessage());
            return AutomationStop.unknown("the automation service's /health could not be read ("
                    + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AutomationStop.unknown("interrupted");
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
