package io.dbautopilot.automation.health;

import io.smallrye.config.ConfigMapping;

import java.net.URI;
import java.util.Optional;

/** Where the other service of the pair runs ({@code autopilot.peer.*}), for {@code /health}'s peer section. */
@ConfigMapping(prefix = "autopilot.peer")
public interface PeerConfig {

    /**
     * Base URL of the performance-service whose {@code /health} is shown (env {@code AUTOPILOT_PEER_PERFORMANCE_URL},
     * e.g. {@code http://performance-service:8085}). Unset: the peer is shown as not configured and does not count.
     */
    Optional<URI> performanceUrl();
}
