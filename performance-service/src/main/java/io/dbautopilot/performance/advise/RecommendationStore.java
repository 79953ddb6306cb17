package io.dbautopilot.performance.advise;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.RecommendationState;
import io.dbautopilot.model.Risk;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Recommendations in {@code performance.recommendation}: applies a run's changes and, in the same transaction,
 * writes each announced change as a validated event to {@code performance.recommendation_outbox}.
 */
@ApplicationScoped
public class RecommendationStore {

    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, target_id, advisor, scope, database, object, kind, status, signature, "
            + "evidence, suggested_action, estimated_benefit, risk, requires_approval, summary, first_seen_at, "
            + "observed_at, changed_at, withdrawn_at, withdrawn_reason";
    private static final String UPSERT = "INSERT INTO performance.recommendation (" + COLUMNS + ") VALUES "
            + "(?, ?, ?, ?, ?, ?, ?, 'active', ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL) "
            + "ON CONFLICT (id) DO UPDATE SET advisor = EXCLUDED.advisor, scope = EXCLUDED.scope, "
            + "database = EXCLUDED.database, object = EXCLUDED.object, kind = EXCLUDED.kind, status = 'active', "
            + "signature = EXCLUDED.signature, evidence = EXCLUDED.evidence, suggested_action = EXCLUDED.suggested_action, "
            + "estimated_benefit = EXCLUDED.estimated_benefit, risk = EXCLUDED.risk, "
            + "requires_approval = EXCLUDED.requires_approval, summary = EXCLUDED.summary, "
            + "first_seen_at = EXCLUDED.first_seen_at, observed_at = EXCLUDED.observed_at, "
            + "changed_at = EXCLUDED.changed_at, withdrawn_at = NULL, withdrawn_reason = NULL";
    private static final String WITHDRAW = "UPDATE performance.recommendation SET status = 'withdrawn', "
            + "withdrawn_at = ?, withdrawn_reason = ?, changed_at = ? WHERE id = ? AND status = 'active'";
    private static final String OUTBOX = "INSERT INTO performance.recommendation_outbox "
            + "(event_id, recommendation_id, target_id, event_type, occurred_at, payload) VALUES (?, ?, ?, ?, ?, ?)";

    private final AgroalDataSource dataSource;
    private final EventValidator validator = EventValidator.shared();

