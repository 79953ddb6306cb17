package io.dbautopilot.performance.detect;

import io.dbautopilot.model.EventSources;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.net.URI;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one outbox row to {@code autopilot.anomalies.v1} as a binary-mode CloudEvent (key and subject = target id,
 * id = the outbox event id); completes when the broker acknowledged it.
 */
@ApplicationScoped
public class AnomalyPublisher {

    private final Emitter<String> emitter;

    public AnomalyPublisher(@Channel("anomalies") Emitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Sends the row's already validated JSON payload. */
    public Uni<Void> publish(AnomalyRelay.Row row) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        OutgoingCloudEventMetadata<Object> ce = OutgoingCloudEventMetadata.builder()
                .withId(row.eventId())
                .withType(row.type())
                .withSource(URI.create(EventSources.PERFORMANCE_SERVICE))
                .withSubject(row.targetId())
                .withTimestamp(row.occurredAt().atZone(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(row.targetId())
                .build();
        Message<String> message = Message.of(row.payload())
                .addMetadata(ce)
                .addMetadata(kafka)
                .withAck(() -> {
                    acked.complete(null);
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
