package io.dbautopilot.performance.alerting;

import io.dbautopilot.support.retry.RetrySchedule;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStatus;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes anomalies to a Prometheus Alertmanager ({@code POST /api/v2/alerts}) the way Prometheus does: every
 * interval all open, published anomalies (valid for four intervals) plus those resolved since the last successful
 * push (ending at their resolve time). Runs on its own scheduled worker; a failing Alertmanager is retried with
 * backoff and never holds up detection.
 */
@Startup
@ApplicationScoped
public class AlertmanagerPusher {

    private static final Logger LOG = Logger.getLogger(AlertmanagerPusher.class);
    private static final ObjectMapper JSON = EventJson.newMapper();

    private final AlertingConfig config;
    private final AnomalyStore store;
    private final MeterRegistry meters;
    private final URI endpoint;
    private final HttpClient http;
    private final RetrySchedule backoff;
    private volatile Instant lastSuccess;

    public AlertmanagerPusher(AlertingConfig config, AnomalyStore store, MeterRegistry meters) {
        this.config = config;
        this.store = store;
        this.meters = meters;
        this.endpoint = config.alertmanagerUrl().map(u -> AlertingUris.parse("autopilot.alerting.alertmanager-url", u)
                .resolve("api/v2/alerts")).orElse(null);
        config.externalUrl().ifPresent(u -> AlertingUris.parse("autopilot.alerting.external-url", u));
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
        this.backoff = new RetrySchedule(config.initialBackoff(), config.maxBackoff());
        this.lastSuccess = Instant.now().minus(Duration.ofHours(1));
        if (endpoint != null) {
            LOG.infof("Anomalies are pushed to Alertmanager at %s every %s", AlertingUris.loggable(endpoint),
                    config.alertmanagerInterval());
        }
    }

    @Scheduled(every = "${autopilot.alerting.alertmanager-interval:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (endpoint != null && backoff.due(Instant.now())) {
            push();
        }
    }

    /** Sends the current alerts once; returns whether Alertmanager accepted them. */
    public boolean push() {
        Instant now = Instant.now();
        Instant since = lastSuccess.minus(config.alertmanagerInterval());
        List<Map<String, Object>> alerts = new ArrayList<>();
        try {
            for (AnomalyRecord r : store.published(since)) {
                alerts.add(alert(r, now));
            }
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(config.timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(alerts))).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
            }
            backoff.succeeded();
            lastSuccess = now;
            meters.counter("autopilot_alertmanager_pushes_total", "outcome", "ok").increment();
            return true;
        } catch (IOException | RuntimeException e) {
            fail(e.getMessage(), alerts.size(), now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void fail(String why, int alerts, Instant now) {
        Duration delay = backoff.failed(now);
        meters.counter("autopilot_alertmanager_pushes_total", "outcome", "failed").increment();
        LOG.warnf("Alertmanager push of %d alerts to %s failed (%d in a row), retrying in %s: %s", alerts,
                AlertingUris.loggable(endpoint),
                backoff.failures(), delay, why);
    }

    private Map<String, Object> alert(AnomalyRecord r, Instant now) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", r.rule());
        labels.put("target", r.targetId());
        labels.put("severity", r.severity().wire());
        if (r.object() != null) {
            labels.put("object", r.object());
        }
        labels.put("fingerprint", r.fingerprint());
        labels.put("service", "db-autopilot");
        Map<String, String> annotations = new LinkedHashMap<>();
        if (r.summary() != null) {
            annotations.put("summary", r.summary());
        }
        if (r.suggestedAction() != null) {
            annotations.put("suggested_action", r.suggestedAction());
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("labels", labels);
        a.put("annotations", annotations);
        a.put("startsAt", (r.openedAt() == null ? now : r.openedAt()).toString());
        Instant ends = r.status() == AnomalyStatus.RESOLVED && r.resolvedAt() != null ? r.resolvedAt()
                : now.plus(config.alertmanagerInterval().multipliedBy(4));
        a.put("endsAt", ends.toString());
        config.externalUrl().ifPresent(u -> a.put("generatorURL",
                u.replaceAll("/+$", "") + "/api/anomalies/" + r.fingerprint()));
        return a;
    }
}
