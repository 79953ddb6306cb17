package io.dbautopilot.automation.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.localstack.kafka.SaslSslKafka;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.localstack.quarkus.SaslSslKafkaTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.Topics;
import io.dbautopilot.model.Trust;
import io.dbautopilot.support.fleet.TargetWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * SASL_SSL against a real broker with a TLS listener: the service, configured only through the documented
 * {@code kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.truststore.*} settings, is ready (its
 * health check's admin client connects), consumes an anomaly a peer published over SASL_SSL, runs the operation and
 * publishes its outcome on {@code autopilot.operations.v1}, and reads a target from the registry topic (the registry's
 * own clients); a client with a wrong password, and one without TLS and SASL, are refused.
 */
@QuarkusTest
@WithTestResource(SaslSslKafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class SaslSslKafkaTest {

    private static final ObjectMapper JSON = EventJson.newMapper();

    @InjectInfra
    SaslSslKafka kafka;

    @InjectInfra
    PostgresServer postgres;

    @Inject
    TargetWriter writer;

    @Inject
    ManagedDatabases databases;

    @Test
    void theServiceConsumesAndPublishesOverSaslSslAndClientsWithoutCredentialsAreRefused() throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() ->
                given().get("/q/health/ready").then().extract().statusCode() == 200);

        String table = "sasl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        postgres.execute("demo_target", "CREATE TABLE public." + table + " (id int)",
                "INSERT INTO public." + table + " SELECT generate_series(1, 100)");
        String eventId = UUID.randomUUID().toString();
        Map<String, Object> peer = client(SaslSslKafkaTestResource.PEER_USER, null);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(with(peer, Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class)))) {
            Instant now = Instant.now();
            AnomalyEvent anomaly = new AnomalyEvent("table_not_analyzed:demo:public." + table, "demo",
                    "table_not_analyzed", "public." + table, Severity.WARNING, AnomalyState.OPENED, 1, now, now,
                    Map.of("value", 1.0), "analyze", "never analyzed");
            ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, "demo",
                    JSON.writeValueAsString(anomaly));
            record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_id", eventId.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_type", EventTypes.ANOMALY_OPENED.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_subject", "demo".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> operationFor(eventId) != null);
        String operationId = operationFor(eventId);

        // its outcome, published by the outbox relay's producer over SASL_SSL
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(with(peer, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "sasl-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            consumer.subscribe(List.of(Topics.OPERATIONS));
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode data = JSON.readTree(r.value());
                    String type = new String(r.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8);
                    if (operationId.equals(data.path("operation_id").asText())
                            && type.equals("io.dbautopilot.operation.succeeded.v1")) {
                        assertEquals("demo", r.key());
                        return true;
                    }
                }
                return false;
            });
        }

        // the registry's clients: a target written to autopilot.targets.v1 is read back and managed
        String id = "sasl-" + table.substring(5);
        java.nio.file.Path secret = java.nio.file.Files.createTempFile("sasl-target", ".pw");
        java.nio.file.Files.writeString(secret, "unused\n");
        writer.put(new TargetDefinition(id, Engine.POSTGRESQL, postgres.uri("demo_target"), "nobody", "file:" + secret,
                Map.of(), null, TargetDefinition.Automation.DEFAULTS, Trust.OBSERVE, "api", null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> databases.exists(id));
        writer.remove(id);
        java.nio.file.Files.deleteIfExists(secret);

        // refused: a wrong password fails authentication; a client speaking neither TLS nor SASL gets no answer
        try (Admin wrong = Admin.create(client(SaslSslKafkaTestResource.PEER_USER, "not-the-password"))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> wrong.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
        }
        Map<String, Object> plain = new HashMap<>();
        plain.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        plain.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
        plain.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        try (Admin anonymous = Admin.create(plain)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> anonymous.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
            assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, e.getCause(), e.toString());
        }
    }

    /** Client settings of a broker user; with {@code password} non-null, that password instead of the right one. */
    private Map<String, Object> client(String user, String password) {
        Map<String, Object> props = new HashMap<>(password == null ? kafka.clientProperties(user)
                : kafka.clientProperties(user, password));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15000);
        return props;
    }

    private static Map<String, Object> with(Map<String, Object> base, Map<String, Object> extra) {
        Map<String, Object> all = new HashMap<>(base);
        all.putAll(extra);
        return all;
    }

    private String operationFor(String eventId) throws Exception {
        try (Connection c = postgres.connect("autopilot_state"); PreparedStatement ps = c.prepareStatement(
                "SELECT id::text FROM automation.operation WHERE triggering_event_id = ?")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
