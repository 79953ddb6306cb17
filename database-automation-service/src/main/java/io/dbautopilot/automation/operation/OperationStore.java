package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.OperationState;
import io.dbautopilot.model.Trust;
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

/** Reads and writes {@code automation.operation} rows inside the caller's transaction; state changes go with an outbox event. */
@ApplicationScoped
public class OperationStore {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private static final String INSERT = """
            INSERT INTO automation.operation (id, target_id, type, object, heavy, mode, status, rule, severity,
                   triggering_event_id, requested_by, parameters, reason, max_attempts)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
            ON CONFLICT (triggering_event_id) DO NOTHING
            RETURNING *""";

    private static final String INSERT_OBSERVED = """
            INSERT INTO automation.operation (id, target_id, type, object, heavy, mode, status, rule, severity,
                   triggering_event_id, requested_by, parameters, reason, max_attempts, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, 'cancelled', ?, ?, ?, ?, ?::jsonb, ?, ?, now())
            ON CONFLICT (triggering_event_id) DO NOTHING
            RETURNING *""";

    private static final String OBSERVED_TODAY = """
            SELECT 1 FROM automation.operation WHERE target_id = ? AND type = ? AND object IS NOT DISTINCT FROM ?
               AND status = 'cancelled' AND reason LIKE ? AND requested_at > now() - interval '1 day' LIMIT 1""";

    /** Reason prefix of an operation recorded but not executed because its target's trust is {@code observe}. */
    public static final String WOULD_RUN = "would_run (trust observe)";

    private static final String APPROVE = """
            UPDATE automation.operation SET status = 'pending', not_before = now(), approved_by = ?, approved_at = now(),
                   reason = ?, updated_at = now()
             WHERE id = ? AND status = 'awaiting_approval' RETURNING *""";

    private static final String CANCEL_WAITING = """
            UPDATE automation.operation SET status = 'cancelled', finished_at = now(), reason = ?, updated_at = now()
             WHERE id = ? AND status IN ('pending', 'deferred', 'awaiting_approval') RETURNING *""";

    private static final String REQUEST_CANCEL = """
            UPDATE automation.operation SET cancel_requested = true, reason = ?, updated_at = now()
             WHERE id = ? AND status = 'running' RETURNING *""";

    private static final String UNFINISHED = """
            SELECT 1 FROM automation.operation WHERE target_id = ? AND type = ? AND object IS NOT DISTINCT FROM ?
               AND status NOT IN ('succeeded', 'failed', 'cancelled') LIMIT 1""";

    private final ObjectMapper mapper;
    private final Outbox outbox;

    public OperationStore(ObjectMapper mapper, Outbox outbox) {
        this.mapper = mapper;
        this.outbox = outbox;
    }

