package io.dbautopilot.performance.health;

import io.dbautopilot.performance.dashboard.DashboardConfig;
import io.dbautopilot.support.health.HealthContribution;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * performance-service's peer on {@code /health}: the database-automation-service at
 * {@code autopilot.dashboard.automation-url} (the URL the dashboard's emergency-stop banner reads too).
 */
@ApplicationScoped
public class AutomationPeer implements HealthContribution {

    private final DashboardConfig config;

    public AutomationPeer(DashboardConfig config) {
        this.config = config;
    }

    @Override
    public Optional<PeerService> peer() {
        return Optional.of(new PeerService("database-automation-service", config.automationUrl(),
                "autopilot.dashboard.automation-url"));
    }
}
