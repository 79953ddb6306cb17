package io.dbautopilot.performance.benchmark;

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

/** Reads one topic of the real broker from the beginning, with each record's CloudEvents type. */
final class TopicReader implements AutoCloseable {

    /** One record: key, ce_type header, JSON value. */
    record Seen(String key, String type, String subject, String value) {
    }

    private final KafkaConsumer<String, String> consumer;
    private final List<Seen> seen = new ArrayList<>();

    TopicReader(String bootstrap, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(topic));
    }

    /** Waits up to {@code seconds} for a record matching {@code wanted}. */
    Seen await(int seconds, String what, Predicate<Seen> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        do {
            for (Seen s : seen) {
                if (wanted.test(s)) {
                    return s;
                }
            }
            for (ConsumerRecord<String, String> cr : consumer.poll(Duration.ofMillis(500))) {
                seen.add(new Seen(cr.key(), header(cr, "ce_type"), header(cr, "ce_subject"), cr.value()));
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no record " + what + " within " + seconds + " s; seen " + seen.size());
    }

    private static String header(ConsumerRecord<String, String> cr, String name) {
        Header h = cr.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
