package io.dbautopilot.automation.policy.replay;

import io.dbautopilot.model.Topics;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Reads back, inside the caller's transaction, the anomaly and recommendation events the intake recorded in a period
 * ({@code automation.processed_event} keeps each event's full data) joined with the operation each actually led to.
 */
@ApplicationScoped
public class PastEvents {

    private static final String QUERY = """
            SELECT e.event_id, e.topic, e.received_at, e.payload::text,
                   o.id, o.rule, o.type, o.mode, o.status
              FROM automation.processed_event e
              LEFT JOIN automation.operation o ON o.triggering_event_id = e.event_id
             WHERE e.topic IN (?, ?) AND e.received_at >= ? AND e.received_at < ?
               AND (?::text IS NULL OR e.subject = ?)
             ORDER BY e.received_at, e.event_id
             LIMIT ?""";

    /**
     * Streams the events of {@code [from, to)} (of one target, or all when null), oldest first, at most {@code limit}.
     *
     * @return how many were read
     */
    public int read(Connection tx, Instant from, Instant to, String target, int limit, Consumer<PastEvent> each)
            throws SQLException {
        int n = 0;
        try (PreparedStatement ps = tx.prepareStatement(QUERY)) {
            ps.setFetchSize(500);
            ps.setString(1, Topics.ANOMALIES);
            ps.setString(2, Topics.RECOMMENDATIONS);
            ps.setTimestamp(3, Timestamp.from(from));
            ps.setTimestamp(4, Timestamp.from(to));
            ps.setString(5, target);
            ps.setString(6, target);
            ps.setInt(7, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.util.UUID op = rs.getObject(5, java.util.UUID.class);
                    PastEvent.Actual actual = op == null ? null : new PastEvent.Actual(op, rs.getString(6),
                            rs.getString(7), rs.getString(8), rs.getString(9));
                    each.accept(new PastEvent(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                            rs.getString(4), actual));
                    n++;
                }
            }
        }
        return n;
    }
}
