package io.dbautopilot.performance.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.performance.collect.CollectCpu;
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
 * <p>The snapshot is serialized to JSON once, here (its thread CPU time and size are measured), and the producer
 * sends those bytes. The returned {@link Uni} completes when the broker acknowledged the record and fails when it
 * did not, so the caller knows whether the snapshot reached Kafka.
 */
@ApplicationScoped
public class SnapshotPublisher {

    private final Emitter<byte[]> emitter;
    private final ObjectMapper json;
    private final SnapshotSizes sizes;

    public SnapshotPublisher(@Channel("metrics") Emitter<byte[]> emitter, ObjectMapper json, SnapshotSizes sizes) {
        this.emitter = emitter;
        this.json = json;
        this.sizes = sizes;
    }

    /** Sends one snapshot; completes with the CloudEvent id once the broker has it. */
    public Uni<String> publish(MetricSnapshot snapshot) {
        String id = UUID.randomUUID().toString();
        byte[] data;
        long cpu0 = CollectCpu.threadCpuNanos();
        try {
            data = json.writeValueAsBytes(snapshot);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        CollectCpu.serialized(snapshot.points().size(), CollectCpu.threadCpuNanos() - cpu0);
        sizes.record(snapshot.targetId(), snapshot.points().size(), data.length);
        return CloudEventWriter.send(emitter, data, id, EventTypes.SNAPSHOT_COLLECTED, EventSources.PERFORMANCE_SERVICE,
                snapshot.targetId(), snapshot.collectedAt()).replaceWith(id);
    }
}
