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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anomaly intake against the real broker and state database: exactly-once recording and the dead-letter topic. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class AnomalyIntakeTest {

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

    /**
     * Both dead-letter topics exist on the fresh broker of this class without any record dead-lettered on the
     * recommendations channel: created at start, not left to auto-creation by the first dead-lettered record.
     */
    @Test
    void theDeadLetterTopicsAreCreatedAtStart() {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> admin.listTopics()
                    .names().get().containsAll(java.util.Set.of("autopilot.anomalies.v1.dlq",
                            "autopilot.recommendations.v1.dlq")));
        }
    }

    @Test
    void aReplayedEventIsRecordedOnceAndRecognisedAsDuplicate() throws Exception {
        String target = "orders-" + UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        String json = EventJson.newMapper().writeValueAsString(anomaly(target, 1));
        double duplicatesBefore = consumed("duplicate");

        send(target, eventId, EventTypes.ANOMALY_OPENED, json);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("processed_event", "event_id", eventId) == 1);
        assertEquals(1, count("anomaly", "target_id", target));

        send(target, eventId, EventTypes.ANOMALY_OPENED, json); // replay: same CloudEvents id
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed("duplicate") >= duplicatesBefore + 1);
        assertEquals(1, count("processed_event", "event_id", eventId));
        assertEquals(1, count("anomaly", "target_id", target));
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicWithTheReasonAndConsumptionCarriesOn() throws Exception {
        String target = "billing-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> dlq = consumer(Topics.ANOMALIES_DLQ)) {
            send(target, UUID.randomUUID().toString(), EventTypes.ANOMALY_OPENED, "{not json");
            producer.send(new ProducerRecord<>(Topics.ANOMALIES, target, "no headers at all")).get(10, TimeUnit.SECONDS);
            String wrongSeverity = EventJson.newMapper().writeValueAsString(anomaly(target, 2))
                    .replace("\"severity\":\"critical\"", "\"severity\":\"SEVERE\"");
            send(target, UUID.randomUUID().toString(), EventTypes.ANOMALY_OPENED, wrongSeverity);
            String validId = UUID.randomUUID().toString();
            send(target, validId, EventTypes.ANOMALY_OPENED, EventJson.newMapper().writeValueAsString(anomaly(target, 3)));

            List<ConsumerRecord<String, String>> dead = poll(dlq, 3);
            assertEquals("{not json", dead.get(0).value());
            assertTrue(reason(dead.get(0)).contains("not valid JSON"), reason(dead.get(0)));
            assertEquals("no headers at all", dead.get(1).value());
            assertTrue(reason(dead.get(1)).contains("missing header(s) ce_specversion ce_id ce_type ce_source"), reason(dead.get(1)));
            assertTrue(reason(dead.get(2)).contains("$.severity"), reason(dead.get(2)));
            for (ConsumerRecord<String, String> r : dead) {
                assertEquals(target, r.key(), "DLQ keeps the key as received");
                assertEquals(Topics.ANOMALIES, header(r, "dead-letter-topic"));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> count("processed_event", "event_id", validId) == 1);
            assertEquals(1, count("processed_event", "subject", target), "only the valid event was recorded");
        }
    }

    /** Issue 17: a schema-valid event the state database rejects for its data is dead-lettered, not retried forever. */
    @Test
    void aNulByteEventIsDeadLetteredWithTheDataErrorAndTheNextEventOnThePartitionIsProcessed() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE public.poison_t (id int)");
        String poisonId = UUID.randomUUID().toString();
        String validId = UUID.randomUUID().toString();
        try (KafkaConsumer<String, String> dlq = consumer(Topics.ANOMALIES_DLQ)) {
            send("demo", poisonId, EventTypes.ANOMALY_OPENED, staleStatistics("analyze\u0000 me"));
            send("demo", validId, EventTypes.ANOMALY_OPENED, staleStatistics("analyze"));

            ConsumerRecord<String, String> dead = deadLettered(dlq, poisonId);
            assertEquals("demo", dead.key(), "DLQ keeps the key as received");
            assertEquals(Topics.ANOMALIES, header(dead, "dead-letter-topic"));
            String reason = reason(dead);
            assertTrue(reason.startsWith("state database rejected the event (SQLSTATE 22"), reason);
            assertTrue(reason.contains("data exception"), reason);
            assertFalse(reason.contains("INSERT") || reason.contains("automation."), "no SQL in the reason: " + reason);
            assertNull(dead.headers().lastHeader("dead-letter-cause"), "no cause header");

            await().atMost(Duration.ofSeconds(60)).until(() -> count("operation", "triggering_event_id", validId) == 1);
            assertEquals(0, count("operation", "triggering_event_id", poisonId), "nothing was recorded for the poison event");
            assertEquals(0, count("processed_event", "event_id", poisonId));
        }
    }

    /**
     * Issue 19, scenario 3: a value larger than the DLQ producer may send (here 3 MB, over the intake limit of 1 MiB
     * too) is dead-lettered exactly once, unparsed, as its size, SHA-256 and first 64 KiB, the channel keeps running
     * (health UP) and the valid event behind it on the same partition is processed.
     */
    @Test
    void aRecordTooLargeForTheDlqIsDeadLetteredOnceAsItsDigestAndTheChannelCarriesOn() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(
                    new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.ANOMALIES),
                    List.of(new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(
                            "max.message.bytes", Integer.toString(8 * 1024 * 1024)),
                            org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        String target = "huge-" + UUID.randomUUID();
        String hugeId = UUID.randomUUID().toString();
        String validId = UUID.randomUUID().toString();
        String huge = "{\"summary\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}";
        try (KafkaProducer<String, String> big = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
             KafkaConsumer<String, String> dlq = consumer(Topics.ANOMALIES_DLQ)) {
            ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, target, huge);
            record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_id", hugeId.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_type", EventTypes.ANOMALY_OPENED.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
            big.send(record).get(30, TimeUnit.SECONDS);
            send(target, validId, EventTypes.ANOMALY_OPENED, EventJson.newMapper().writeValueAsString(anomaly(target, 1)));

            await().atMost(Duration.ofSeconds(60)).until(() -> count("processed_event", "event_id", validId) == 1);
            given().when().get("/q/health/live").then().statusCode(200);

            // the valid event behind it is processed, so the huge record's DLQ write has completed: read the DLQ to its end
            List<ConsumerRecord<String, String>> copies = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : dlq.poll(Duration.ofMillis(500))) {
                    Header id = r.headers().lastHeader("ce_id");
                    if (id != null && hugeId.equals(new String(id.value(), StandardCharsets.UTF_8))) {
                        copies.add(r);
                    }
                }
                if (!copies.isEmpty() && dlq.assignment().stream().allMatch(
                        p -> dlq.position(p) >= dlq.endOffsets(List.of(p)).get(p))) {
                    break;
                }
            }
            assertEquals(1, copies.size(), "dead-lettered exactly once");
            ConsumerRecord<String, String> dead = copies.get(0);
            String reason = reason(dead);
            assertTrue(reason.startsWith("value of " + huge.length() + " bytes exceeds autopilot.intake.max-event-bytes (1048576)"), reason);
            assertEquals("true", header(dead, "dead-letter-value-truncated"));
            assertEquals(Integer.toString(huge.length()), header(dead, "dead-letter-value-size"));
            assertEquals(io.dbautopilot.support.events.DeadLetterValueSerializer.sha256(huge.getBytes(StandardCharsets.UTF_8)),
                    header(dead, "dead-letter-value-sha256"));
            assertEquals("65536", header(dead, "dead-letter-value-prefix-bytes"));
            assertEquals(huge.substring(0, 65536), dead.value(), "the copy is the value's first 64 KiB");
            assertEquals(target, dead.key());
            assertEquals(0, count("processed_event", "event_id", hugeId));
        }
    }

    private static String staleStatistics(String action) throws Exception {
        Instant now = Instant.now();
        return EventJson.newMapper().writeValueAsString(new AnomalyEvent("table_not_analyzed:demo:public.poison_t:"
                + UUID.randomUUID(), "demo", "table_not_analyzed", "public.poison_t", Severity.WARNING,
                AnomalyState.OPENED, 1, now, now, Map.of("value", 1.0), action, "statistics are stale"));
    }

    private static ConsumerRecord<String, String> deadLettered(KafkaConsumer<String, String> dlq, String eventId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : dlq.poll(Duration.ofMillis(500))) {
                Header id = r.headers().lastHeader("ce_id");
                if (id != null && eventId.equals(new String(id.value(), StandardCharsets.UTF_8))) {
                    return r;
                }
            }
        }
        throw new AssertionError("event " + eventId + " was not dead-lettered to " + Topics.ANOMALIES_DLQ);
    }

    private static AnomalyEvent anomaly(String target, long sequence) {
        Instant now = Instant.now();
        return new AnomalyEvent("dead_tuples:" + target + ":public.orders", target, "dead_tuples", "public.orders",
                Severity.CRITICAL, AnomalyState.OPENED, sequence, now, now, Map.of("n_dead_tup", 250000.0),
                "vacuum", "dead tuples above 20 % of live rows");
    }

    private void send(String key, String id, String type, String value) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, key, value);
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
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

    private static double consumed(String outcome) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(l -> l.startsWith("autopilot_events_consumed_total{") && l.contains("outcome=\"" + outcome + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
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

    private static List<ConsumerRecord<String, String>> poll(KafkaConsumer<String, String> consumer, int n) {
        List<ConsumerRecord<String, String>> out = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (out.size() < n && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        assertEquals(n, out.size(), "records on the dead-letter topic");
        return out;
    }

    private static String reason(ConsumerRecord<String, String> r) {
        return header(r, "dead-letter-reason");
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        assertNotNull(h, "header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
