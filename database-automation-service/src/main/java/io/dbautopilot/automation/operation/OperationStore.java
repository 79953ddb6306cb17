package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.automation.stop.EmergencyStop;
import io.dbautopilot.automation.stop.EmergencyStops;
import io.dbautopilot.model.OperationState;
import io.dbautopilot.model.Trust;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    private static final String INSERT_FINISHED = """
            INSERT INTO automation.operation (id, target_id, type, object, heavy, mode, status, rule, severity,
                   triggering_event_id, requested_by, parameters, reason, max_attempts, result, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, now())
            ON CONFLICT (triggering_event_id) DO NOTHING
            RETURNING *""";

    private static final String RECORDED_SINCE = """
            SELECT 1 FROM automation.operation WHERE target_id = ? AND type = ? AND object IS NOT DISTINCT FROM ?
               AND status = ? AND reason LIKE ? AND requested_at > ? LIMIT 1""";

    /** Reason prefix of an operation refused because an emergency stop is in force for its target. */
    public static final String REFUSED = "refused: ";

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
               AND status NOT IN ('succeeded', 'failed', 'cancelled', 'would_run') LIMIT 1""";

    private final ObjectMapper mapper;
    private final Outbox outbox;
    private final EmergencyStops stops;

    private final io.dbautopilot.automation.database.ManagedDatabases databases;

    public OperationStore(ObjectMapper mapper, Outbox outbox, EmergencyStops stops,
                          io.dbautopilot.automation.database.ManagedDatabases databases) {
        this.databases = databases;
        this.mapper = mapper;
        this.outbox = outbox;
        this.stops = stops;
    }

    /**
     * Creates an operation and its {@code requested} event; empty when an operation for the same triggering event
     * id exists already (a replay never creates a second operation).
     */
    public Optional<Operation> insert(Connection tx, NewOperation n, int maxAttempts) throws SQLException {
        Optional<EmergencyStop> stop = stops.activeFor(tx, n.targetId());
        if (stop.isPresent()) {
            return insertRefused(tx, n, maxAttempts, stop.get());
        }
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
     * ({@link #insertObserved}); while an emergency stop is in force for the target, refused whatever the trust.
     */
    public Optional<Operation> insert(Connection tx, NewOperation n, int maxAttempts, Trust trust) throws SQLException {
        Optional<EmergencyStop> stop = stops.activeFor(tx, n.targetId());
        if (stop.isPresent()) {
            return insertRefused(tx, n, maxAttempts, stop.get());
        }
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
     * Records an operation its target's trust ({@code observe}) does not let run: stored as {@code would_run} with the
     * reason {@value #WOULD_RUN} and {@code result.statement} (the exact statement, {@link PlannedStatement}), and one
     * {@code would_run} event carrying both; nothing touches the target. Empty when an operation for the same
     * triggering event id exists already, or when a periodic finding (no triggering event) was recorded the same way
     * in the last day.
     */
    public Optional<Operation> insertObserved(Connection tx, NewOperation n, int maxAttempts) throws SQLException {
        if (periodic(n)
                && recordedSince(tx, n, OperationStatus.WOULD_RUN, WOULD_RUN, Instant.now().minus(Duration.ofDays(1)))) {
            return Optional.empty();
        }
        String statement = PlannedStatement.of(n, databases.engineOf(n.targetId())
                .orElse(io.dbautopilot.model.Engine.POSTGRESQL));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("statement", statement);
        result.put("mode", n.mode());
        result.put("trust", "observe");
        String reason = WOULD_RUN + ": " + n.reason();
        Optional<Operation> op = insertFinished(tx, n, maxAttempts, OperationStatus.WOULD_RUN, reason, result);
        if (op.isPresent()) {
            Map<String, Object> details = new LinkedHashMap<>(result);
            details.put("would_run", true);
            details.put("parameters", op.get().parameters());
            outbox.append(tx, op.get(), OperationState.WOULD_RUN, reason, details);
        }
        return op;
    }

    /**
     * Records an operation refused because an emergency stop is in force for its target: stored {@code cancelled} with
     * the reason {@value #REFUSED}{@code emergency stop ...} and one {@code cancelled} event with
     * {@code details.emergency_stop = true}; nothing touches the target. A periodic finding (no triggering event) is
     * recorded so once per stop.
     */
    private Optional<Operation> insertRefused(Connection tx, NewOperation n, int maxAttempts, EmergencyStop stop)
            throws SQLException {
        if (periodic(n) && recordedSince(tx, n, OperationStatus.CANCELLED, REFUSED, stop.stoppedAt())) {
            return Optional.empty();
        }
        String reason = REFUSED + stop.refusal() + " (wanted: " + n.reason() + ")";
        Optional<Operation> op = insertFinished(tx, n, maxAttempts, OperationStatus.CANCELLED, reason, null);
        if (op.isPresent()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("emergency_stop", true);
            details.put("stop_scope", stop.global() ? "global" : stop.target());
            details.put("mode", n.mode());
            details.put("parameters", op.get().parameters());
            outbox.append(tx, op.get(), OperationState.CANCELLED, reason, details);
        }
        return op;
    }

    /** A periodic finding of this service (no triggering event, not asked for through the API): recorded sparingly. */
    private static boolean periodic(NewOperation n) {
        return n.triggeringEventId() == null && "policy".equals(n.requestedBy());
    }

    private Optional<Operation> insertFinished(Connection tx, NewOperation n, int maxAttempts, OperationStatus status,
                                               String reason, Map<String, Object> result) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(INSERT_FINISHED)) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, n.targetId());
            ps.setString(3, n.type().wire());
            ps.setString(4, n.object());
            ps.setBoolean(5, n.type().heavy());
            ps.setString(6, n.mode());
            ps.setString(7, status.wire());
            ps.setString(8, n.rule());
            ps.setString(9, n.severity());
            ps.setString(10, n.triggeringEventId());
            ps.setString(11, n.requestedBy());
            ps.setString(12, json(n.parameters() == null ? Map.of() : n.parameters()));
            ps.setString(13, reason);
            ps.setInt(14, maxAttempts);
            ps.setString(15, result == null ? null : json(result));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /** Whether a periodic finding (no triggering event) was recorded with this status and reason prefix since then. */
    private static boolean recordedSince(Connection tx, NewOperation n, OperationStatus status, String prefix,
                                         Instant since) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(RECORDED_SINCE)) {
            ps.setString(1, n.targetId());
            ps.setString(2, n.type().wire());
            ps.setString(3, n.object());
            ps.setString(4, status.wire());
            ps.setString(5, prefix + "%");
            ps.setTimestamp(6, Timestamp.from(since));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The {@code would_run} operations of a target requested in {@code [from, to)}, oldest first, at most {@code limit}.
     */
    public List<Operation> wouldRun(Connection tx, String targetId, Instant from, Instant to, int limit)
            throws SQLException {
        return query(tx, """
                SELECT * FROM automation.operation WHERE target_id = ? AND status = 'would_run'
                   AND requested_at >= ? AND requested_at < ? ORDER BY requested_at, id LIMIT ?""",
                targetId, from, to, limit);
    }

    /** Counts of a target's {@code would_run} operations in {@code [from, to)} by {@code column} (rule or type). */
    public Map<String, Long> wouldRunCounts(Connection tx, String targetId, Instant from, Instant to, boolean byRule)
            throws SQLException {
        String sql = byRule
                ? "SELECT coalesce(rule, '(manual)'), count(*) FROM automation.operation WHERE target_id = ? "
                  + "AND status = 'would_run' AND requested_at >= ? AND requested_at < ? GROUP BY 1 ORDER BY 1"
                : "SELECT type, count(*) FROM automation.operation WHERE target_id = ? "
                  + "AND status = 'would_run' AND requested_at >= ? AND requested_at < ? GROUP BY 1 ORDER BY 1";
        Map<String, Long> out = new java.util.TreeMap<>();
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            bind(ps, targetId, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** Unfinished (waiting or running) operations of one target, or of all targets when null. */
    public List<Operation> unfinished(Connection tx, String targetId) throws SQLException {
        return query(tx, """
                SELECT * FROM automation.operation WHERE (?::text IS NULL OR target_id = ?)
                   AND status IN ('pending', 'deferred', 'awaiting_approval', 'running') ORDER BY requested_at""",
                targetId, targetId);
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
