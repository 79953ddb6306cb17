package io.dbautopilot.performance.advise;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes unsent rows of {@code performance.recommendation_outbox} in order to {@code autopilot.recommendations.v1}
 * (binary CloudEvents, key and subject = target id, id = the outbox event id) and marks each sent once the broker
 * acknowledged it; stops at the first failure so per-target order holds. One relay at a time across instances
 * (session advisory lock). Delivery is at least once: a crash between ack and mark re-sends with the same event id,
 * which the consumer recognises.
 */
@ApplicationScoped
public class RecommendationRelay {

    private static final Logger LOG = Logger.getLogger(RecommendationRelay.class);
    private static final long LOCK_KEY = 0x7265636F6D6DL; // "recomm"

    private record Row(long id, String eventId, String targetId, String type, Instant occurredAt, String payload) {
    }

    private final AgroalDataSource dataSource;
    private final RecommendationPublisher publisher;
    private final AdviceConfig config;
    private final AtomicBoolean running = new AtomicBoolean();

    public RecommendationRelay(AgroalDataSource dataSource, RecommendationPublisher publisher, AdviceConfig config) {
        this.dataSource = dataSource;
        this.publisher = publisher;
        this.config = config;
    }

    @Scheduled(every = "${autopilot.advice.relay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        relay();
    }

    /** Publishes unsent rows in order; returns how many were sent. */
    public int relay() {
        if (!running.compareAndSet(false, true)) {
            return 0;
        }
        int sent = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                lock.setLong(1, LOCK_KEY);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return 0;
                    }
                }
            }
            try {
                List<Row> rows = new ArrayList<>();
                try (PreparedStatement st = c.prepareStatement("SELECT id, event_id, target_id, event_type, occurred_at, "
                        + "payload FROM performance.recommendation_outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?")) {
                    st.setInt(1, config.relayBatch());
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                    rs.getTimestamp(5).toInstant(), rs.getString(6)));
                        }
                    }
                }
                try (PreparedStatement mark = c.prepareStatement(
                        "UPDATE performance.recommendation_outbox SET sent_at = now() WHERE id = ?")) {
                    for (Row row : rows) {
                        try {
                            publisher.publish(row.payload(), row.eventId(), row.type(), row.targetId(), row.occurredAt())
                                    .await().atMost(config.publishTimeout());
                        } catch (RuntimeException e) {
                            LOG.warnf("Recommendation event %s (target %s) not published, will retry: %s", row.eventId(),
                                    row.targetId(), e.getMessage());
                            break;
                        }
                        mark.setLong(1, row.id());
                        mark.executeUpdate();
                        sent++;
                    }
                }
            } finally {
                try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    unlock.setLong(1, LOCK_KEY);
                    unlock.execute();
                }
            }
        } catch (SQLException e) {
            LOG.warnf("Recommendation outbox relay failed, will retry: %s", e.getMessage());
        } finally {
            running.set(false);
        }
        return sent;
    }
}
