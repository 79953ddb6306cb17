package io.dbautopilot.performance.alerting;

import io.dbautopilot.support.retry.RetrySchedule;
import io.agroal.api.AgroalDataSource;
import io.dbautopilot.model.EventSources;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Delivers every published anomaly event to a generic webhook, in outbox order, as a binary-mode CloudEvent over
 * HTTP (JSON body, {@code ce-*} headers); advances a cursor in {@code performance.alert_output_cursor} after each
 * 2xx, stops at the first failure and retries with backoff (at least once: the receiver dedups on {@code ce-id}).
 * Runs on its own scheduled worker, one instance at a time (the cursor row is locked).
 */
@Startup
@ApplicationScoped
public class WebhookRelay {

    private static final Logger LOG = Logger.getLogger(WebhookRelay.class);
    private static final String OUTPUT = "webhook";

    private final AlertingConfig config;
    private final AgroalDataSource dataSource;
    private final MeterRegistry meters;
    private final URI endpoint;
    /** The endpoint as logs may show it: never the query (a token may live there). */
    private final String shown;
    private final HttpClient http;
    private final RetrySchedule backoff;

    public WebhookRelay(AlertingConfig config, AgroalDataSource dataSource, MeterRegistry meters) {
        this.config = config;
        this.dataSource = dataSource;
        this.meters = meters;
        this.endpoint = config.webhookUrl().map(u -> {
            AlertingUris.parse("autopilot.alerting.webhook-url", u);
            return URI.create(u);
        }).orElse(null);
        if (config.webhookBatch() < 1) {
            throw new IllegalStateException("autopilot.alerting.webhook-batch must be at least 1, was " + config.webhookBatch());
        }
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
        this.backoff = new RetrySchedule(config.initialBackoff(), config.maxBackoff());
        this.shown = endpoint == null ? null : AlertingUris.loggable(endpoint);
        if (endpoint != null) {
            LOG.infof("Anomaly events are delivered to the webhook %s", shown);
        }
    }

    @Scheduled(every = "${autopilot.alerting.webhook-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (endpoint != null && backoff.due(Instant.now())) {
            deliver();
        }
    }

    /** Delivers pending events; returns how many were delivered. */
    public int deliver() {
        int sent = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Long cursor = lockCursor(c);
                if (cursor == null) {
                    c.rollback();
                    return 0; // another instance is delivering
                }
                try (PreparedStatement st = c.prepareStatement("SELECT id, event_id, target_id, event_type, occurred_at, "
                        + "payload FROM performance.anomaly_outbox WHERE id > ? ORDER BY id LIMIT ?");
                     PreparedStatement advance = c.prepareStatement("UPDATE performance.alert_output_cursor "
                             + "SET last_id = ?, updated_at = now() WHERE output = ?")) {
                    st.setLong(1, cursor);
                    st.setInt(2, config.webhookBatch());
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            long id = rs.getLong(1);
                            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(config.timeout())
                                    .header("Content-Type", "application/json")
                                    .header("ce-specversion", "1.0")
                                    .header("ce-id", rs.getString(2))
                                    .header("ce-type", rs.getString(4))
                                    .header("ce-source", EventSources.PERFORMANCE_SERVICE)
                                    .header("ce-subject", rs.getString(3))
                                    .header("ce-time", rs.getTimestamp(5).toInstant().toString())
                                    .POST(HttpRequest.BodyPublishers.ofString(rs.getString(6))).build();
                            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() / 100 != 2) {
                                throw new IOException("HTTP " + response.statusCode() + " for event " + rs.getString(2));
                            }
                            advance.setLong(1, id);
                            advance.setString(2, OUTPUT);
                            advance.executeUpdate();
                            sent++;
                        }
                    }
                }
                c.commit();
                backoff.succeeded();
            } catch (IOException | RuntimeException e) {
                c.commit(); // keep the cursor of what was delivered
                Duration delay = backoff.failed(Instant.now());
                meters.counter("autopilot_webhook_failures_total").increment();
                LOG.warnf("Webhook delivery to %s failed after %d events (%d failures in a row), retrying in %s: %s",
                        shown, sent, backoff.failures(), delay, e.getMessage());
            } catch (InterruptedException e) {
                c.commit();
                Thread.currentThread().interrupt();
            }
        } catch (SQLException e) {
            LOG.warnf("Webhook delivery skipped (state database): %s", e.getMessage());
        }
        if (sent > 0) {
            meters.counter("autopilot_webhook_delivered_total").increment(sent);
        }
        return sent;
    }

    /** Locks the cursor row (created at the outbox's end on first use); null if another instance holds it. */
    private static Long lockCursor(Connection c) throws SQLException {
        try (PreparedStatement init = c.prepareStatement("INSERT INTO performance.alert_output_cursor (output, last_id, "
                + "updated_at) SELECT ?, coalesce(max(id), 0), now() FROM performance.anomaly_outbox "
                + "ON CONFLICT (output) DO NOTHING")) {
            init.setString(1, OUTPUT);
            init.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement("SELECT last_id FROM performance.alert_output_cursor "
                + "WHERE output = ? FOR UPDATE SKIP LOCKED")) {
            st.setString(1, OUTPUT);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }
}
