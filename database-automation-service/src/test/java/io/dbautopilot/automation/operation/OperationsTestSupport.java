package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test helper: publishes anomaly events to the real broker, reads operation events back, queries the real databases. */
final class OperationsTestSupport implements AutoCloseable {

    static final String TARGET_DB = "demo_target";
    static final String STATE_DB = "autopilot_state";
    static final String OPERATOR = "operator-secret-1";
    static final String VIEWER = "viewer-secret-1";

    private static final ObjectMapper JSON = EventJson.newMapper();

    private final KafkaBroker kafka;
    private final PostgresServer postgres;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    OperationsTestSupport(KafkaBroker kafka, PostgresServer postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(Topics.OPERATIONS));
    }

    static AnomalyEvent anomaly(String target, String rule, String object, Severity severity, String action) {
        Instant now = Instant.now();
        return new AnomalyEvent(rule + ":" + target + ":" + object + ":" + UUID.randomUUID(), target, rule, object, severity,
                AnomalyState.OPENED, 1, now, now, Map.of("value", 1.0), action, rule + " on " + object);
    }

    /** Publishes an anomaly as a binary-mode CloudEvent keyed by target id. */
    void publish(String eventId, AnomalyEvent event) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, event.targetId(),
                JSON.writeValueAsString(event));
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", EventTypes.ANOMALY_OPENED.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", event.targetId().getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(10, TimeUnit.SECONDS);
    }

    /** Operation events read from autopilot.operations.v1 for one operation, in order, until {@code state} arrived. */
    List<ConsumerRecord<String, String>> eventsUntil(UUID operationId, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            List<ConsumerRecord<String, String>> mine = events(operationId);
            if (mine.stream().anyMatch(r -> header(r, "ce_type").equals("io.dbautopilot.operation." + state + ".v1"))) {
                return mine;
            }
            consumer.poll(Duration.ofMillis(300)).forEach(seen::add);
        }
        throw new AssertionError("no " + state + " event for operation " + operationId + " on " + Topics.OPERATIONS
                + "; got " + events(operationId).stream().map(r -> header(r, "ce_type")).toList());
    }

    /** The events already read for an operation. */
    List<ConsumerRecord<String, String>> events(UUID operationId) throws Exception {
        List<ConsumerRecord<String, String>> mine = new ArrayList<>();
        for (ConsumerRecord<String, String> r : seen) {
            if (data(r).path("operation_id").asText().equals(operationId.toString())) {
                mine.add(r);
            }
        }
        return mine;
    }

    /** The CloudEvents types of the events read for an operation, in order. */
    List<String> states(UUID operationId) throws Exception {
        return events(operationId).stream().map(r -> header(r, "ce_type")
                .replace("io.dbautopilot.operation.", "").replace(".v1", "")).toList();
    }

    /** The event data, checked against operation-event.v1 and the CloudEvents attributes. */
    static JsonNode data(ConsumerRecord<String, String> r) throws Exception {
        JsonNode json = JSON.readTree(r.value());
        List<String> problems = EventValidator.shared().validate(EventKind.OPERATION, json);
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals(json.get("target_id").asText(), r.key(), "Kafka key = target id");
        assertEquals(json.get("target_id").asText(), header(r, "ce_subject"), "subject = target id");
        assertEquals(EventSources.AUTOMATION_SERVICE, header(r, "ce_source"));
        assertEquals("1.0", header(r, "ce_specversion"));
        return json;
    }

    static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The last event of the given state for an operation. */
    JsonNode last(UUID operationId, String state) throws Exception {
        JsonNode found = null;
        for (ConsumerRecord<String, String> r : eventsUntil(operationId, state)) {
            if (header(r, "ce_type").equals("io.dbautopilot.operation." + state + ".v1")) {
                found = data(r);
            }
        }
        return found;
    }

    Connection target() throws SQLException {
        return postgres.connect(TARGET_DB);
    }

    Connection state() throws SQLException {
        return postgres.connect(STATE_DB);
    }

    /** A one-value query on the state database. */
    Object stateValue(String sql, Object... params) throws SQLException {
        try (Connection c = state()) {
            return value(c, sql, params);
        }
    }

    /** A one-value query on the target database. */
    Object targetValue(String sql, Object... params) throws SQLException {
        try (Connection c = target()) {
            return value(c, sql, params);
        }
    }

    static Object value(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    /** The id of the operation created for a triggering event, or null. */
    UUID operationFor(String eventId) throws SQLException {
        return (UUID) stateValue("SELECT id FROM automation.operation WHERE triggering_event_id = ?", eventId);
    }

    String status(UUID id) throws SQLException {
        return (String) stateValue("SELECT status FROM automation.operation WHERE id = ?", id);
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
