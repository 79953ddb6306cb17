package io.dbautopilot.performance.detect.lifecycle;

import io.agroal.api.AgroalDataSource;
import io.dbautopilot.support.outbox.OutboxRelay;
import io.dbautopilot.performance.detect.DetectionConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Publishes unsent rows of {@code performance.anomaly_outbox} to {@code autopilot.anomalies.v1} in order, on a schedule, through the shared
 * {@link OutboxRelay} (at least once, per-target order, one relay at a time across instances).
 */
@ApplicationScoped
public class AnomalyRelay {

    private static final long LOCK_KEY = 0x616E6F6D616C79L; // "anomaly"

    private final OutboxRelay outbox;
    private final AnomalyPublisher publisher;
    private final DetectionConfig config;

    public AnomalyRelay(AgroalDataSource dataSource, AnomalyPublisher publisher, DetectionConfig config) {
        this.outbox = new OutboxRelay("Anomaly", "performance.anomaly_outbox", "occurred_at", LOCK_KEY, dataSource);
        this.publisher = publisher;
        this.config = config;
    }

    @Scheduled(every = "${autopilot.detection.relay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        relay();
    }

    /** Publishes unsent rows in order; returns how many were sent. */
    public int relay() {
        return outbox.drain(config.relayBatch(), config.publishTimeout(), publisher::publish);
    }
}
