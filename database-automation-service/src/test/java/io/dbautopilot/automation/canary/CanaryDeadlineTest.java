package io.dbautopilot.automation.canary;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The automation service's side of the canary with the real broker and real PostgreSQL, its operation executor paused:
 * the planted table exceeds the shipped dead_tuples rule in the canary's schema; the dead_tuples anomaly about it (sent
 * here as performance-service sends it) becomes a VACUUM operation that never runs, so the run ends {@code failed} at
 * {@code executed} once its deadline passed, with the stages it reached timed, the table dropped and the failure on
 * {@code /health}; a target whose role may not create the schema fails at {@code planted} saying which privilege
 * is missing; a target in trust approve ends at {@code awaiting_approval} with its operation withdrawn (cancelled by
 * the canary); and a target whose VACUUM would wait for a closed maintenance window plants nothing ({@code skipped},
 * naming the window's next opening).
 */
@QuarkusTest
@TestProfile(CanaryExecutorPausedProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class CanaryDeadlineTest {

    private static final String TARGET_DB = "demo_target";

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @Test
    void aStuckExecutorFailsTheRunAtItsDeadlineAndAMissingPrivilegeIsNamed() throws Exception {
        try (Connection c = postgres.connect(TARGET_DB); Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN CREATE ROLE " + CanaryExecutorPausedProfile.WEAK_USER + " LOGIN PASSWORD '"
                    + CanaryExecutorPausedProfile.WEAK_PASSWORD + "'; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        }
        postgres.createDatabase(CanaryExecutorPausedProfile.WEAK_DB); // owned by the test's superuser: no CREATE for weak
        postgres.createDatabase(CanaryExecutorPausedProfile.APPROVE_DB);
        try (KafkaConsumer<String, String> consumer = consumer();
             KafkaProducer<String, String> producer = producer()) {
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();

            // the planted table: only in the canary's schema, beyond the shipped rule (more than 10,000 dead, ratio 0.75)
            String table = awaitPlanted(TARGET_DB, null);
            await().atMost(Duration.ofSeconds(30)).until(() -> deadTuples(table) >= 15_000);
            assertEquals(0L, ((Number) value("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE c.relname = ? AND n.nspname <> 'autopilot_canary'", table)).longValue());

            // performance-service's dead_tuples anomaly about it → the policy's VACUUM, which the paused executor never runs
            publishDeadTuples(producer, "demo", TARGET_DB + ".autopilot_canary." + table);

            JsonNode failed = awaitCanary(consumer, seen, e -> ("autopilot_canary." + table).equals(e.path("table").asText())
                    && !"running".equals(e.path("status").asText()));
            assertEquals("failed", failed.path("status").asText(), failed.toString());
            assertEquals("executed", failed.path("failed_stage").asText(), failed.toString());
            assertTrue(failed.path("reason").asText().contains("not executed within the deadline of PT10S"), failed.toString());
            assertTrue(failed.path("reason").asText().contains("is pending"), failed.toString());
            List<String> stages = new ArrayList<>();
            failed.path("stages").forEach(s -> stages.add(s.path("name").asText()));
            assertEquals(List.of("planted", "detected", "decided"), stages, failed.toString());
            assertTrue(failed.path("operation_id").isTextual(), failed.toString());
            assertTrue(Instant.parse(failed.path("next_due_at").asText()).isAfter(Instant.parse(
                    failed.path("completed_at").asText())), failed.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> !tableExists(table));
            given().when().get("/health").then().statusCode(200)
                    .body("checks.find { it.name == 'canary' }.data.failed", org.hamcrest.Matchers.containsString("demo"));

            // the role without CREATE on the database: a clear error at planted, nothing created
            JsonNode weak = awaitCanary(consumer, seen, e -> "weak".equals(e.path("target_id").asText())
                    && e.path("reason").asText().contains("may not create schema"));
            assertEquals("failed", weak.path("status").asText(), weak.toString());
            assertEquals("planted", weak.path("failed_stage").asText(), weak.toString());
            assertTrue(weak.path("reason").asText().contains("GRANT CREATE ON DATABASE"), weak.toString());
            assertTrue(weak.path("stages").isEmpty(), weak.toString());
            try (Connection c = postgres.connect(CanaryExecutorPausedProfile.WEAK_DB);
                 PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_namespace WHERE nspname = 'autopilot_canary'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1), "nothing created where the role may not");
            }

            // trust approve: decided, waits for an operator; the canary withdraws its operation instead of leaving it
            // a run that has just planted (an older one may be about to reach its deadline)
            String approvable = awaitPlanted(CanaryExecutorPausedProfile.APPROVE_DB,
                    newestTable(CanaryExecutorPausedProfile.APPROVE_DB));
            publishDeadTuples(producer, "approving", CanaryExecutorPausedProfile.APPROVE_DB + ".autopilot_canary."
                    + approvable);
            JsonNode approval = awaitCanary(consumer, seen, e -> "approving".equals(e.path("target_id").asText())
                    && ("autopilot_canary." + approvable).equals(e.path("table").asText()));
            assertEquals("awaiting_approval", approval.path("status").asText(), approval.toString());
            assertTrue(approval.path("reason").asText().contains("the canary withdrew it"), approval.toString());
            try (Connection c = postgres.connect("autopilot_state"); PreparedStatement ps = c.prepareStatement(
                    "SELECT status, reason FROM automation.operation WHERE id = ?")) {
                ps.setObject(1, UUID.fromString(approval.path("operation_id").asText()));
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next(), approval.toString());
                    assertEquals("cancelled", rs.getString(1), rs.getString(2));
                    assertTrue(rs.getString(2).contains("cancelled by canary"), rs.getString(2));
                }
            }

            // the VACUUM would wait for a closed window: nothing planted, and the event says why
            JsonNode windowed = awaitCanary(consumer, seen, e -> "windowed".equals(e.path("target_id").asText()));
            assertEquals("skipped", windowed.path("status").asText(), windowed.toString());
            assertTrue(windowed.path("reason").asText().contains("outside the maintenance window"), windowed.toString());
            assertTrue(windowed.path("reason").asText().contains("next opens"), windowed.toString());
            assertTrue(windowed.path("table").isMissingNode() && windowed.path("stages").isEmpty(), windowed.toString());
        }
    }

    private JsonNode awaitCanary(KafkaConsumer<String, String> consumer, List<ConsumerRecord<String, String>> seen,
                                 Predicate<JsonNode> wanted) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            consumer.poll(Duration.ofMillis(300)).forEach(seen::add);
            for (ConsumerRecord<String, String> r : seen) {
                JsonNode data = EventJson.newMapper().readTree(r.value());
                assertTrue(EventValidator.shared().validate(EventKind.CANARY, data).isEmpty(), data.toString());
                assertEquals(EventTypes.CANARY_COMPLETED, header(r, "ce_type"));
                assertEquals(data.path("target_id").asText(), r.key());
                if (wanted.test(data)) {
                    found[0] = data;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** The name of the newest canary table planted in a database other than {@code stale}, once there is one. */
    private String awaitPlanted(String database, String stale) {
        String[] planted = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            planted[0] = newestTable(database);
            return planted[0] != null && !planted[0].equals(stale);
        });
        return planted[0];
    }

    private String newestTable(String database) throws Exception {
        try (Connection c = postgres.connect(database); PreparedStatement ps = c.prepareStatement(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE n.nspname = 'autopilot_canary' AND c.relkind = 'r' ORDER BY c.oid DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** A critical dead_tuples anomaly about {@code object}, as performance-service publishes it. */
    private static void publishDeadTuples(KafkaProducer<String, String> producer, String target, String object)
            throws Exception {
        Instant now = Instant.now();
        AnomalyEvent anomaly = new AnomalyEvent("dead_tuples:" + target + ":" + object, target, "dead_tuples", object,
                Severity.CRITICAL, AnomalyState.OPENED, 1, now, now, Map.of("value", 0.75), "vacuum",
                "many dead tuples on " + target + "/" + object);
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, target,
                EventJson.newMapper().writeValueAsString(anomaly));
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", EventTypes.ANOMALY_OPENED.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", target.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(10, TimeUnit.SECONDS);
    }

    private boolean tableExists(String table) throws Exception {
        return value("SELECT 1 FROM pg_class WHERE relname = ?", table) != null;
    }

    private long deadTuples(String table) throws Exception {
        Object n = value("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = ?", table);
        return n == null ? 0 : ((Number) n).longValue();
    }

    private Object value(String sql, Object parameter) throws Exception {
        try (Connection c = postgres.connect(TARGET_DB); PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setObject(1, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private KafkaConsumer<String, String> consumer() {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "canary-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        c.subscribe(List.of(Topics.CANARY));
        return c;
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }
}
