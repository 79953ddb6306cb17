package io.dbautopilot.automation.canary;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.CanaryEvent;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes the {@code io.dbautopilot.canary.completed.v1} event of an ended run into {@code automation.canary_outbox}
 * inside the caller's transaction, validated against {@code canary-event.v1.json} first.
 */
@ApplicationScoped
public class CanaryOutbox {

    private final ObjectMapper mapper;
    private final EventValidator validator = EventValidator.shared();

    public CanaryOutbox(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The event announcing an ended run. */
    static CanaryEvent eventOf(CanaryRun run, Duration deadline) {
        List<CanaryEvent.Stage> stages = new ArrayList<>();
        if (run.plantedAt() != null) {
            stage(stages, "planted", run.plantedAt(), run.plantedAt());
            stage(stages, "detected", run.detectedAt(), run.plantedAt());
            stage(stages, "decided", run.decidedAt(), run.plantedAt());
            stage(stages, "executed", run.executedAt(), run.plantedAt());
            stage(stages, "verified", run.verifiedAt(), run.plantedAt());
        }
        return new CanaryEvent(run.id(), run.targetId(), run.status(), run.trust(), run.reason(), run.table(),
                run.plantedAt(), run.completedAt(), deadline.toSeconds(), run.nextDueAt(), stages, run.failedStage(),
                run.operationId(), run.effect());
    }

    private static void stage(List<CanaryEvent.Stage> stages, String name, Instant at, Instant planted) {
        if (at != null) {
            double seconds = Math.max(0, Duration.between(planted, at).toMillis() / 1000.0);
            stages.add(new CanaryEvent.Stage(name, at, seconds));
        }
    }

    /** Appends the event; throws when it does not match its schema (a bug here, never sent). */
    public CanaryEvent append(Connection tx, CanaryRun run, Duration deadline) throws SQLException {
        CanaryEvent event = eventOf(run, deadline);
        JsonNode json = mapper.valueToTree(event);
        List<String> problems = validator.validate(EventKind.CANARY, json);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("canary event does not match canary-event.v1: " + problems);
        }
        try (PreparedStatement ps = tx.prepareStatement("""
                INSERT INTO automation.canary_outbox (event_id, event_type, target_id, run_id, payload)
                VALUES (?, ?, ?, ?, ?::jsonb)""")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, event.eventType());
            ps.setString(3, run.targetId());
            ps.setObject(4, run.id());
            ps.setString(5, mapper.writeValueAsString(json));
            ps.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise canary event", e);
        }
        return event;
    }
}
