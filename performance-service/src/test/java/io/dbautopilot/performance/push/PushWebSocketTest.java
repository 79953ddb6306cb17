package io.dbautopilot.performance.push;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.OperationState;
import io.dbautopilot.performance.operations.OperationEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The push channel end to end with a real WebSocket client, the throwaway cluster and the embedded broker: a
 * {@code database_performance} message per cycle with real numbers, a {@code performance_alert} opened and resolved
 * by a real condition, operation and partition status from {@code autopilot.operations.v1}, and a real benchmark's
 * progress and end.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class PushWebSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TestHTTPResource("/")
    URL root;

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    private URI socket() {
        return URI.create(root.toString().replaceFirst("^http", "ws") + "api/ws");
    }

    @Test
    void performanceOfEveryCycleAndAnAlertOpenedAndResolvedByARealCondition() throws Exception {
        try (PushClient client = PushClient.open(socket(), b -> b)) {
            JsonNode perf = client.await(WAIT, m -> "database_performance".equals(m.path("type").asText())
                    && "demo".equals(m.path("target_id").asText()) && m.path("data").path("reachable").asBoolean()
                    && m.path("data").path("connections_used").asDouble() > 0);
            JsonNode data = perf.path("data");
            assertTrue(Instant.parse(perf.path("at").asText()).isAfter(Instant.now().minusSeconds(120)), perf.toString());
            assertTrue(data.path("connections_max").asDouble() >= data.path("connections_used").asDouble(), data.toString());
            for (String field : new String[] {"tps", "cache_hit_ratio", "dead_tuples", "slow_queries", "health_score",
                    "health_grade", "replication_lag_bytes"}) {
                assertTrue(data.has(field), field + " in " + data); // null when unknown, never left out
            }
            // the next cycle: one message per cycle, a later one
            Instant first = Instant.parse(perf.path("at").asText());
            JsonNode next = client.await(WAIT, m -> "database_performance".equals(m.path("type").asText())
                    && "demo".equals(m.path("target_id").asText())
                    && Instant.parse(m.path("at").asText()).isAfter(first) && m.path("data").path("health_grade").isTextual());
            assertTrue(next.path("data").path("health_grade").asText().matches("[A-F]\\+?"), next.toString());
            // the unreachable target is pushed as such, with no numbers
            JsonNode offline = client.await(WAIT, m -> "database_performance".equals(m.path("type").asText())
                    && "offline".equals(m.path("target_id").asText()));
            assertEquals(false, offline.path("data").path("reachable").asBoolean(true));
            assertTrue(offline.path("data").path("tps").isNull(), offline.toString());

            // a real condition: most rows of a table without autovacuum deleted (test rule dead_tuples, warning at 0.5)
            postgres.execute("demo_target", "DROP TABLE IF EXISTS detect_push_dead",
                    "CREATE TABLE detect_push_dead(id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = false)",
                    "INSERT INTO detect_push_dead SELECT g, repeat('x', 50) FROM generate_series(1, 2000) g",
                    "DELETE FROM detect_push_dead WHERE id > 100");
            String object = "demo_target.public.detect_push_dead";
            // (the test targets crowded, broken and hurried watch demo_target too: their alerts come as well)
            JsonNode opened = client.await(WAIT, m -> "performance_alert".equals(m.path("type").asText())
                    && "demo".equals(m.path("target_id").asText()) && object.equals(m.path("data").path("object").asText()) && "opened".equals(m.path("data").path("state").asText()));
            assertEquals("demo", opened.path("target_id").asText());
            assertEquals("dead_tuples", opened.path("data").path("rule").asText());
            assertEquals("warning", opened.path("data").path("severity").asText());
            assertEquals("vacuum", opened.path("data").path("suggested_action").asText());
            assertTrue(opened.path("data").path("message").asText().contains("demo/" + object), opened.toString());
            assertTrue(opened.path("data").path("sequence").asLong() >= 1, opened.toString());
            // the same change is what the REST API shows
            String fingerprint = opened.path("data").path("fingerprint").asText();
            RestAssured.get("/api/anomalies/" + fingerprint).then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("open"));

            postgres.execute("demo_target", "VACUUM detect_push_dead");
            JsonNode resolved = client.await(WAIT, m -> "performance_alert".equals(m.path("type").asText())
                    && fingerprint.equals(m.path("data").path("fingerprint").asText())
                    && "resolved".equals(m.path("data").path("state").asText()));
            assertTrue(resolved.path("data").path("sequence").asLong() > opened.path("data").path("sequence").asLong());
        } finally {
            postgres.execute("demo_target", "DROP TABLE IF EXISTS detect_push_dead");
        }
    }

    @Test
    void operationsAndPartitionStatusFromTheOperationsTopic() throws Exception {
        UUID op = UUID.randomUUID();
        try (PushClient client = PushClient.open(socket(), b -> b);
             OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            events.publish(OperationEvents.event(op, "demo", "partition_create", OperationState.STARTED, null,
                    Map.of("object", "public.events")));
            JsonNode started = client.await(WAIT, m -> "operation".equals(m.path("type").asText())
                    && op.toString().equals(m.path("data").path("operation_id").asText()));
            assertEquals("started", started.path("data").path("state").asText());
            assertEquals("partition_create", started.path("data").path("type").asText());
            assertEquals("public.events", started.path("data").path("object").asText());
            assertTrue(started.path("data").path("running").asBoolean(), started.toString());

            events.publish(OperationEvents.event(op, "demo", "partition_create", OperationState.SUCCEEDED, 1.0,
                    Map.of("object", "public.events", "effect", Map.of("partitions_before", 1, "partitions_after", 3,
                            "created", java.util.List.of("public.events_2026_12", "public.events_2027_01"),
                            "covered_until", "2027-02-01T00:00:00Z"))));
            JsonNode partition = client.await(WAIT, m -> "partition_status".equals(m.path("type").asText())
                    && op.toString().equals(m.path("data").path("operation_id").asText())
                    && "succeeded".equals(m.path("data").path("state").asText()));
            assertEquals("demo", partition.path("target_id").asText());
            assertEquals("public.events", partition.path("data").path("table").asText());
            assertEquals("2027-02-01T00:00:00Z", partition.path("data").path("covered_until").asText());
            assertEquals(3, partition.path("data").path("effect").path("partitions_after").asInt());
            JsonNode ended = client.await(WAIT, m -> "operation".equals(m.path("type").asText())
                    && op.toString().equals(m.path("data").path("operation_id").asText())
                    && "succeeded".equals(m.path("data").path("state").asText()));
            assertEquals(false, ended.path("data").path("running").asBoolean(true));

            // an operation of another kind is no partition status: a vacuum, then another partition operation (same
            // key, so read and pushed in this order): once the latter's status is here, the vacuum's would be too
            UUID vacuum = UUID.randomUUID();
            UUID detach = UUID.randomUUID();
            events.publish(OperationEvents.event(vacuum, "demo", "vacuum", OperationState.PROGRESS, 0.5,
                    Map.of("object", "public.orders")));
            events.publish(OperationEvents.event(detach, "demo", "partition_detach", OperationState.REQUESTED, null,
                    Map.of("object", "public.events")));
            JsonNode progress = client.await(WAIT, m -> "operation".equals(m.path("type").asText())
                    && vacuum.toString().equals(m.path("data").path("operation_id").asText()));
            assertEquals(0.5, progress.path("data").path("progress").asDouble());
            JsonNode requested = client.await(WAIT, m -> "partition_status".equals(m.path("type").asText())
                    && detach.toString().equals(m.path("data").path("operation_id").asText()));
            assertTrue(requested.path("data").path("effect").isNull(), requested.toString());
            assertTrue(client.received(m -> "partition_status".equals(m.path("type").asText())
                    && vacuum.toString().equals(m.path("data").path("operation_id").asText())).isEmpty());
        }
    }

    @Test
    void benchmarkProgressAndItsEnd() throws Exception {
        Path password = Files.createTempFile("push-bench-password", ".txt");
        Files.writeString(password, postgres.password());
        String body = """
                {"id": "bench-push", "engine": "postgresql", "url": "%s", "username": "%s", "credentials_ref": "file:%s",
                 "labels": {"benchmark": "allowed"}, "collection": {"interval": "5s", "include_databases": ["demo_target"]}}
                """.formatted(postgres.uri("demo_target"), postgres.user(), password);
        RestAssured.given().contentType(ContentType.JSON).body(body).post("/api/targets").then().statusCode(201);
        try (PushClient client = PushClient.open(socket(), b -> b)) {
            java.util.concurrent.atomic.AtomicReference<String> run = new java.util.concurrent.atomic.AtomicReference<>();
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
                var response = RestAssured.given().contentType(ContentType.JSON).body("{\"step_duration\": \"1s\"}")
                        .post("/api/targets/bench-push/benchmarks");
                if (response.statusCode() == 202) {
                    run.set(response.path("id"));
                }
                return run.get() != null;
            });
            String id = run.get();
            JsonNode progress = client.await(WAIT, m -> "performance_benchmark".equals(m.path("type").asText())
                    && id.equals(m.path("data").path("run_id").asText()) && "progress".equals(m.path("data").path("kind").asText()));
            assertEquals("bench-push", progress.path("target_id").asText());
            assertTrue(progress.path("data").path("step").isTextual(), progress.toString());
            JsonNode completed = client.await(Duration.ofMinutes(4), m -> "performance_benchmark".equals(m.path("type").asText())
                    && id.equals(m.path("data").path("run_id").asText()) && "completed".equals(m.path("data").path("kind").asText()));
            assertEquals(RestAssured.get("/api/targets/bench-push/benchmarks/" + id).then().extract().path("status"),
                    completed.path("data").path("status").asText());
        } finally {
            RestAssured.delete("/api/targets/bench-push");
            Files.deleteIfExists(password);
        }
    }
}
