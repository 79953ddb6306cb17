package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.OperationEvent;
import io.dbautopilot.model.OperationState;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes operation events into {@code automation.outbox} inside the caller's transaction, validated against
 * {@code operation-event.v1.json} first, so a state change and its event commit together or not at all.
 */
@ApplicationScoped
public class Outbox {

    private static final String INSERT = """
            INSERT INTO automation.outbox (event_id, event_type, target_id, operation_id, payload)
            VALUES (?, ?, ?, ?, ?::jsonb)""";

    private final ObjectMapper mapper;
    private final EventValidator validator = EventValidator.shared();

    public Outbox(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Appends the event announcing {@code op} in {@code state}; details are merged over the operation's basics. */
    public OperationEvent append(Connection tx, Operation op, OperationState state, String reason,
                                 Map<String, Object> details) throws SQLException {
        Map<String, Object> all = new LinkedHashMap<>();
        if (op.object() != null) {
            all.put("object", op.object());
        }
        all.put("mode", op.mode());
        all.put("requested_by", op.requestedBy());
        if (op.rule() != null) {
            all.put("rule", op.rule());
        }
        if (op.severity() != null) {
            all.put("severity", op.severity());
        }
        all.put("attempt", op.attempts());
        if (details != null) {
            all.putAll(details);
        }
        Instant now = Instant.now();
        // a progress event carrying "percent" (e.g. a backup's, from the tool's output) also fills the event's fraction
        Double fraction = state == OperationState.PROGRESS && all.get("percent") instanceof Number p
                ? Math.max(0.0, Math.min(1.0, p.doubleValue() / 100.0)) : null;
        OperationEvent event = new OperationEvent(op.id(), op.triggeringEventId(), op.targetId(), op.type().wire(), state,
                fraction, reason, op.requestedAt(), state == OperationState.REQUESTED ? null : op.startedAt(),
                state.terminal() ? (op.finishedAt() != null ? op.finishedAt() : now) : null, now, all);
        JsonNode json = mapper.valueToTree(event);
        List<String> problems = validator.validate(EventKind.OPERATION, json);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("operation event does not match operation-event.v1: " + problems);
        }
        try (PreparedStatement ps = tx.prepareStatement(INSERT)) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, event.eventType());
            ps.setString(3, op.targetId());
            ps.setObject(4, op.id());
            ps.setString(5, mapper.writeValueAsString(json));
            ps.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise operation event", e);
        }
        return event;
    }
}
