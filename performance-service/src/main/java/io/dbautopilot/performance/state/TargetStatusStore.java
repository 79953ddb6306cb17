package io.dbautopilot.performance.state;

import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.fleet.CollectorFleet;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps each target's last collection outcome, its owner and its latest health grade in
 * {@code performance.target_status} (survives restarts; read by every instance for the fleet-wide view).
 */
@ApplicationScoped
public class TargetStatusStore {

    private static final String UPSERT = """
            INSERT INTO performance.target_status
                   (target_id, last_cycle_at, last_duration_ms, reachable, last_error, last_event_id, cycles, owner)
            VALUES ($1, $2, $3, $4, $5, $6, 1, $7)
            ON CONFLICT (target_id) DO UPDATE SET
                   last_cycle_at = EXCLUDED.last_cycle_at,
                   last_duration_ms = EXCLUDED.last_duration_ms,
                   reachable = EXCLUDED.reachable,
                   last_error = EXCLUDED.last_error,
                   last_event_id = EXCLUDED.last_event_id,
                   owner = EXCLUDED.owner,
                   cycles = performance.target_status.cycles + 1""";

    private static final String DELIVERED = """
            UPDATE performance.target_status SET last_event_id = $3, last_error = coalesce($4, last_error)
             WHERE target_id = $1 AND last_cycle_at = $2""";

    private static final String HEALTH = """
            UPDATE performance.target_status SET grade = $2, score = $3, scored_at = $4
             WHERE target_id = $1 AND (scored_at IS NULL OR scored_at <= $4)""";

    private static final String ALL = """
            SELECT target_id, last_cycle_at, reachable, owner, grade, score FROM performance.target_status""";

    /**
     * What the state database holds of a target, as its owner last wrote it.
     *
     * @param lastCycleAt start of its last collection cycle
     * @param reachable   whether that cycle reached the server
     * @param owner       the instance that ran that cycle (null for rows written before owners were recorded)
     * @param grade       latest health grade (null before the first score)
     * @param score       latest health score (null before the first score)
     */
    public record Stored(Instant lastCycleAt, boolean reachable, String owner, String grade, Integer score) {
    }

    private final Pool state;
    private final CollectorFleet fleet;

    public TargetStatusStore(Pool state, CollectorFleet fleet) {
        this.state = state;
        this.fleet = fleet;
    }

    /** Records a finished cycle; {@code eventId} is the published CloudEvent id (null if publishing failed). */
    public Uni<Void> record(MetricSnapshot snapshot, String eventId, String publishError) {
        boolean reachable = io.dbautopilot.performance.engine.Reachability.reached(snapshot);
        String error = publishError != null ? "publish: " + publishError
                : snapshot.errors().isEmpty() ? null : String.join("; ", snapshot.errors().values());
        return state.preparedQuery(UPSERT)
                .execute(Tuple.from(List.of(snapshot.targetId(),
                        snapshot.collectedAt().atOffset(ZoneOffset.UTC), snapshot.collectionDurationMs(), reachable))
                        .addString(error).addString(eventId).addString(fleet.instanceId()))
                .replaceWithVoid();
    }

    /**
     * Records the Kafka outcome of a snapshot whose cycle was recorded without it: the CloudEvent id once the broker
     * acknowledged it, or the reason it was not published. A no-op when a newer cycle of the target was recorded since.
     */
    public Uni<Void> recordDelivery(MetricSnapshot snapshot, String eventId, String publishError) {
        return state.preparedQuery(DELIVERED)
                .execute(Tuple.of(snapshot.targetId(), snapshot.collectedAt().atOffset(ZoneOffset.UTC), eventId,
                        publishError == null ? null : "publish: " + publishError))
                .replaceWithVoid();
    }

    /** Records a target's latest health grade and score (computed at {@code at}); an older score never overwrites a newer one. */
    public Uni<Void> recordHealth(String targetId, String grade, int score, Instant at) {
        return state.preparedQuery(HEALTH)
                .execute(Tuple.of(targetId, grade, score, at.atOffset(ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** Every target's stored status, by target id, in one query. */
    public Uni<Map<String, Stored>> all() {
        return state.query(ALL).execute().map(rows -> {
            Map<String, Stored> out = new HashMap<>();
            for (Row r : rows) {
                OffsetDateTime at = r.getOffsetDateTime("last_cycle_at");
                out.put(r.getString("target_id"), new Stored(at == null ? null : at.toInstant(),
                        Boolean.TRUE.equals(r.getBoolean("reachable")), r.getString("owner"), r.getString("grade"),
                        r.getInteger("score")));
            }
            return out;
        });
    }
}
