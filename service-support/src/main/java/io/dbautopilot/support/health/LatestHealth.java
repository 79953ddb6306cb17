package io.dbautopilot.support.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.HealthSummary;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/**
 * The latest health summary, kept serialised so that {@code GET /health} only copies bytes: written by
 * {@link HealthRefresher}, read by {@link HealthSummaryResource} on the event loop.
 */
@ApplicationScoped
public class LatestHealth {

    private static final ObjectMapper JSON = EventJson.newMapper();

    /**
     * One computed summary.
     *
     * @param summary    the summary
     * @param httpStatus 503 when {@link HealthSummary#unhealthy()}, else 200
     * @param json       the summary as JSON
     */
    public record Snapshot(HealthSummary summary, int httpStatus, byte[] json) {

        static Snapshot of(HealthSummary summary) {
            try {
                return new Snapshot(summary, summary.unhealthy() ? 503 : 200, JSON.writeValueAsBytes(summary));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("health summary not serialisable", e);
            }
        }
    }

    private volatile Snapshot latest;

    /** Sets the placeholder served until the first refresh has finished. */
    public LatestHealth(@org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.application.name")
                        String service) {
        latest = Snapshot.of(new HealthSummary(HealthSummary.UNHEALTHY, service, null, 0, List.of(
                new HealthSummary.Check("health-summary", HealthSummary.DOWN,
                        Map.of("reason", "the first health check has not finished yet")))));
    }

    /** The latest summary (a placeholder answering 503 before the first refresh). */
    public Snapshot get() {
        return latest;
    }

    /** Replaces the summary served. */
    void set(HealthSummary summary) {
        latest = Snapshot.of(summary);
    }
}
