package io.dbautopilot.performance.kafka;

import io.dbautopilot.localstack.kafka.SaslSslKafka;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.localstack.quarkus.SaslSslKafkaTestResource;
import io.dbautopilot.model.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * performance-service against a real broker whose client listener is SASL_SSL, configured only through the documented
 * {@code kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.truststore.*} settings: ready (the health
 * check's admin client), its snapshots of the demo target arrive on {@code autopilot.metrics.v1} (a messaging
 * producer), and a target registered through {@code POST /api/targets} is read back from the registry topic (the
 * registry's own producer and consumer).
 */
@QuarkusTest
@WithTestResource(SaslSslKafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class PerformanceSaslSslTest {

    @InjectInfra
    SaslSslKafka kafka;

    @InjectInfra
    PostgresServer postgres;

    @Test
    void snapshotsAndTheRegistryTravelOverSaslSsl() throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() ->
                given().get("/q/health/ready").then().extract().statusCode() == 200);

        Map<String, Object> props = new HashMap<>(kafka.clientProperties(SaslSslKafkaTestResource.PEER_USER));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "sasl-perf-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.METRICS));
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if ("demo".equals(r.key())) {
                        return true;
                    }
                }
                return false;
            });
        }

        String id = "sasl-" + UUID.randomUUID().toString().substring(0, 8);
        Path secret = Files.createTempFile("sasl-perf", ".pw");
        Files.writeString(secret, postgres.password());
        try {
            given().contentType(ContentType.JSON).body("""
                    {"id": "%s", "engine": "postgresql", "url": "%s", "username": "%s", "credentials_ref": "file:%s"}
                    """.formatted(id, postgres.uri("demo_target"), postgres.user(), secret))
                    .post("/api/targets").then().statusCode(201);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    given().get("/api/targets/" + id).then().extract().statusCode() == 200);
            given().delete("/api/targets/" + id).then().statusCode(org.hamcrest.Matchers.lessThan(300));
        } finally {
            Files.deleteIfExists(secret);
        }
    }
}