    /**
     * Creates an operation and its {@code requested} event; empty when an operation for the same triggering event
     * id exists already (a replay never creates a second operation).
     */
    public Optional<Operation> insert(Connection tx, NewOperation n, int maxAttempts) throws SQLException {
        String status = "approval".equals(n.mode()) ? OperationStatus.AWAITING_APPROVAL.wire() : OperationStatus.PENDING.wire();
        Operation op;
        try (PreparedStatement ps = tx.prepareStatement(INSERT)) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, n.targetId());
            ps.setString(3, n.type().wire());
            ps.setString(4, n.object());
            ps.setBoolean(5, n.type().heavy());
            ps.setString(6, n.mode());
            ps.setString(7, status);
            ps.setString(8, n.rule());
            ps.setString(9, n.severity());
            ps.setString(10, n.triggeringEventId());
            ps.setString(11, n.requestedBy());
            ps.setString(12, json(n.parameters() == null ? Map.of() : n.parameters()));
            ps.setString(13, n.reason());
            ps.setInt(14, maxAttempts);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                op = map(rs);
            }
        }
        String reason = op.status() == OperationStatus.AWAITING_APPROVAL
                ? n.reason() + "; waits for an operator's approval (POST /api/operations/" + op.id() + "/approve)"
                : n.reason();
        outbox.append(tx, op, OperationState.REQUESTED, reason, Map.of("parameters", op.parameters()));
        return Optional.of(op);
    }

    /**
     * Creates an operation as its target's trust allows: {@code auto} as requested, {@code approve} waiting for an
     * operator whatever the mode, {@code observe} recorded as {@code would_run} and never executed
     * ({@link #insertObserved}).
     */
    public Optional<Operation> insert(Connection tx, NewOperation n, int maxAttempts, Trust trust) throws SQLException {
        if (trust == Trust.OBSERVE) {
            return insertObserved(tx, n, maxAttempts);
        }
        if (trust == Trust.APPROVE && !"approval".equals(n.mode())) {
            return insert(tx, new NewOperation(n.targetId(), n.type(), n.object(), "approval", n.rule(), n.severity(),
                    n.triggeringEventId(), n.requestedBy(), n.parameters(), n.reason() + " (approval: trust approve, "
                    + "requested mode " + n.mode() + ")"), maxAttempts);
        }
        return insert(tx, n, maxAttempts);
    }

    /**
     * Records an operation its target's trust ({@code observe}) does not let run: stored as {@code cancelled} with the
     * reason {@value #WOULD_RUN}, and one {@code cancelled} event with {@code details.would_run = true}; nothing
     * touches the target. Empty when an operation for the same triggering event id exists already, or when a periodic
     * finding (no triggering event) was recorded the same way in the last day.
     */
    public Optional<Operation> insertObserved(Connection tx, NewOperation n, int maxAttempts) throws SQLException {
        if (n.triggeringEventId() == null && observedToday(tx, n)) {
            return Optional.empty();
        }
        String reason = WOULD_RUN + ": " + n.reason();
        Operation op;
        try (PreparedStatement ps = tx.prepareStatement(INSERT_OBSERVED)) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, n.targetId());
            ps.setString(3, n.type().wire());
            ps.setString(4, n.object());
            ps.setBoolean(5, n.type().heavy());
            ps.setString(6, n.mode());
            ps.setString(7, n.rule());
            ps.setString(8, n.severity());
            ps.setString(9, n.triggeringEventId());
            ps.setString(10, n.requestedBy());
            ps.setString(11, json(n.parameters() == null ? Map.of() : n.parameters()));
            ps.setString(12, reason);
            ps.setInt(13, maxAttempts);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                op = map(rs);
            }
        }
        outbox.append(tx, op, OperationState.CANCELLED, reason, Map.of("would_run", true, "trust", "observe",
                "mode", n.mode(), "parameters", op.parameters()));
        return Optional.of(op);
    }

    /** Whether a periodic finding (no triggering event) was recorded as would_run in the last day: once a day is enough. */
    private static boolean observedToday(Connection tx, NewOperation n) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(OBSERVED_TODAY)) {
            ps.setString(1, n.targetId());
            ps.setString(2, n.type().wire());
            ps.setString(3, n.object());
            ps.setString(4, WOULD_RUN + "%");
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The operation, if it exists. */
    public Optional<Operation> find(Connection tx, UUID id) throws SQLException {
        return one(tx, "SELECT * FROM automation.operation WHERE id = ?", id);
    }

    /** The operation, locked for update until the transaction ends. */
    public Optional<Operation> lock(Connection tx, UUID id) throws SQLException {
        return one(tx, "SELECT * FROM automation.operation WHERE id = ? FOR UPDATE", id);
    }

    /** Operations matching the optional filters, newest first. */
    public List<Operation> list(Connection tx, String targetId, String status, String type, int limit) throws SQLException {
        String sql = """
                SELECT * FROM automation.operation
                 WHERE (?::text IS NULL OR target_id = ?) AND (?::text IS NULL OR status = ?) AND (?::text IS NULL OR type = ?)
                 ORDER BY requested_at DESC, id LIMIT ?""";
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            ps.setString(1, targetId);
            ps.setString(2, targetId);
            ps.setString(3, status);
            ps.setString(4, status);
            ps.setString(5, type);
            ps.setString(6, type);
            ps.setInt(7, limit);
            return all(ps);
        }
    }

    /** Whether an unfinished operation of {@code type} on {@code object} (null: none) exists for the target. */
    public boolean unfinished(Connection tx, String targetId, OperationType type, String object) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(UNFINISHED)) {
            ps.setString(1, targetId);
            ps.setString(2, type.wire());
            ps.setString(3, object);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Approves an operation awaiting approval (claimable now); empty when it is not awaiting approval. */
    public Optional<Operation> approve(Connection tx, UUID id, String approvedBy, String reason) throws SQLException {
        return update(tx, APPROVE, approvedBy, reason, id);
    }

    /** Cancels a waiting (pending, deferred, awaiting approval) operation; empty when it is not waiting. */
    public Optional<Operation> cancelWaiting(Connection tx, UUID id, String reason) throws SQLException {
        return update(tx, CANCEL_WAITING, reason, id);
    }

    /** Flags a running operation for cancellation (its executor records the end); empty when it is not running. */
    public Optional<Operation> requestCancel(Connection tx, UUID id, String reason) throws SQLException {
        return update(tx, REQUEST_CANCEL, reason, id);
    }

    /**
     * Runs one of this package's fixed {@code UPDATE automation.operation SET ... WHERE id = ? ...} statements
     * (never built from input) and returns the updated row, or empty when the WHERE clause did not match.
     */
    Optional<Operation> update(Connection tx, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /** Like {@link #update} for statements returning several rows. */
    List<Operation> query(Connection tx, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            bind(ps, params);
            return all(ps);
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Instant instant) {
                ps.setTimestamp(i + 1, Timestamp.from(instant));
            } else if (p instanceof String[] array) {
                ps.setArray(i + 1, ps.getConnection().createArrayOf("text", array));
            } else if (p instanceof UUID[] array) {
                ps.setArray(i + 1, ps.getConnection().createArrayOf("uuid", array));
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    /** JSON text of a map, for jsonb parameters. */
    String json(Map<String, Object> value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<Operation> one(Connection tx, String sql, UUID id) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private List<Operation> all(PreparedStatement ps) throws SQLException {
        List<Operation> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
        }
        return out;
    }

    private Operation map(ResultSet rs) throws SQLException {
        Integer pid = rs.getObject("backend_pid") == null ? null : rs.getInt("backend_pid");
        return new Operation(rs.getObject("id", UUID.class), rs.getString("target_id"),
                OperationType.parse(rs.getString("type")).orElseThrow(), rs.getString("object"), rs.getBoolean("heavy"),
                rs.getString("mode"), OperationStatus.parse(rs.getString("status")).orElseThrow(), rs.getString("rule"),
                rs.getString("severity"), rs.getString("triggering_event_id"), rs.getString("requested_by"),
                jsonMap(rs.getString("parameters")), rs.getString("reason"), instant(rs, "requested_at"),
                instant(rs, "not_before"), rs.getInt("attempts"), rs.getInt("max_attempts"), rs.getInt("interruptions"),
                rs.getString("lease_owner"), instant(rs, "lease_expires_at"), pid, rs.getBoolean("cancel_requested"),
                rs.getString("approved_by"), instant(rs, "approved_at"), instant(rs, "started_at"),
                instant(rs, "finished_at"), rs.getString("result") == null ? null : jsonMap(rs.getString("result")),
                rs.getString("error"), instant(rs, "updated_at"));
    }

    private Map<String, Object> jsonMap(String json) {
        try {
            return json == null ? Map.of() : mapper.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
