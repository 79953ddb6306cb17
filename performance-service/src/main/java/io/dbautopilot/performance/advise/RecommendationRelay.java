package io.dbautopilot.performance.advise;

import io.agroal.api.AgroalDataSource;
import io.dbautopilot.support.outbox.OutboxRelay;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Publishes unsent rows of {@code performance.recommendation_outbox} to {@code autopilot.recommendations.v1} in order, on a schedule, through the shared
 * {@link OutboxRelay} (at least once, per-target order, one relay at a time across instances).
 */
@ApplicationScoped
public class RecommendationRelay {

    private static final long LOCK_KEY = 0x7265636F6D6DL; // "recomm"

    private final OutboxRelay outbox;
    private final RecommendationPublisher publisher;
    private final AdviceConfig config;

    public RecommendationRelay(AgroalDataSource dataSource, RecommendationPublisher publisher, AdviceConfig config) {
        this.outbox = new OutboxRelay("Recommendation", "performance.recommendation_outbox", "occurred_at", LOCK_KEY, dataSource);
        this.publisher = publisher;
        this.config = config;
    }

    @Scheduled(every = "${autopilot.advice.relay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        relay();
    }

    /** Publishes unsent rows in order; returns how many were sent. */
    public int relay() {
        return outbox.drain(config.relayBatch(), config.publishTimeout(), publisher::publish);
    }
}
