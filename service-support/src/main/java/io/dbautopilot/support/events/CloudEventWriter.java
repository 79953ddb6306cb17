package io.dbautopilot.support.events;

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
 * Sends one binary-mode CloudEvent (JSON data, key and subject = target id) and tells the caller whether the broker
 * acknowledged it: the one writer of every event both services publish.
 */
public final class CloudEventWriter {

    private CloudEventWriter() {
    }

    /**
     * Sends {@code payload}; the returned Uni completes on the broker's ack and fails on its nack.
     *
     * @param source the CloudEvents source of the sending service ({@code io.dbautopilot.model.EventSources})
     */
    public static <T> Uni<Void> send(Emitter<T> emitter, T payload, String id, String type, String source,
                                     String targetId, Instant time) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        OutgoingCloudEventMetadata<Object> ce = OutgoingCloudEventMetadata.builder()
                .withId(id)
                .withType(type)
                .withSource(URI.create(source))
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
