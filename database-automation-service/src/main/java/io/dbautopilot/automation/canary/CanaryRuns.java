package io.dbautopilot.automation.canary;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads and writes {@code automation.canary_run} inside the caller's transaction. */
@ApplicationScoped
public class CanaryRuns {

    private static final TypeReference<Map<String, Double>> EFFECT = new TypeReference<>() { };

    private final ObjectMapper mapper;

    public CanaryRuns(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Inserts a new running run; false when the target already has one (another instance started it). */
    public boolean start(Connection tx, UUID id, String target, String trust, String table, Instant deadline)
            throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("""
                INSERT INTO automation.canary_run (id, target_id, status, trust, table_name, deadline_at)
                VALUES (?, ?, 'running', ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            ps.setObject(1, id);
            ps.setString(2, target);
            ps.setString(3, trust);
            ps.setString(4, table);
            ps.setTimestamp(5, Timestamp.from(deadline));
            return ps.executeUpdate() == 1;
        }
    }

    /** Stores the stage times and links reached so far (nulls leave a column as it is). */
    public void progress(Connection tx, CanaryRun run) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("""
                UPDATE automation.canary_run
                   SET planted_at = coalesce(?, planted_at), detected_at = coalesce(?, detected_at),
                       anomaly_event_id = coalesce(?, anomaly_event_id), decided_at = coalesce(?, decided_at),
                       operation_id = coalesce(?, operation_id), executed_at = coalesce(?, executed_at),
                       verified_at = coalesce(?, verified_at), effect = ?::jsonb
                 WHERE id = ?""")) {
            ps.setTimestamp(1, ts(run.plantedAt()));
            ps.setTimestamp(2, ts(run.detectedAt()));
            ps.setString(3, run.anomalyEventId());
            ps.setTimestamp(4, ts(run.decidedAt()));
            ps.setObject(5, run.operationId());
            ps.setTimestamp(6, ts(run.executedAt()));
            ps.setTimestamp(7, ts(run.verifiedAt()));
            ps.setString(8, json(run.effect()));
            ps.setObject(9, run.id());
            ps.executeUpdate();
        }
    }

    /** Ends a run: status, reason, failed stage, completion and next due time. */
    public void complete(Connection tx, CanaryRun run) throws SQLException {
        progress(tx, run);
        try (PreparedStatement ps = tx.prepareStatement("""
                UPDATE automation.canary_run SET status = ?, reason = ?, failed_stage = ?, completed_at = ?,
                       next_due_at = ?
                 WHERE id = ?""")) {
            ps.setString(1, run.status());
            ps.setString(2, run.reason());
            ps.setString(3, run.failedStage());
            ps.setTimestamp(4, ts(run.completedAt()));
            ps.setTimestamp(5, ts(run.nextDueAt()));
            ps.setObject(6, run.id());
            ps.executeUpdate();
        }
    }

    /** Inserts a run that ended at once (skipped). */
    public void insertCompleted(Connection tx, CanaryRun run) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("""
                INSERT INTO automation.canary_run (id, target_id, status, trust, reason, started_at, deadline_at,
                                                   completed_at, next_due_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setObject(1, run.id());
            ps.setString(2, run.targetId());
            ps.setString(3, run.status());
            ps.setString(4, run.trust());
            ps.setString(5, run.reason());
            ps.setTimestamp(6, ts(run.startedAt()));
            ps.setTimestamp(7, ts(run.deadlineAt()));
            ps.setTimestamp(8, ts(run.completedAt()));
            ps.setTimestamp(9, ts(run.nextDueAt()));
            ps.executeUpdate();
        }
    }

    /** Every running run, oldest first. */
    public List<CanaryRun> running(Connection tx) throws SQLException {
        return query(tx, "SELECT * FROM automation.canary_run WHERE status = 'running' ORDER BY started_at", null);
    }

    /** The latest run of a target. */
    public Optional<CanaryRun> latest(Connection tx, String target) throws SQLException {
        return query(tx, "SELECT * FROM automation.canary_run WHERE target_id = ? ORDER BY started_at DESC LIMIT 1",
                target).stream().findFirst();
    }

    /** The latest run of every target, by target id. */
    public List<CanaryRun> latestPerTarget(Connection tx) throws SQLException {
        return query(tx, "SELECT DISTINCT ON (target_id) * FROM automation.canary_run "
                + "ORDER BY target_id, started_at DESC", null);
    }

    /** The latest completed run of every target. */
    public List<CanaryRun> latestCompletedPerTarget(Connection tx) throws SQLException {
        return query(tx, "SELECT DISTINCT ON (target_id) * FROM automation.canary_run WHERE status <> 'running' "
                + "ORDER BY target_id, completed_at DESC", null);
    }

    private List<CanaryRun> query(Connection tx, String sql, String param) throws SQLException {
        List<CanaryRun> out = new ArrayList<>();
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            if (param != null) {
                ps.setString(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
        }
        return out;
    }

    private CanaryRun map(ResultSet rs) throws SQLException {
        Map<String, Double> effect;
        try {
            effect = mapper.readValue(rs.getString("effect"), EFFECT);
        } catch (JsonProcessingException e) {
            effect = Map.of();
        }
        return new CanaryRun(rs.getObject("id", UUID.class), rs.getString("target_id"), rs.getString("status"),
                rs.getString("trust"), rs.getString("table_name"), rs.getString("reason"), at(rs, "started_at"),
                at(rs, "deadline_at"), at(rs, "planted_at"), at(rs, "detected_at"), rs.getString("anomaly_event_id"),
                at(rs, "decided_at"), rs.getObject("operation_id", UUID.class), at(rs, "executed_at"),
                at(rs, "verified_at"), at(rs, "completed_at"), rs.getString("failed_stage"), at(rs, "next_due_at"),
                effect);
    }

    private String json(Map<String, Double> effect) {
        try {
            return mapper.writeValueAsString(effect == null ? Map.of() : effect);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant at(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }
}
