package io.dbautopilot.performance.state;

import io.dbautopilot.model.MetricSnapshot;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.ZoneOffset;

/** Keeps each target's last collection outcome in {@code performance.target_status} (survives restarts). */
@ApplicationScoped
public class TargetStatusStore {

    private static final String UPSERT = """
            INSERT INTO performance.target_status
                   (target_id, last_cycle_at, last_duration_ms, reachable, last_error, last_event_id, cycles)
            VALUES ($1, $2, $3, $4, $5, $6, 1)
            ON CONFLICT (target_id) DO UPDATE SET
                   last_cycle_at = EXCLUDED.last_cycle_at,
                   last_duration_ms = EXCLUDED.last_duration_ms,
                   reachable = EXCLUDED.reachable,
                   last_error = EXCLUDED.last_error,
                   last_event_id = EXCLUDED.last_event_id,
                   cycles = performance.target_status.cycles + 1""";

    private final Pool state;

    public TargetStatusStore(Pool state) {
        this.state = state;
    }

    /** Records a finished cycle; {@code eventId} is the published CloudEvent id (null if publishing failed). */
    public Uni<Void> record(MetricSnapshot snapshot, String eventId, String publishError) {
        boolean reachable = io.dbautopilot.performance.engine.Reachability.reached(snapshot);
        String error = publishError != null ? "publish: " + publishError
                : snapshot.errors().isEmpty() ? null : String.join("; ", snapshot.errors().values());
        return state.preparedQuery(UPSERT)
                .execute(Tuple.from(java.util.List.of(snapshot.targetId(),
                        snapshot.collectedAt().atOffset(ZoneOffset.UTC), snapshot.collectionDurationMs(), reachable))
                        .addString(error).addString(eventId))
                .replaceWithVoid();
    }
}
