package io.dbautopilot.support.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.HealthSummary;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Reads another service's {@code /health} through {@link PeerHealthClient} with a short timeout
 * ({@code autopilot.health-summary.peer-timeout}); blocking, so called from worker threads only. A peer that does not
 * answer, or answers something other than a summary, is a {@link Reading} with an error, never an exception.
 */
@ApplicationScoped
public class PeerHealth {

    private static final Logger LOG = Logger.getLogger(PeerHealth.class);
    private static final ObjectMapper JSON = EventJson.newMapper();

    private final HealthSummaryConfig config;
    private final Map<URI, PeerHealthClient> clients = new ConcurrentHashMap<>();

    public PeerHealth(HealthSummaryConfig config) {
        this.config = config;
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
        try (Response r = client(base).health()) {
            // 503 still carries every check: a DOWN dependency does not hide the summary
            if (r.getStatus() != 200 && r.getStatus() != 503) {
                return new Reading(null, "/health answered " + r.getStatus(), now);
            }
            return new Reading(JSON.readValue(r.readEntity(String.class), HealthSummary.class), null, now);
        } catch (RuntimeException | java.io.IOException e) {
            LOG.debugf("Health of %s not readable: %s", base, e.getMessage());
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Reading(null, "/health could not be read (" + cause.getClass().getSimpleName() + ")", now);
        }
    }

    private PeerHealthClient client(URI base) {
        return clients.computeIfAbsent(base, b -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(b)
                .connectTimeout(config.peerTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.peerTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // a 503 is an answer to read, not an exception
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(PeerHealthClient.class));
    }
}
