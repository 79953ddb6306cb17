package io.dbautopilot.automation.intake;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.RecommendationState;
import io.dbautopilot.model.Risk;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event-source check against the real broker: anomaly and recommendation records whose CloudEvents source is not
 * in {@code autopilot.intake.allowed-sources} go to the dead-letter topic with the reason and are never recorded or
 * acted on, while the performance service's source and a source the test profile adds to the setting are processed.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class EventSourceCheckTest {

    /** Allowed in the test profile next to the default (application.properties, %test). */
    static final String EXTRA_SOURCE = "/db-autopilot/test-replayer";

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    private KafkaProducer<String, String> producer;

    @BeforeEach
    void producer() {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterEach
    void close() {
        producer.close();
    }

    @Test
    void anomaliesFromAnUnknownSourceAreDeadLetteredWithTheReasonAndNeverActedOn() throws Exception {
        // the demo target is managed and dead_tuples critical would vacuum it at once: a forged event must not
        String target = "demo";
        String rogue = UUID.randomUUID().toString();
        String extra = UUID.randomUUID().toString();
        String valid = UUID.randomUUID().toString();
        try (KafkaConsumer<String, String> dlq = consumer(Topics.ANOMALIES_DLQ)) {
            send(Topics.ANOMALIES, target, rogue, EventTypes.ANOMALY_OPENED, "/rogue/producer", anomaly(target, "public.forged"));
            send(Topics.ANOMALIES, target, extra, EventTypes.ANOMALY_OPENED, EXTRA_SOURCE, resolved(target));
            send(Topics.ANOMALIES, target, valid, EventTypes.ANOMALY_OPENED, EventSources.PERFORMANCE_SERVICE,
                    resolved(target));
            // same key, same partition, consumed in order: once the last is recorded, the first was handled
            await().atMost(Duration.ofSeconds(60)).until(() -> count("processed_event", "event_id", valid) == 1);
            assertEquals(1, count("processed_event", "event_id", extra), "a configured extra source is accepted");
            assertEquals(0, count("processed_event", "event_id", rogue), "the forged event is not recorded");
            assertEquals(0, count("operation", "triggering_event_id", rogue), "nor acted on");

            ConsumerRecord<String, String> dead = deadLettered(dlq, rogue);
            assertEquals(target, dead.key());
            assertEquals(Topics.ANOMALIES, header(dead, "dead-letter-topic"));
            assertTrue(header(dead, "dead-letter-reason").contains(
                    "CloudEvents source '/rogue/producer' is not an allowed source (autopilot.intake.allowed-sources)"),
                    header(dead, "dead-letter-reason"));
        }
    }

    @Test
    void recommendationsFromAnUnknownSourceAreDeadLetteredToo() throws Exception {
        String target = "src-" + UUID.randomUUID().toString().substring(0, 8);
        String rogue = UUID.randomUUID().toString();
        String valid = UUID.randomUUID().toString();
        try (KafkaConsumer<String, String> dlq = consumer(Topics.RECOMMENDATIONS_DLQ)) {
            send(Topics.RECOMMENDATIONS, target, rogue, EventTypes.RECOMMENDATION_RAISED, "", recommendation(target));
            send(Topics.RECOMMENDATIONS, target, valid, EventTypes.RECOMMENDATION_RAISED,
                    EventSources.PERFORMANCE_SERVICE, recommendation(target));
            await().atMost(Duration.ofSeconds(60)).until(() -> count("processed_event", "event_id", valid) == 1);
            assertEquals(0, count("processed_event", "event_id", rogue));
            ConsumerRecord<String, String> dead = deadLettered(dlq, rogue);
            // an empty source is no source at all
            assertTrue(header(dead, "dead-letter-reason").contains("ce_source"), header(dead, "dead-letter-reason"));
        }
        String spoofed = UUID.randomUUID().toString();
        String after = UUID.randomUUID().toString();
        try (KafkaConsumer<String, String> dlq = consumer(Topics.RECOMMENDATIONS_DLQ)) {
            send(Topics.RECOMMENDATIONS, target, spoofed, EventTypes.RECOMMENDATION_RAISED,
                    EventSources.PERFORMANCE_SERVICE + "/../evil", recommendation(target));
            send(Topics.RECOMMENDATIONS, target, after, EventTypes.RECOMMENDATION_RAISED,
                    EventSources.PERFORMANCE_SERVICE, recommendation(target));
            await().atMost(Duration.ofSeconds(60)).until(() -> count("processed_event", "event_id", after) == 1);
            assertEquals(0, count("processed_event", "event_id", spoofed), "sources are compared exactly");
            assertTrue(header(deadLettered(dlq, spoofed), "dead-letter-reason").contains("is not an allowed source"));
        }
    }

    private static String anomaly(String target, String object) throws Exception {
        Instant now = Instant.now();
        return EventJson.newMapper().writeValueAsString(new AnomalyEvent("dead_tuples:" + target + ":" + object, target,
                "dead_tuples", object, Severity.CRITICAL, AnomalyState.OPENED, 1, now, now, Map.of("n_dead_tup", 1e6),
                "vacuum", "forged"));
    }

    /** An anomaly that asks for nothing (resolved: no rule matches a closed trigger). */
    private static String resolved(String target) throws Exception {
        Instant now = Instant.now();
        return EventJson.newMapper().writeValueAsString(new AnomalyEvent("source-check:" + target + ":" + UUID.randomUUID(),
                target, "source_check", null, Severity.INFO, AnomalyState.RESOLVED, 1, now, now, Map.of("value", 0.0),
                null, "nothing to do"));
    }

    private static String recommendation(String target) throws Exception {
        return EventJson.newMapper().writeValueAsString(new RecommendationEvent("missing_index:" + target + ":"
                + UUID.randomUUID(), target, "demo_target", "public.orders", "missing_index", RecommendationState.RAISED,
                Instant.now(), Map.of("columns", List.of("customer_id")), "CREATE INDEX CONCURRENTLY ...", null, Risk.LOW,
                true, "an index would help"));
    }

    private void send(String topic, String key, String id, String type, String source, String value) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", source.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", key.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(10, TimeUnit.SECONDS);
    }

    private long count(String table, String column, String value) throws Exception {
        try (Connection c = postgres.connect("autopilot_state");
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM automation." + table + " WHERE " + column + " = ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private KafkaConsumer<String, String> consumer(String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** The dead-lettered record with this CloudEvents id. */
    private static ConsumerRecord<String, String> deadLettered(KafkaConsumer<String, String> dlq, String id) {
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            dlq.poll(Duration.ofMillis(500)).forEach(seen::add);
            for (ConsumerRecord<String, String> r : seen) {
                Header h = r.headers().lastHeader("ce_id");
                if (h != null && id.equals(new String(h.value(), StandardCharsets.UTF_8))) {
                    return r;
                }
            }
        }
        throw new AssertionError("record " + id + " not on the dead-letter topic");
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        assertNotNull(h, "header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
