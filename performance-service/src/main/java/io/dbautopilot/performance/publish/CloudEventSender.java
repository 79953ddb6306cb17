package io.dbautopilot.performance.publish;

import io.dbautopilot.model.EventSources;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one binary-mode CloudEvent from this service, keyed and subject-ed by target id, and tells the caller
 * whether the broker acknowledged it.
 */
public final class CloudEventSender {

    private CloudEventSender() {
    }

    /** Sends {@code payload}; the returned Uni completes on the broker's ack and fails on its nack. */
    public static <T> Uni<Void> send(Emitter<T> emitter, T payload, String id, String type, String targetId,
                                     Instant time) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        OutgoingCloudEventMetadata<Object> ce = OutgoingCloudEventMetadata.builder()
                .withId(id)
                .withType(type)
                .withSource(URI.create(EventSources.PERFORMANCE_SERVICE))
                .withSubject(targetId)
                .withTimestamp(time.atZone(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(targetId)
                .build();
        Message<T> message = Message.of(payload)
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
