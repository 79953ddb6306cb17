package io.dbautopilot.performance.publish;

import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.MetricSnapshot;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.net.URI;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

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
        CompletableFuture<String> acked = new CompletableFuture<>();
        OutgoingCloudEventMetadata<Object> ce = OutgoingCloudEventMetadata.builder()
                .withId(id)
                .withType(EventTypes.SNAPSHOT_COLLECTED)
                .withSource(URI.create(EventSources.PERFORMANCE_SERVICE))
                .withSubject(snapshot.targetId())
                .withTimestamp(snapshot.collectedAt().atZone(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(snapshot.targetId())
                .build();
        Message<MetricSnapshot> message = Message.of(snapshot)
                .addMetadata(ce)
                .addMetadata(kafka)
                .withAck(() -> {
                    acked.complete(id);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(error -> {
                    acked.completeExceptionally(error);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
        return Uni.createFrom().completionStage(acked);
    }
}