    public RecommendationStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Every stored recommendation of a target (withdrawn ones too), by id. */
    public Map<String, RecommendationLifecycle.Stored> ofTarget(String targetId) {
        Map<String, RecommendationLifecycle.Stored> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                     + " FROM performance.recommendation WHERE target_id = ?")) {
            ps.setString(1, targetId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Recommendation r = read(rs);
                    out.put(r.id(), new RecommendationLifecycle.Stored(r, rs.getString("scope"), rs.getString("signature")));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read recommendations of " + targetId + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Recommendations of a target with a status (null: any), newest change first. */
    public List<Recommendation> list(String targetId, String status) {
        List<Recommendation> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM performance.recommendation "
                     + "WHERE target_id = ? AND (?::text IS NULL OR status = ?) ORDER BY changed_at DESC, id")) {
            ps.setString(1, targetId);
            ps.setString(2, status);
            ps.setString(3, status);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read recommendations of " + targetId + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Applies changes in one transaction; every announced change gets a validated outbox event.
     *
     * @return the events written to the outbox
     */
    public List<RecommendationEvent> apply(String targetId, Map<String, RecommendationLifecycle.Stored> stored,
                                           List<RecommendationLifecycle.Change> changes, Instant now) {
        List<RecommendationEvent> events = new ArrayList<>();
        if (changes.isEmpty()) {
            return events;
        }
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                for (RecommendationLifecycle.Change change : changes) {
                    if (change.finding() != null) {
                        Finding f = change.finding();
                        RecommendationLifecycle.Stored before = stored.get(f.id());
                        boolean wasActive = before != null && before.recommendation().active();
                        Instant firstSeen = wasActive ? before.recommendation().firstSeenAt() : now;
                        Instant changedAt = change.publish() == null ? before.recommendation().changedAt() : now;
                        upsert(c, f, firstSeen, now, changedAt);
                        if (change.publish() != null) {
                            RecommendationEvent event = new RecommendationEvent(f.id(), targetId, f.database(), f.object(),
                                    f.kind(), change.publish(), now, f.evidence(), f.suggestedAction(),
                                    f.estimatedBenefit(), f.risk(), f.requiresApproval(), f.summary());
                            writeOutbox(c, event);
                            events.add(event);
                        }
                    } else {
                        Recommendation r = change.withdrawn().recommendation();
                        try (PreparedStatement ps = c.prepareStatement(WITHDRAW)) {
                            ps.setTimestamp(1, Timestamp.from(now));
                            ps.setString(2, change.reason());
                            ps.setTimestamp(3, Timestamp.from(now));
                            ps.setString(4, r.id());
                            ps.executeUpdate();
                        }
                        Map<String, Object> evidence = new LinkedHashMap<>(r.evidence());
                        evidence.put("withdrawn_reason", change.reason());
                        RecommendationEvent event = new RecommendationEvent(r.id(), targetId, r.database(), r.object(),
                                r.kind(), RecommendationState.WITHDRAWN, now, evidence, null, null, r.risk(),
                                r.requiresApproval(), "Withdrawn: " + change.reason());
                        writeOutbox(c, event);
                        events.add(event);
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store recommendations of " + targetId + ": " + e.getMessage(), e);
        }
        return events;
    }

    private static void upsert(Connection c, Finding f, Instant firstSeen, Instant observed, Instant changed)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            int i = 1;
            ps.setString(i++, f.id());
            ps.setString(i++, f.targetId());
            ps.setString(i++, f.advisor());
            ps.setString(i++, AdvisorResult.scopeOf(f));
            ps.setString(i++, f.database());
            ps.setString(i++, f.object());
            ps.setString(i++, f.kind());
            ps.setString(i++, f.signature());
            ps.setString(i++, json(f.evidence()));
            ps.setString(i++, f.suggestedAction());
            ps.setString(i++, f.estimatedBenefit());
            ps.setString(i++, f.risk().wire());
            ps.setBoolean(i++, f.requiresApproval());
            ps.setString(i++, f.summary());
            ps.setTimestamp(i++, Timestamp.from(firstSeen));
            ps.setTimestamp(i++, Timestamp.from(observed));
            ps.setTimestamp(i, Timestamp.from(changed));
            ps.executeUpdate();
        }
    }

    private void writeOutbox(Connection c, RecommendationEvent event) throws SQLException {
        String payload = json(event);
        List<String> problems = validator.validate(EventKind.RECOMMENDATION, payload);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("recommendation event violates its schema: " + problems + ": " + payload);
        }
        try (PreparedStatement ps = c.prepareStatement(OUTBOX)) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, event.recommendationId());
            ps.setString(3, event.targetId());
            ps.setString(4, event.eventType());
            ps.setTimestamp(5, Timestamp.from(event.observedAt()));
            ps.setString(6, payload);
            ps.executeUpdate();
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private static Recommendation read(ResultSet rs) throws SQLException {
        Map<String, Object> evidence;
        try {
            evidence = JSON.readValue(rs.getString("evidence"), MAP);
        } catch (JsonProcessingException e) {
            throw new SQLException("bad evidence JSON", e);
        }
        return new Recommendation(rs.getString("id"), rs.getString("target_id"), rs.getString("advisor"),
                rs.getString("database"), rs.getString("object"), rs.getString("kind"), rs.getString("status"),
                evidence, rs.getString("suggested_action"), rs.getString("estimated_benefit"),
                Risk.fromWire(rs.getString("risk")), rs.getBoolean("requires_approval"), rs.getString("summary"),
                instant(rs, "first_seen_at"), instant(rs, "observed_at"), instant(rs, "changed_at"),
                instant(rs, "withdrawn_at"), rs.getString("withdrawn_reason"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
