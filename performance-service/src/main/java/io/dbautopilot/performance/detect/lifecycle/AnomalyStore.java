package io.dbautopilot.performance.detect.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.Severity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Anomaly state in {@code performance.anomaly}: applies a cycle's transitions and, in the same transaction, takes
 * the target's next sequence numbers and writes the events to {@code performance.anomaly_outbox}; after the commit it
 * fires {@link AnomaliesApplied} for in-process listeners.
 */
@ApplicationScoped
public class AnomalyStore {

    private static final Logger LOG = Logger.getLogger(AnomalyStore.class);
    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final TypeReference<Map<String, Double>> EVIDENCE = new TypeReference<>() {
    };
    private static final String COLUMNS = "fingerprint, target_id, rule, object, status, severity, value, evidence, "
            + "suggested_action, summary, pending_since, opened_at, resolved_at, updated_at, acknowledged_at, "
            + "acknowledged_by, last_sequence, silenced_by, escalated_at";
    private static final String UPSERT = "INSERT INTO performance.anomaly (" + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET "
            + "status = EXCLUDED.status, severity = EXCLUDED.severity, value = EXCLUDED.value, "
            + "evidence = EXCLUDED.evidence, suggested_action = EXCLUDED.suggested_action, summary = EXCLUDED.summary, "
            + "pending_since = EXCLUDED.pending_since, opened_at = EXCLUDED.opened_at, "
            + "resolved_at = EXCLUDED.resolved_at, updated_at = EXCLUDED.updated_at, "
            // An acknowledgement made while a cycle ran is kept unless the anomaly re-opened (new opened_at).
            + "acknowledged_at = CASE WHEN EXCLUDED.opened_at IS DISTINCT FROM anomaly.opened_at THEN EXCLUDED.acknowledged_at "
            + "ELSE coalesce(anomaly.acknowledged_at, EXCLUDED.acknowledged_at) END, "
            + "acknowledged_by = CASE WHEN EXCLUDED.opened_at IS DISTINCT FROM anomaly.opened_at THEN EXCLUDED.acknowledged_by "
            + "ELSE coalesce(anomaly.acknowledged_by, EXCLUDED.acknowledged_by) END, "
            + "last_sequence = EXCLUDED.last_sequence, silenced_by = EXCLUDED.silenced_by, "
            + "escalated_at = EXCLUDED.escalated_at";
    private static final String NEXT_SEQUENCE = "INSERT INTO performance.anomaly_sequence AS s (target_id, last_sequence) "
            + "VALUES (?, 1) ON CONFLICT (target_id) DO UPDATE SET last_sequence = s.last_sequence + 1 "
            + "RETURNING last_sequence";
    private static final String OUTBOX = "INSERT INTO performance.anomaly_outbox "
            + "(event_id, fingerprint, target_id, sequence, event_type, occurred_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)";

    private final AgroalDataSource dataSource;
    private final Event<AnomaliesApplied> applied;
    private final EventValidator validator = EventValidator.shared();

    public AnomalyStore(AgroalDataSource dataSource, Event<AnomaliesApplied> applied) {
        this.dataSource = dataSource;
        this.applied = applied;
    }

    /** Every stored anomaly of a target (resolved ones too: they carry the cooldown), by fingerprint. */
    public Map<String, AnomalyRecord> ofTarget(String targetId) {
        Map<String, AnomalyRecord> out = new HashMap<>();
        for (AnomalyRecord r : query("SELECT " + COLUMNS + " FROM performance.anomaly WHERE target_id = ?", targetId)) {
            out.put(r.fingerprint(), r);
        }
        return out;
    }

    /** Anomalies matching the filters (null = any), newest change first. */
    public List<AnomalyRecord> list(String targetId, AnomalyStatus status, Severity severity, int limit) {
        return query("SELECT " + COLUMNS + " FROM performance.anomaly WHERE (?::text IS NULL OR target_id = ?) "
                        + "AND (?::text IS NULL OR status = ?) AND (?::text IS NULL OR severity = ?) "
                        + "ORDER BY updated_at DESC, fingerprint LIMIT " + limit,
                targetId, targetId, status == null ? null : status.wire(), status == null ? null : status.wire(),
                severity == null ? null : severity.wire(), severity == null ? null : severity.wire());
    }

