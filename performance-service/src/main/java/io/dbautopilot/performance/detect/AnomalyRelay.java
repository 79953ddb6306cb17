package io.dbautopilot.performance.detect;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes unsent rows of {@code performance.anomaly_outbox} in order and marks each sent once the broker
 * acknowledged it; stops at the first failure so per-target order holds. One relay at a time across instances
 * (session advisory lock). Delivery is at least once: a crash between ack and mark re-sends, same event id.
 */
@ApplicationScoped
public class AnomalyRelay {

    private static final Logger LOG = Logger.getLogger(AnomalyRelay.class);
    private static final long LOCK_KEY = 0x616E6F6D616C79L; // "anomaly"

    /** An outbox row. */
    record Row(long id, String eventId, String targetId, long sequence, String type, java.time.Instant occurredAt,
               String payload) {
    }

    private final AgroalDataSource dataSource;
    private final AnomalyPublisher publisher;
    private final DetectionConfig config;
    private final AtomicBoolean running = new AtomicBoolean();

    public AnomalyRelay(AgroalDataSource dataSource, AnomalyPublisher publisher, DetectionConfig config) {
        this.dataSource = dataSource;
        this.publisher = publisher;
        this.config = config;
    }

    @Scheduled(every = "${autopilot.detection.relay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
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
                try (PreparedStatement st = c.prepareStatement("SELECT id, event_id, target_id, sequence, event_type, "
                        + "occurred_at, payload FROM performance.anomaly_outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?")) {
                    st.setInt(1, config.relayBatch());
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                                    rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getString(7)));
                        }
                    }
                }
                try (PreparedStatement mark = c.prepareStatement(
                        "UPDATE performance.anomaly_outbox SET sent_at = now() WHERE id = ?")) {
                    for (Row row : rows) {
                        try {
                            publisher.publish(row).await().atMost(config.publishTimeout());
                        } catch (RuntimeException e) {
                            LOG.warnf("Anomaly event %s (target %s #%d) not published, will retry: %s", row.eventId(),
                                    row.targetId(), row.sequence(), e.getMessage());
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
            LOG.warnf("Anomaly outbox relay failed, will retry: %s", e.getMessage());
        } finally {
            running.set(false);
        }
        return sent;
    }
}
