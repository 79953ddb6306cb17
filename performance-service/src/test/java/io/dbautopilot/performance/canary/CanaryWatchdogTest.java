package io.dbautopilot.performance.canary;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.CanaryEvent;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The canary's watchdog in performance-service, with no automation service running at all (the real broker, a real
 * target, the shipped rules file unchanged): a canary event whose next run is past due opens the critical
 * {@code canary_overdue} anomaly "the autopilot is not working … on &lt;target&gt;"; a failed run opens
 * {@code canary_failed} and, being on time, resolves the overdue one; a run that succeeded resolves both. The events
 * are published as the automation service publishes them on {@code autopilot.canary.v1}.
 */
@QuarkusTest
@TestProfile(CanaryWatchdogTest.ShippedRules.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class CanaryWatchdogTest {

    /** The shipped rules file as it is (the test profile's rules are scaled for other tests). */
    public static class ShippedRules implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("autopilot.detection.rules-file", "classpath:rules/default-rules.yaml");
        }
    }

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    @Test
    void anOverdueOrFailedCanaryOpensACriticalAnomalyAndAGoodRunResolvesIt() throws Exception {
        String target = "canary-" + UUID.randomUUID().toString().substring(0, 8);
        Path password = Files.createTempFile("canary-password", ".txt");
        password.toFile().deleteOnExit();
        Files.writeString(password, postgres.password());
        RestAssured.given().contentType(ContentType.JSON).body("""
                {"id": "%s", "engine": "postgresql", "url": "%s", "username": "%s", "credentials_ref": "file:%s",
                 "collection": {"interval": "2s", "include_databases": ["demo_target"]}, "automation": {"canary": "on"}}
                """.formatted(target, postgres.uri("demo_target"), postgres.user(), password))
                .post("/api/targets").then().statusCode(201);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            // the last run succeeded, but the next one was due a minute ago: the automation service stopped
            Instant now = Instant.now();
            publish(producer, run(target, "succeeded", now.minusSeconds(300), now.minusSeconds(60)));
            JsonPath overdue = awaitAnomaly(target, "canary_overdue", "open");
            assertEquals("critical", overdue.getString("[0].severity"), overdue.prettify());
            assertTrue(overdue.getString("[0].summary").startsWith("the autopilot is not working"), overdue.prettify());
            assertTrue(overdue.getString("[0].summary").contains(" on " + target), overdue.prettify());
            assertEquals("investigate", overdue.getString("[0].suggested_action"));
            JsonPath api = RestAssured.get("/api/canary").then().statusCode(200).extract().jsonPath();
            assertEquals(Boolean.TRUE, api.get("find { it.target == '" + target + "' }.overdue"), api.prettify());

            // a run on time that failed: overdue resolves, canary_failed opens
            publish(producer, run(target, "failed", Instant.now(), Instant.now().plusSeconds(600)));
            awaitAnomaly(target, "canary_overdue", "resolved");
            assertEquals("critical", awaitAnomaly(target, "canary_failed", "open").getString("[0].severity"));

            // a good run resolves it
            publish(producer, run(target, "succeeded", Instant.now(), Instant.now().plusSeconds(600)));
            awaitAnomaly(target, "canary_failed", "resolved");

            // overdue again, then the canary is switched off on the target: nothing is due any more, it resolves
            publish(producer, run(target, "succeeded", Instant.now().minusSeconds(300), Instant.now().minusSeconds(60)));
            await().atMost(Duration.ofSeconds(60)).until(() -> anomalies(target, "canary_overdue", "open") == 1);
            publish(producer, run(target, "off", Instant.now(), Instant.now()));
            await().atMost(Duration.ofSeconds(60)).until(() -> anomalies(target, "canary_overdue", "open") == 0);
            JsonPath after = RestAssured.get("/api/canary").then().statusCode(200).extract().jsonPath();
            assertEquals(Boolean.FALSE, after.get("find { it.target == '" + target + "' }.overdue"), after.prettify());
        } finally {
            RestAssured.delete("/api/targets/{id}", target);
        }
    }

    private static int anomalies(String target, String rule, String state) {
        return RestAssured.given().queryParam("target", target).queryParam("state", state).get("/api/anomalies").then()
                .statusCode(200).extract().jsonPath().getList("findAll { it.rule == '" + rule + "' }").size();
    }

    private static CanaryEvent run(String target, String status, Instant completed, Instant nextDue) {
        Instant planted = completed.minusSeconds(150);
        if ("off".equals(status)) {
            return new CanaryEvent(UUID.randomUUID(), target, "off", "auto", "the canary was switched off", null, null,
                    completed, 600, nextDue, List.of(), null, null, Map.of());
        }
        List<CanaryEvent.Stage> stages = "failed".equals(status)
                ? List.of(new CanaryEvent.Stage("planted", planted, 0))
                : List.of(new CanaryEvent.Stage("planted", planted, 0), new CanaryEvent.Stage("detected", planted.plusSeconds(120), 120),
                new CanaryEvent.Stage("decided", planted.plusSeconds(121), 121), new CanaryEvent.Stage("executed", planted.plusSeconds(123), 123),
                new CanaryEvent.Stage("verified", planted.plusSeconds(140), 140));
        return new CanaryEvent(UUID.randomUUID(), target, status, "auto", "failed".equals(status) ? "not detected within "
                + "the deadline of PT10M" : null, "autopilot_canary.canary_0123456789ab", planted, completed, 600, nextDue,
                stages, "failed".equals(status) ? "detected" : null, null, Map.of());
    }

    private static void publish(KafkaProducer<String, String> producer, CanaryEvent event) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.CANARY, event.targetId(),
                EventJson.newMapper().writeValueAsString(event));
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", EventTypes.CANARY_COMPLETED.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", EventSources.AUTOMATION_SERVICE.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", event.targetId().getBytes(StandardCharsets.UTF_8));
        record.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(10, TimeUnit.SECONDS);
    }

    private static JsonPath awaitAnomaly(String target, String rule, String state) {
        JsonPath[] found = new JsonPath[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonPath list = RestAssured.given().queryParam("target", target).queryParam("state", state)
                    .get("/api/anomalies").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> matching = list.getList("findAll { it.rule == '" + rule + "' }");
            if (matching.isEmpty()) {
                return false;
            }
            found[0] = new JsonPath(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(matching));
            return true;
        });
        return found[0];
    }
}
