package io.dbautopilot.automation.intake;

import io.dbautopilot.model.AnomalyEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Records consumed events in {@code automation.processed_event} exactly once, in the same transaction as their
 * effect, so a replayed or redelivered event (same CloudEvents id) is recognised and has no second effect.
 */
@ApplicationScoped
public class ProcessedEvents {

    private static final String CLAIM = """
            INSERT INTO automation.processed_event
                   (event_id, event_type, source, subject, topic, kafka_partition, kafka_offset, payload)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (event_id) DO NOTHING""";

    private static final String UPSERT_ANOMALY = """
            INSERT INTO automation.anomaly
                   (fingerprint, target_id, detector, object, severity, state, sequence, suggested_action, last_event_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (fingerprint) DO UPDATE SET
                   severity = EXCLUDED.severity, state = EXCLUDED.state, sequence = EXCLUDED.sequence,
                   suggested_action = EXCLUDED.suggested_action, last_event_id = EXCLUDED.last_event_id,
                   updated_at = now()
             WHERE automation.anomaly.sequence < EXCLUDED.sequence""";

    private final Pool state;

    public ProcessedEvents(Pool state) {
        this.state = state;
    }

    /** Where a record came from, and its CloudEvents identity. */
    public record Origin(String eventId, String type, String source, String subject, String topic, int partition,
                         long offset) {
    }

    /**
     * Records an anomaly event and its latest state; emits {@code true} if it was new, {@code false} if this
     * event id had already been processed (nothing is changed then).
     */
    public Uni<Boolean> recordAnomaly(Origin origin, AnomalyEvent event, String json) {
        return state.withTransaction(tx -> tx.preparedQuery(CLAIM)
                .execute(Tuple.tuple()
                        .addString(origin.eventId()).addString(origin.type()).addString(origin.source())
                        .addString(origin.subject()).addString(origin.topic()).addInteger(origin.partition())
                        .addLong(origin.offset()).addValue(new JsonObject(json)))
                .chain(claimed -> {
                    if (claimed.rowCount() == 0) {
                        return Uni.createFrom().item(false);
                    }
                    return tx.preparedQuery(UPSERT_ANOMALY)
                            .execute(Tuple.tuple()
                                    .addString(event.fingerprint()).addString(event.targetId())
                                    .addString(event.detector()).addString(event.object())
                                    .addString(event.severity().wire()).addString(event.state().wire())
                                    .addLong(event.sequence()).addString(event.suggestedAction())
                                    .addString(origin.eventId()))
                            .replaceWith(true);
                }));
    }
}
