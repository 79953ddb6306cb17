package io.dbautopilot.support.health;

import io.dbautopilot.model.HealthSummary;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one service adds to the shared {@code /health} summary (a bean per service): its background tasks, its
 * targets' reachability, its open anomalies and its peer. Called by {@link HealthRefresher} on a worker thread, never
 * per request; a method may block (it reads the state database at most).
 */
public interface HealthContribution {

    /** The background tasks to watch; read at every refresh (the set may change, e.g. targets taken over). */
    default List<WatchedTask> tasks() {
        return List.of();
    }

    /** The reachability of the targets this instance watches; empty when the service has no targets section. */
    default Optional<List<HealthSummary.TargetReach>> targets() {
        return Optional.empty();
    }

    /** Open anomalies by severity; empty when the service keeps no anomalies. */
    default Optional<Map<String, Long>> openAnomalies() {
        return Optional.empty();
    }

    /** The peer service whose {@code /health} is shown; empty when this contribution names none. */
    default Optional<PeerService> peer() {
        return Optional.empty();
    }

    /**
     * The other service of the pair.
     *
     * @param service its name, e.g. {@code database-automation-service}
     * @param url     its base URL; empty when not configured (shown as {@code not_configured})
     * @param setting the setting that holds the URL, named when it is not configured
     */
    record PeerService(String service, Optional<URI> url, String setting) {
    }
}