    /** Open anomalies per target in one query (for the fleet view): how many and the most severe. */
    public Map<String, OpenCount> openByTarget() {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT target_id, count(*), max(CASE severity WHEN 'emergency' THEN 3 WHEN 'critical' THEN 2 "
                        + "WHEN 'warning' THEN 1 ELSE 0 END) FROM performance.anomaly WHERE status = 'open' GROUP BY target_id");
             ResultSet rs = st.executeQuery()) {
            Map<String, OpenCount> out = new HashMap<>();
            while (rs.next()) {
                out.put(rs.getString(1), new OpenCount(rs.getInt(2), Severity.values()[rs.getInt(3)]));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read anomalies: " + e.getMessage(), e);
        }
    }

    /** A target's open anomalies: @param count how many @param worst the most severe */
    public record OpenCount(int count, Severity worst) {
    }

    /**
     * The published anomalies an alert receiver should know of: every open one whose opening was published (not held
     * by a silence, window or operation) and those resolved since {@code resolvedSince}.
     */
    public List<AnomalyRecord> published(Instant resolvedSince) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS
                + " FROM performance.anomaly WHERE silenced_by IS NULL AND last_sequence IS NOT NULL "
                + "AND (status = 'open' OR (status = 'resolved' AND resolved_at >= ?)) ORDER BY target_id, fingerprint")) {
            st.setTimestamp(1, Timestamp.from(resolvedSince));
            List<AnomalyRecord> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read anomalies: " + e.getMessage(), e);
        }
    }

    /** One anomaly by fingerprint. */
    public Optional<AnomalyRecord> get(String fingerprint) {
        return query("SELECT " + COLUMNS + " FROM performance.anomaly WHERE fingerprint = ?", fingerprint)
                .stream().findFirst();
    }

    /** Records an operator's acknowledgement; empty if no such anomaly. */
    public Optional<AnomalyRecord> acknowledge(String fingerprint, String by, Instant at) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE performance.anomaly SET acknowledged_at = ?, "
                     + "acknowledged_by = ? WHERE fingerprint = ?")) {
            st.setTimestamp(1, Timestamp.from(at));
            st.setString(2, by);
            st.setString(3, fingerprint);
            if (st.executeUpdate() == 0) {
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot acknowledge anomaly " + fingerprint + ": " + e.getMessage(), e);
        }
        return get(fingerprint);
    }

    /**
     * Applies transitions in one transaction: rows written or deleted, and for each published change the next
     * per-target sequence number and an outbox row with the validated event.
     *
     * @return the events written to the outbox
     */
    public List<AnomalyEvent> apply(String targetId, List<Transition> transitions, Instant now) {
        if (transitions.isEmpty()) {
            return List.of();
        }
        List<AnomalyEvent> events = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                for (Transition t : transitions) {
                    AnomalyRecord r = t.record();
                    if (t.delete()) {
                        try (PreparedStatement st = c.prepareStatement("DELETE FROM performance.anomaly WHERE fingerprint = ?")) {
                            st.setString(1, r.fingerprint());
                            st.executeUpdate();
                        }
                        continue;
                    }
                    if (t.publish() != null) {
                        long sequence = nextSequence(c, targetId);
                        r = new AnomalyRecord(r.fingerprint(), r.targetId(), r.rule(), r.object(), r.status(),
                                r.severity(), r.value(), r.evidence(), r.suggestedAction(), r.summary(),
                                r.pendingSince(), r.openedAt(), r.resolvedAt(), r.updatedAt(), r.acknowledgedAt(),
                                r.acknowledgedBy(), sequence, r.silencedBy(), r.escalatedAt());
                        AnomalyEvent event = new AnomalyEvent(r.fingerprint(), targetId, r.rule(), r.object(),
                                r.severity(), t.publish(), sequence, now, r.openedAt(), r.evidence(),
                                r.suggestedAction(), r.summary());
                        writeOutbox(c, event);
                        events.add(event);
                    }
                    upsert(c, r);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store anomalies of " + targetId + ": " + e.getMessage(), e);
        }
        if (!events.isEmpty()) {
            try {
                applied.fire(new AnomaliesApplied(targetId, List.copyOf(events)));
            } catch (RuntimeException e) { // committed already: a listener's failure is not the store's
                LOG.warnf(e, "A listener of the anomaly changes of %s failed", targetId);
            }
        }
        return events;
    }

    private static long nextSequence(Connection c, String targetId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(NEXT_SEQUENCE)) {
            st.setString(1, targetId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void writeOutbox(Connection c, AnomalyEvent event) throws SQLException {
        String json;
        try {
            json = JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise anomaly event", e);
        }
        List<String> problems = validator.validate(EventKind.ANOMALY, json);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("anomaly event violates its schema: " + problems + ": " + json);
        }
        try (PreparedStatement st = c.prepareStatement(OUTBOX)) {
            st.setObject(1, UUID.randomUUID());
            st.setString(2, event.fingerprint());
            st.setString(3, event.targetId());
            st.setLong(4, event.sequence());
            st.setString(5, event.eventType());
            st.setTimestamp(6, Timestamp.from(event.occurredAt()));
            st.setString(7, json);
            st.executeUpdate();
        }
    }

    private static void upsert(Connection c, AnomalyRecord r) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(UPSERT)) {
            int i = 1;
            st.setString(i++, r.fingerprint());
            st.setString(i++, r.targetId());
            st.setString(i++, r.rule());
            st.setString(i++, r.object());
            st.setString(i++, r.status().wire());
            st.setString(i++, r.severity().wire());
            st.setDouble(i++, r.value());
            try {
                st.setString(i++, JSON.writeValueAsString(r.evidence()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            st.setString(i++, r.suggestedAction());
            st.setString(i++, r.summary());
            st.setTimestamp(i++, ts(r.pendingSince()));
            st.setTimestamp(i++, ts(r.openedAt()));
            st.setTimestamp(i++, ts(r.resolvedAt()));
            st.setTimestamp(i++, ts(r.updatedAt()));
            st.setTimestamp(i++, ts(r.acknowledgedAt()));
            st.setString(i++, r.acknowledgedBy());
            if (r.lastSequence() == null) {
                st.setNull(i++, Types.BIGINT);
            } else {
                st.setLong(i++, r.lastSequence());
            }
            st.setString(i++, r.silencedBy());
            st.setTimestamp(i, ts(r.escalatedAt()));
            st.executeUpdate();
        }
    }

    private List<AnomalyRecord> query(String sql, String... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setString(i + 1, args[i]);
            }
            List<AnomalyRecord> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read anomalies: " + e.getMessage(), e);
        }
    }

    private static AnomalyRecord read(ResultSet rs) throws SQLException {
        Map<String, Double> evidence;
        try {
            evidence = JSON.readValue(rs.getString("evidence"), EVIDENCE);
        } catch (JsonProcessingException e) {
            throw new SQLException("bad evidence JSON", e);
        }
        long seq = rs.getLong("last_sequence");
        Long lastSequence = rs.wasNull() ? null : seq;
        return new AnomalyRecord(rs.getString("fingerprint"), rs.getString("target_id"), rs.getString("rule"),
                rs.getString("object"), AnomalyStatus.parse(rs.getString("status")),
                Severity.fromWire(rs.getString("severity")), rs.getDouble("value"), evidence,
                rs.getString("suggested_action"), rs.getString("summary"), instant(rs, "pending_since"),
                instant(rs, "opened_at"), instant(rs, "resolved_at"), instant(rs, "updated_at"),
                instant(rs, "acknowledged_at"), rs.getString("acknowledged_by"), lastSequence,
                rs.getString("silenced_by"), instant(rs, "escalated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
