package io.dbautopilot.performance.operations;

import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.OperationEvent;
import io.dbautopilot.model.OperationState;
import io.dbautopilot.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Publishes operation events to the real broker as the automation service does: binary-mode CloudEvents keyed by target. */
public final class OperationEvents implements AutoCloseable {

    private final KafkaProducer<String, String> producer;

    public OperationEvents(String bootstrap) {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    /** An event for an operation in a state, with its details; {@code progress} may be null. */
    public static OperationEvent event(UUID op, String target, String type, OperationState state, Double progress,
                                       Map<String, Object> details) {
        Instant now = Instant.now();
        return new OperationEvent(op, null, target, type, state, progress, null, now.minusSeconds(5),
                state == OperationState.REQUESTED ? null : now.minusSeconds(2), state.terminal() ? now : null, now, details);
    }

    /** A full backup of the target that ended (succeeded or failed) at {@code at}, having run for 50 s. */
    public static OperationEvent backup(String target, OperationState state, Instant at) {
        return new OperationEvent(UUID.randomUUID(), null, target, "backup", state, 1.0, "test", at.minusSeconds(60),
                at.minusSeconds(50), at, at, Map.of("object", "full"));
    }

    /** Publishes one event; returns its CloudEvents id. */
    public String publish(OperationEvent event) throws Exception {
        String id = UUID.randomUUID().toString();
        send(id, event.eventType(), event.targetId(), EventJson.newMapper().writeValueAsString(event));
        return id;
    }

    /** Publishes a raw record with the given CloudEvents id and type (null leaves the header out). */
    public void send(String id, String type, String target, String data) throws Exception {
        ProducerRecord<String, String> r = new ProducerRecord<>(Topics.OPERATIONS, target, data);
        r.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        if (id != null) {
            r.headers().add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        }
        if (type != null) {
            r.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        }
        r.headers().add("ce_source", EventSources.AUTOMATION_SERVICE.getBytes(StandardCharsets.UTF_8));
        r.headers().add("ce_subject", target.getBytes(StandardCharsets.UTF_8));
        r.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        producer.send(r).get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
