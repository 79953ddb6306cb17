package io.dbautopilot.automation.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.Topics;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Finds, in this service's own records, how far the normal path got with a canary's table: the {@code dead_tuples}
 * anomaly events performance-service sent about it (recorded by the intake in {@code automation.processed_event}) and
 * the operation the policy created for them ({@code automation.operation}, by triggering event id). Nothing here is
 * special to the canary but the object name it looks for.
 */
@ApplicationScoped
public class CanaryStages {

    /** The detector of the shipped rule the canary's table must trip. */
    static final String DETECTOR = "dead_tuples";

    private final ObjectMapper mapper;

    public CanaryStages(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** One anomaly event about the canary's table. */
    public record AnomalySeen(String eventId, String state, Instant occurredAt, Instant openedAt) {
    }

    /** The operation decided for it. */
    public record OperationSeen(UUID id, String status, Instant requestedAt, Instant finishedAt, String reason,
                                String error, JsonNode result) {
    }

    /** The {@code dead_tuples} anomaly events of {@code target} about {@code table} received since {@code since}, in order. */
    public List<AnomalySeen> anomalies(Connection tx, String target, String table, Instant since) throws SQLException {
        List<AnomalySeen> out = new ArrayList<>();
        String suffix = "." + table;
        try (PreparedStatement ps = tx.prepareStatement("""
                SELECT event_id, payload::text FROM automation.processed_event
                 WHERE subject = ? AND topic = ? AND received_at >= ? AND payload->>'detector' = ?
                   AND (payload->>'object' = ? OR right(payload->>'object', ?) = ?)
                 ORDER BY received_at, kafka_offset""")) {
            ps.setString(1, target);
            ps.setString(2, Topics.ANOMALIES);
            ps.setTimestamp(3, Timestamp.from(since));
            ps.setString(4, DETECTOR);
            ps.setString(5, table);
            ps.setInt(6, suffix.length());
            ps.setString(7, suffix);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode p = read(rs.getString(2));
                    out.add(new AnomalySeen(rs.getString(1), p.path("state").asText(), instant(p, "occurred_at"),
                            instant(p, "opened_at")));
                }
            }
        }
        return out;
    }

    /**
     * The operation created for one of {@code eventIds}: the one that got furthest (succeeded or would_run first),
     * else the newest.
     */
    public Optional<OperationSeen> operation(Connection tx, List<String> eventIds) throws SQLException {
        if (eventIds.isEmpty()) {
            return Optional.empty();
        }
        try (PreparedStatement ps = tx.prepareStatement("""
                SELECT id, status, requested_at, finished_at, reason, error, result::text FROM automation.operation
                 WHERE triggering_event_id = ANY(?)
                 ORDER BY (status IN ('succeeded', 'would_run')) DESC, requested_at DESC LIMIT 1""")) {
            ps.setArray(1, tx.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp finished = rs.getTimestamp(4);
                return Optional.of(new OperationSeen(rs.getObject(1, UUID.class), rs.getString(2),
                        rs.getTimestamp(3).toInstant(), finished == null ? null : finished.toInstant(), rs.getString(5),
                        rs.getString(6), rs.getString(7) == null ? mapper.createObjectNode() : read(rs.getString(7))));
            }
        }
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            return mapper.createObjectNode();
        }
    }

    private static Instant instant(JsonNode p, String field) {
        String text = p.path(field).asText(null);
        return text == null ? null : java.time.OffsetDateTime.parse(text).toInstant();
    }
}
