package io.dbautopilot.automation.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads and writes {@code automation.verification} rows inside the caller's transaction (safe with several instances). */
@ApplicationScoped
public class Verifications {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    /** Succeeded reversible operations with a recorded baseline and no verification yet become pending verifications. */
    private static final String REGISTER = """
            INSERT INTO automation.verification (operation_id, target_id, type, expected_effect, baseline, due_at)
            SELECT o.id, o.target_id, o.type, coalesce(o.result->'verification'->>'expected_effect', ''),
                   o.result->'verification', o.finished_at + ?::interval
              FROM automation.operation o
             WHERE o.status = 'succeeded' AND o.type IN ('create_index', 'tune')
               AND o.result->'verification' IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM automation.verification v WHERE v.operation_id = o.id)
            ON CONFLICT (operation_id) DO NOTHING""";

    private static final String NEXT_DUE = """
            SELECT operation_id, baseline, attempts FROM automation.verification
             WHERE status = 'pending' AND due_at <= now() AND target_id = ANY(?)
             ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED""";

    private static final String RETRY = """
            UPDATE automation.verification SET attempts = attempts + 1, due_at = now() + ?::interval, last_error = ?
             WHERE operation_id = ?""";

    private static final String FINISH = """
            UPDATE automation.verification SET status = ?, verdict = ?::jsonb, rollback_operation_id = ?,
                   attempts = attempts + 1, verified_at = now()
             WHERE operation_id = ?""";

    private static final String VERDICT_ON_OPERATION = """
            UPDATE automation.operation SET result = coalesce(result, '{}'::jsonb) || jsonb_build_object('verdict', ?::jsonb),
                   updated_at = now()
             WHERE id = ?""";

    private final ObjectMapper mapper;

    public Verifications(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A verification that is due. */
    public record Due(UUID operationId, Map<String, Object> baseline, int attempts) {
    }

    /** Registers the succeeded reversible operations not yet known, due {@code window} after they finished. */
    public int register(Connection tx, Duration window) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(REGISTER)) {
            ps.setString(1, window.toMillis() + " milliseconds");
            return ps.executeUpdate();
        }
    }

    /** The next due verification of these targets, locked until the transaction ends; empty when none is due. */
    public Optional<Due> nextDue(Connection tx, Collection<String> targets) throws SQLException {
        if (targets.isEmpty()) {
            return Optional.empty();
        }
        try (PreparedStatement ps = tx.prepareStatement(NEXT_DUE)) {
            ps.setArray(1, tx.createArrayOf("text", targets.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Due(rs.getObject(1, UUID.class), map(rs.getString(2)), rs.getInt(3)));
            }
        }
    }

    /** A measurement failed: try again after {@code delay}. */
    public void retry(Connection tx, UUID operationId, Duration delay, String error) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(RETRY)) {
            ps.setString(1, delay.toMillis() + " milliseconds");
            ps.setString(2, error);
            ps.setObject(3, operationId);
            ps.executeUpdate();
        }
    }

    /** Records the verdict (and the rollback operation, if any) on the verification and on the operation's result. */
    public void finish(Connection tx, UUID operationId, Map<String, Object> verdict, String status, UUID rollbackId)
            throws SQLException {
        String json = json(verdict);
        try (PreparedStatement ps = tx.prepareStatement(FINISH)) {
            ps.setString(1, status);
            ps.setString(2, json);
            ps.setObject(3, rollbackId);
            ps.setObject(4, operationId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = tx.prepareStatement(VERDICT_ON_OPERATION)) {
            ps.setString(1, json);
            ps.setObject(2, operationId);
            ps.executeUpdate();
        }
    }

    private Map<String, Object> map(String json) {
        try {
            return json == null ? Map.of() : mapper.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String json(Map<String, Object> value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
