package io.dbautopilot.performance.detect;

import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads {@code autopilot.anomalies.v1} from the real broker, checking every record's CloudEvent headers and schema. */
public final class AnomalyEvents implements AutoCloseable {

    /** A record as received. */
    public record Received(String key, Map<String, String> headers, AnomalyEvent event) {
    }

    private final KafkaConsumer<String, String> consumer;
    public final List<Received> seen = new ArrayList<>();

    public AnomalyEvents(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(Topics.ANOMALIES));
    }

    /** Waits up to {@code seconds} for a record (already seen or new) matching {@code wanted}. */
    public Received await(int seconds, String what, Predicate<Received> wanted) {
        for (Received r : seen) {
            if (wanted.test(r)) {
                return r;
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> cr : consumer.poll(Duration.ofMillis(300))) {
                Received r = parse(cr);
                seen.add(r);
                if (wanted.test(r)) {
                    return r;
                }
            }
        }
        throw new AssertionError("no anomaly event " + what + " within " + seconds + " s; seen: "
                + seen.stream().map(r -> r.key() + ":" + r.event().detector() + ":" + r.event().state().wire() + ":"
                + r.event().object()).toList());
    }

    private static Received parse(ConsumerRecord<String, String> cr) {
        List<String> problems = EventValidator.shared().validate(EventKind.ANOMALY, cr.value());
        assertTrue(problems.isEmpty(), problems + ": " + cr.value());
        Map<String, String> headers = new java.util.HashMap<>();
        for (Header h : cr.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        AnomalyEvent event;
        try {
            event = EventJson.newMapper().readValue(cr.value(), AnomalyEvent.class);
        } catch (Exception e) {
            throw new AssertionError("not an anomaly event: " + cr.value(), e);
        }
        assertEquals(event.targetId(), cr.key(), "keyed by target id");
        assertEquals(event.targetId(), headers.get("ce_subject"));
        assertEquals(event.eventType(), headers.get("ce_type"));
        assertEquals("1.0", headers.get("ce_specversion"));
        assertEquals("/db-autopilot/performance-service", headers.get("ce_source"));
        assertNotNull(UUID.fromString(headers.get("ce_id")));
        return new Received(cr.key(), headers, event);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
