package io.dbautopilot.support.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.HealthSummary;
import io.dbautopilot.support.peer.PeerClients;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.time.Instant;

/**
 * Reads another service's {@code /health} through {@link PeerHealthClient} (built and called by {@link PeerClients})
 * with a short timeout ({@code autopilot.health-summary.peer-timeout}); blocking, so called from worker threads only.
 * A peer that does not answer, or answers something other than a summary, is a {@link Reading} with an error, never
 * an exception.
 */
@ApplicationScoped
public class PeerHealth {

    private static final ObjectMapper JSON = EventJson.newMapper();

    private final HealthSummaryConfig config;
    private final PeerClients clients;

    public PeerHealth(HealthSummaryConfig config, PeerClients clients) {
        this.config = config;
        this.clients = clients;
    }

    /**
     * One reading of a peer's health.
     *
     * @param summary   its summary (200 or 503); null when it could not be read
     * @param error     why it could not be read, in words for an operator; null when read
     * @param checkedAt when it was read
     */
    public record Reading(HealthSummary summary, String error, Instant checkedAt) {
    }

    /** Reads the {@code /health} of the service at {@code base}. */
    public Reading read(URI base) {
        Instant now = Instant.now();
        PeerClients.Answer a = clients.call("Health of " + base,
                () -> clients.client(PeerHealthClient.class, base, config.peerTimeout()).health());
        if (a.error() != null) {
            return new Reading(null, "/health " + a.error(), now);
        }
        // 503 still carries every check: a DOWN dependency does not hide the summary
        if (a.status() != 200 && a.status() != 503) {
            return new Reading(null, "/health answered " + a.status(), now);
        }
        try {
            return new Reading(JSON.readValue(a.body(), HealthSummary.class), null, now);
        } catch (java.io.IOException e) {
            return new Reading(null, "/health could not be read (" + e.getClass().getSimpleName() + ")", now);
        }
    }
}
