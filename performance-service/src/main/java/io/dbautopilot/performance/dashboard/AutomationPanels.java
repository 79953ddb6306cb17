package io.dbautopilot.performance.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.support.peer.PeerClients;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.time.Instant;
import java.util.function.BiFunction;

/**
 * Reads what the dashboard's backups and migrations panels show from the automation service's API
 * ({@code autopilot.dashboard.automation-url}, with the viewer key {@code autopilot.dashboard.automation-key} when
 * set), each at most once per {@code autopilot.dashboard.automation-cache}; blocking, so called from worker threads
 * only. What cannot be read is a panel that says why, never an error; the key never appears in a panel.
 */
@ApplicationScoped
public class AutomationPanels {

    private static final int MAX_DETAIL = 300;

    private final DashboardConfig config;
    private final PeerClients clients;
    private final ObjectMapper json;
    private final Cached backups = new Cached("GET /api/backups/overview", AutomationApiClient::backups);
    private final Cached migrations = new Cached("GET /api/migrations", AutomationApiClient::migrations);

    public AutomationPanels(DashboardConfig config, PeerClients clients, ObjectMapper json) {
        this.config = config;
        this.clients = clients;
        this.json = json;
    }

    /** The backups panel: the automation service's {@code GET /api/backups/overview}. */
    public AutomationPanel backups() {
        return backups.get();
    }

    /** The migrations panel: the automation service's {@code GET /api/migrations}. */
    public AutomationPanel migrations() {
        return migrations.get();
    }

    /** One panel's latest reading; concurrent callers of a stale one wait for a single request. */
    private final class Cached {
        private final String request;
        private final BiFunction<AutomationApiClient, String, jakarta.ws.rs.core.Response> call;
        private AutomationPanel last;

        Cached(String request, BiFunction<AutomationApiClient, String, jakarta.ws.rs.core.Response> call) {
            this.request = request;
            this.call = call;
        }

        synchronized AutomationPanel get() {
            if (config.automationUrl().isEmpty()) {
                return AutomationPanel.unavailable("not configured: set autopilot.dashboard.automation-url "
                        + "(AUTOPILOT_DASHBOARD_AUTOMATION_URL) to the automation service's base URL");
            }
            if (last == null || !last.checkedAt().plus(config.automationCache()).isAfter(Instant.now())) {
                last = read();
            }
            return last;
        }

        private AutomationPanel read() {
            String key = config.automationKey().filter(k -> !k.isBlank()).orElse(null);
            PeerClients.Answer a = clients.call("Dashboard panel " + request, () -> call.apply(clients.client(
                    AutomationApiClient.class, config.automationUrl().get(), config.automationTimeout()), key));
            if (a.error() != null) {
                return AutomationPanel.unavailable("the automation service's " + request + " " + a.error());
            }
            if (a.status() == 401 || a.status() == 403) {
                return AutomationPanel.unavailable(key == null
                        ? "the automation service needs a viewer key (it answered " + a.status() + "): set "
                        + "autopilot.dashboard.automation-key (AUTOPILOT_DASHBOARD_AUTOMATION_KEY)"
                        : "the automation service refused autopilot.dashboard.automation-key (it answered "
                        + a.status() + "): set a viewer key of that service");
            }
            if (a.status() != 200) {
                return AutomationPanel.unavailable("the automation service's " + request + " answered " + a.status()
                        + detail(a.body()));
            }
            try {
                JsonNode items = json.readTree(a.body());
                if (items != null && items.isArray()) {
                    return new AutomationPanel(true, items, null, Instant.now());
                }
            } catch (IOException e) {
                // not JSON: said below
            }
            return AutomationPanel.unavailable("the automation service's " + request + " answered no JSON list");
        }

        /** The problem+json detail of an error answer, shortened: what the automation service says went wrong. */
        private String detail(String body) {
            try {
                String d = json.readTree(body).path("detail").asText("");
                return d.isBlank() ? "" : ": " + (d.length() > MAX_DETAIL ? d.substring(0, MAX_DETAIL) + "..." : d);
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }
    }
}
