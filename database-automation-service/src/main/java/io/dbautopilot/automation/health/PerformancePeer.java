package io.dbautopilot.automation.health;

import io.dbautopilot.support.health.HealthContribution;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** database-automation-service's peer on {@code /health}: the performance-service at {@code autopilot.peer.performance-url}. */
@ApplicationScoped
public class PerformancePeer implements HealthContribution {

    private final PeerConfig config;

    public PerformancePeer(PeerConfig config) {
        this.config = config;
    }

    @Override
    public Optional<PeerService> peer() {
        return Optional.of(new PeerService("performance-service", config.performanceUrl(),
                "autopilot.peer.performance-url"));
    }
}
