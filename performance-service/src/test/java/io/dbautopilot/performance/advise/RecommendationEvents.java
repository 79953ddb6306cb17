package io.dbautopilot.performance.advise;

import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads {@code autopilot.recommendations.v1} from the real broker, checking every record's CloudEvent headers and schema. */
final class RecommendationEvents implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    final List<RecommendationEvent> seen = new ArrayList<>();

    RecommendationEvents(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(Topics.RECOMMENDATIONS));
    }

    /** Reads what has arrived so far. */
    void drain() {
        for (ConsumerRecord<String, String> cr : consumer.poll(Duration.ofMillis(500))) {
            seen.add(parse(cr));
        }
    }

    /** Waits up to {@code seconds} for an event (already seen or new) matching {@code wanted}. */
    RecommendationEvent await(int seconds, String what, Predicate<RecommendationEvent> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        do {
            for (RecommendationEvent e : seen) {
                if (wanted.test(e)) {
                    return e;
                }
            }
            drain();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no recommendation event " + what + " within " + seconds + " s; seen: "
                + seen.stream().map(e -> e.recommendationId() + ":" + e.state().wire()).toList());
    }

    private static RecommendationEvent parse(ConsumerRecord<String, String> cr) {
        List<String> problems = EventValidator.shared().validate(EventKind.RECOMMENDATION, cr.value());
        assertTrue(problems.isEmpty(), problems + ": " + cr.value());
        Map<String, String> headers = new HashMap<>();
        for (Header h : cr.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        RecommendationEvent event;
        try {
            event = EventJson.newMapper().readValue(cr.value(), RecommendationEvent.class);
        } catch (Exception e) {
            throw new AssertionError("not a recommendation event: " + cr.value(), e);
        }
        assertEquals(event.targetId(), cr.key(), "keyed by target id");
        assertEquals(event.targetId(), headers.get("ce_subject"));
        assertEquals(event.eventType(), headers.get("ce_type"));
        assertEquals("1.0", headers.get("ce_specversion"));
        assertNotNull(UUID.fromString(headers.get("ce_id")));
        return event;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
