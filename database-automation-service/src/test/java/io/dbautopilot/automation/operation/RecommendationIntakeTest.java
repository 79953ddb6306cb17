package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.RecommendationState;
import io.dbautopilot.model.Risk;
import io.dbautopilot.model.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recommendations on the real broker: a missing_index recommendation becomes a CREATE INDEX CONCURRENTLY awaiting
 * approval, runs once approved (the index is then in the catalog, names quoted), a replay creates nothing, and a
 * malformed record lands on autopilot.recommendations.v1.dlq with the reason.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class RecommendationIntakeTest {

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    private OperationsTestSupport support;
    private KafkaProducer<String, String> producer;

    @BeforeEach
    void open() {
        support = new OperationsTestSupport(kafka, postgres);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterEach
    void close() {
        producer.close();
        support.close();
    }

    @Test
    void missingIndexAwaitsApprovalThenCreatesTheIndexConcurrently() throws Exception {
        // mixed case and a space: only correctly quoted identifiers reach this table and column
        String table = "Rec Orders " + UUID.randomUUID().toString().substring(0, 6);
        postgres.execute(OperationsTestSupport.TARGET_DB,
                "CREATE TABLE public.\"" + table + "\" (id int PRIMARY KEY, \"Customer Id\" int)",
                "INSERT INTO public.\"" + table + "\" SELECT g, g % 100 FROM generate_series(1, 5000) g");
        String eventId = UUID.randomUUID().toString();
        String json = EventJson.newMapper().writeValueAsString(recommendation("missing_index", "public." + table,
                Map.of("columns", List.of("Customer Id"), "seq_scans", 1200)));
        send("demo", eventId, EventTypes.RECOMMENDATION_RAISED, json);

        await().atMost(Duration.ofSeconds(60)).until(() -> support.operationFor(eventId) != null);
        UUID id = support.operationFor(eventId);
        assertEquals("awaiting_approval", support.status(id));
        assertEquals("create_index", support.stateValue("SELECT type FROM automation.operation WHERE id = ?", id));
        assertEquals("missing-index", support.stateValue("SELECT rule FROM automation.operation WHERE id = ?", id));
        Thread.sleep(1500); // several claim cycles: an operation awaiting approval is never claimed
        assertEquals("awaiting_approval", support.status(id));
        assertNull(indexOn(table), "no index before the approval");

        send("demo", eventId, EventTypes.RECOMMENDATION_RAISED, json); // replay: same CloudEvents id
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + id + "/approve")
                .then().statusCode(200).body("status", equalTo("pending"));
        JsonNode effect = support.last(id, "succeeded").path("details").path("effect");
        String indexName = table + "_Customer Id_idx";
        assertEquals("CREATE INDEX CONCURRENTLY \"" + indexName + "\" ON public.\"" + table
                + "\" (\"Customer Id\")", effect.path("statement").asText());
        assertEquals(indexName, indexOn(table), "a valid index on the table, found in pg_index");
        assertEquals(List.of("requested", "requested", "started", "succeeded"), support.states(id));
        assertEquals(1L, ((Number) support.stateValue(
                "SELECT count(*) FROM automation.operation WHERE object = ?", "public." + table)).longValue(),
                "the replayed event created no second operation");
    }

    @Test
    void malformedRecommendationsGoToTheirDeadLetterTopicWithTheReason() throws Exception {
        String target = "recs-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> dlq = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            dlq.subscribe(List.of(Topics.RECOMMENDATIONS_DLQ));
            String noRisk = EventJson.newMapper().writeValueAsString(recommendation("missing_index", "public.x",
                    Map.of("columns", List.of("a")), target)).replace("\"risk\":\"low\",", "");
            send(target, UUID.randomUUID().toString(), EventTypes.RECOMMENDATION_RAISED, noRisk);
            send(target, UUID.randomUUID().toString(), EventTypes.ANOMALY_OPENED, "{}");
            String validId = UUID.randomUUID().toString();
            send(target, validId, EventTypes.RECOMMENDATION_RAISED, EventJson.newMapper().writeValueAsString(
                    recommendation("unused_index", "public.some_index", Map.of("idx_scan", 0), target)));

            List<ConsumerRecord<String, String>> dead = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // only this test's records (key = its target): other test classes sharing the broker dead-letter too
            while (dead.size() < 2 && System.nanoTime() < deadline) {
                dlq.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (target.equals(r.key())) {
                        dead.add(r);
                    }
                });
            }
            assertEquals(2, dead.size(), "records of " + target + " on " + Topics.RECOMMENDATIONS_DLQ);
            assertTrue(OperationsTestSupport.header(dead.get(0), "dead-letter-reason").contains("risk"),
                    OperationsTestSupport.header(dead.get(0), "dead-letter-reason"));
            assertTrue(OperationsTestSupport.header(dead.get(1), "dead-letter-reason")
                    .contains("unexpected CloudEvents type"), OperationsTestSupport.header(dead.get(1), "dead-letter-reason"));
            for (ConsumerRecord<String, String> r : dead) {
                assertEquals(target, r.key());
                assertEquals(Topics.RECOMMENDATIONS, OperationsTestSupport.header(r, "dead-letter-topic"));
            }
            // the valid one after them was recorded (its database is not managed, so no operation)
            await().atMost(Duration.ofSeconds(30)).until(() -> support.stateValue(
                    "SELECT 1 FROM automation.processed_event WHERE event_id = ?", validId) != null);
            assertEquals(1L, ((Number) support.stateValue(
                    "SELECT count(*) FROM automation.processed_event WHERE subject = ?", target)).longValue());
        }
    }

    private String indexOn(String table) throws Exception {
        return (String) support.targetValue("""
                SELECT ic.relname FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
                  JOIN pg_class t ON t.oid = x.indrelid
                 WHERE t.relname = ? AND x.indisvalid AND NOT x.indisprimary""", table);
    }

    private static RecommendationEvent recommendation(String kind, String object, Map<String, Object> evidence) {
        return recommendation(kind, object, evidence, "demo");
    }

    private static RecommendationEvent recommendation(String kind, String object, Map<String, Object> evidence,
                                                      String target) {
        return new RecommendationEvent(kind + ":" + target + ":" + object, target, "demo_target", object, kind,
                RecommendationState.RAISED, Instant.now(), evidence, null, "fewer sequential scans", Risk.LOW, false,
                kind + " on " + object);
    }

    private void send(String key, String id, String type, String value) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.RECOMMENDATIONS, key, value);
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", key.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(10, TimeUnit.SECONDS);
    }
}
