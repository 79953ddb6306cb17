package io.dbautopilot.performance.publish;

import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.support.events.CloudEventWriter;
import io.dbautopilot.model.MetricSnapshot;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import java.util.UUID;

/**
 * Publishes metric snapshots to {@code autopilot.metrics.v1} as binary-mode CloudEvents keyed by target id.
 *
 * <p>The returned {@link Uni} completes when the broker acknowledged the record and fails when it did not, so
 * the caller knows whether the snapshot reached Kafka.
 */
@ApplicationScoped
public class SnapshotPublisher {

    private final Emitter<MetricSnapshot> emitter;

    public SnapshotPublisher(@Channel("metrics") Emitter<MetricSnapshot> emitter) {
        this.emitter = emitter;
    }

    /** Sends one snapshot; completes with the CloudEvent id once the broker has it. */
    public Uni<String> publish(MetricSnapshot snapshot) {
        String id = UUID.randomUUID().toString();
        return CloudEventWriter.send(emitter, snapshot, id, EventTypes.SNAPSHOT_COLLECTED, EventSources.PERFORMANCE_SERVICE,
                snapshot.targetId(),
                snapshot.collectedAt()).replaceWith(id);
    }
}
