package io.dbautopilot.automation.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationRequests;
import io.dbautopilot.automation.state.StateTransactions;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.RecommendationEvent;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.PreparedStatement;
import java.util.Optional;

/**
 * Records consumed events in {@code automation.processed_event} exactly once, in the same transaction as their
 * effect (the anomaly's latest state, the operation the policy asks for and its outcome: {@code operation <id>},
 * {@code unknown target} or {@code unavailable: <reason>}), so a replayed or redelivered event
 * (same CloudEvents id) is recognised and has no second effect. Blocking: call from a worker thread.
 */
@ApplicationScoped
public class ProcessedEvents {

    private static final String CLAIM = """
            INSERT INTO automation.processed_event
                   (event_id, event_type, source, subject, topic, kafka_partition, kafka_offset, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)
            ON CONFLICT (event_id) DO NOTHING""";

    private static final String UPSERT_ANOMALY = """
            INSERT INTO automation.anomaly
                   (fingerprint, target_id, detector, object, severity, state, sequence, suggested_action, last_event_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (fingerprint) DO UPDATE SET
                   severity = EXCLUDED.severity, state = EXCLUDED.state, sequence = EXCLUDED.sequence,
                   suggested_action = EXCLUDED.suggested_action, last_event_id = EXCLUDED.last_event_id,
                   updated_at = now()
             WHERE automation.anomaly.sequence < EXCLUDED.sequence""";

    private static final String OUTCOME = """
            UPDATE automation.anomaly SET outcome = ? WHERE fingerprint = ? AND last_event_id = ?""";

    private final StateTransactions transactions;
    private final OperationRequests requests;

    public ProcessedEvents(StateTransactions transactions, OperationRequests requests) {
        this.transactions = transactions;
        this.requests = requests;
    }

    /** Where a record came from, and its CloudEvents identity. */
    public record Origin(String eventId, String type, String source, String subject, String topic, int partition,
                         long offset) {
    }

    /**
     * What recording an event did.
     *
     * @param isNew     false when this event id had already been processed (then nothing was changed)
     * @param operation the operation the policy requested for it, if any
     */
    public record Recorded(boolean isNew, Optional<Operation> operation) {
    }

    /** Records a recommendation event and the operation the policy asks for, in one transaction. */
    public Recorded recordRecommendation(Origin origin, RecommendationEvent event, JsonNode json) {
        return transactions.inTransaction(tx -> {
            if (!claim(tx, origin, json)) {
                return new Recorded(false, Optional.empty());
            }
            return new Recorded(true, requests.fromRecommendation(tx, origin.eventId(), event));
        });
    }

    private static boolean claim(java.sql.Connection tx, Origin origin, JsonNode json) throws java.sql.SQLException {
        try (PreparedStatement ps = tx.prepareStatement(CLAIM)) {
            ps.setString(1, origin.eventId());
            ps.setString(2, origin.type());
            ps.setString(3, origin.source());
            ps.setString(4, origin.subject());
            ps.setString(5, origin.topic());
            ps.setInt(6, origin.partition());
            ps.setLong(7, origin.offset());
            ps.setString(8, json.toString());
            return ps.executeUpdate() == 1;
        }
    }

    /** Records an anomaly event, its latest state and the operation the policy asks for, in one transaction. */
    public Recorded recordAnomaly(Origin origin, AnomalyEvent event, JsonNode json) {
        return transactions.inTransaction(tx -> {
            if (!claim(tx, origin, json)) {
                return new Recorded(false, Optional.empty());
            }
            try (PreparedStatement ps = tx.prepareStatement(UPSERT_ANOMALY)) {
                ps.setString(1, event.fingerprint());
                ps.setString(2, event.targetId());
                ps.setString(3, event.detector());
                ps.setString(4, event.object());
                ps.setString(5, event.severity().wire());
                ps.setString(6, event.state().wire());
                ps.setLong(7, event.sequence());
                ps.setString(8, event.suggestedAction());
                ps.setString(9, origin.eventId());
                ps.executeUpdate();
            }
            Optional<Operation> operation = requests.fromAnomaly(tx, origin.eventId(), event);
            String outcome = operation.map(op -> "operation " + op.id())
                    .orElseGet(() -> requests.notManaged(event.targetId()).orElse(null));
            if (outcome != null) {
                try (PreparedStatement ps = tx.prepareStatement(OUTCOME)) {
                    ps.setString(1, outcome);
                    ps.setString(2, event.fingerprint());
                    ps.setString(3, origin.eventId());
                    ps.executeUpdate();
                }
            }
            return new Recorded(true, operation);
        });
    }
}
