package io.dbautopilot.automation.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.localstack.InfraMode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Test helper: a real Kafka broker and PostgreSQL server for service processes, and the means to talk to them. */
final class Infrastructure implements AutoCloseable {

    static final String STATE_DB = "autopilot_state";
    static final String TARGET_DB = "demo_target";
    static final String OPERATOR_KEY = "operator-secret-it";

    private static final ObjectMapper JSON = EventJson.newMapper();

    final KafkaBroker kafka;
    final PostgresServer postgres;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> operations;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    Infrastructure() {
        kafka = InfraMode.effective().startKafka();
        try {
            postgres = InfraMode.effective().startPostgres();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        postgres.createDatabase(STATE_DB);
        postgres.createDatabase(TARGET_DB);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        operations = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        operations.subscribe(List.of(Topics.OPERATIONS));
    }

    /** Settings for a service process: this broker, the state database, fast engine timings, an operator key. */
    Map<String, String> settings(String instanceId) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        s.put("autopilot.state.url", postgres.uri(STATE_DB));
        s.put("autopilot.state.username", postgres.user());
        s.put("autopilot.state.password", postgres.password());
        s.put("autopilot.operations.instance-id", instanceId);
        s.put("autopilot.operations.lease", "4s");
        s.put("autopilot.operations.heartbeat-interval", "1s");
        s.put("autopilot.operations.poll-interval", "300ms");
        s.put("autopilot.operations.relay-interval", "200ms");
        s.put("autopilot.api.operator-keys", "operator:" + OPERATOR_KEY);
        s.put("autopilot.partitions.check-interval", "1h");
        return s;
    }

    /** Adds a managed database {@code id} (the target database of this server) to process settings. */
    void manage(Map<String, String> settings, String id, String lockTimeout) {
        settings.put("autopilot.databases." + id + ".url", postgres.uri(TARGET_DB));
        settings.put("autopilot.databases." + id + ".username", postgres.user());
        settings.put("autopilot.databases." + id + ".password", postgres.password());
        settings.put("autopilot.databases." + id + ".lock-timeout", lockTimeout);
    }

    /** Publishes an opened anomaly as a binary-mode CloudEvent keyed by target id; returns its event id. */
    String publishAnomaly(String target, String rule, String object, Severity severity) throws Exception {
        String eventId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        AnomalyEvent event = new AnomalyEvent(rule + ":" + target + ":" + object, target, rule, object, severity,
                AnomalyState.OPENED, 1, now, now, Map.of("value", 1.0), null, rule + " on " + object);
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, target, JSON.writeValueAsString(event));
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", EventTypes.ANOMALY_OPENED.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", target.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(10, TimeUnit.SECONDS);
        return eventId;
    }

    /**
     * Reads autopilot.operations.v1 until at least {@code atLeast} records arrived (at most 60 s), then for
     * {@code quiet} more so that late duplicates would show too; returns all records, duplicates included.
     */
    List<ConsumerRecord<String, String>> drainOperations(int atLeast, Duration quiet) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (seen.size() < atLeast && System.nanoTime() < deadline) {
            operations.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        long quietEnd = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < quietEnd) {
            operations.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        return List.copyOf(seen);
    }

    /** Operation events read so far for one operation, in order (duplicates included). */
    List<ConsumerRecord<String, String>> eventsOf(UUID operationId) throws Exception {
        List<ConsumerRecord<String, String>> mine = new ArrayList<>();
        for (ConsumerRecord<String, String> r : seen) {
            if (data(r).path("operation_id").asText().equals(operationId.toString())) {
                mine.add(r);
            }
        }
        return mine;
    }

    /** Polls autopilot.operations.v1 until the operation's {@code state} event arrived; returns its events. */
    List<ConsumerRecord<String, String>> awaitEvent(UUID operationId, String state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<ConsumerRecord<String, String>> mine = eventsOf(operationId);
            if (mine.stream().anyMatch(r -> state(r).equals(state))) {
                return mine;
            }
            operations.poll(Duration.ofMillis(300)).forEach(seen::add);
        }
        throw new AssertionError("no " + state + " event for operation " + operationId + "; got "
                + eventsOf(operationId).stream().map(Infrastructure::state).toList());
    }

    static JsonNode data(ConsumerRecord<String, String> r) throws Exception {
        return JSON.readTree(r.value());
    }

    /** The lifecycle state of an operation event, from its CloudEvents type. */
    static String state(ConsumerRecord<String, String> r) {
        return header(r, "ce_type").replace("io.dbautopilot.operation.", "").replace(".v1", "");
    }

    static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** A one-value query on the state database. */
    Object stateValue(String sql, Object... params) throws SQLException {
        return value(STATE_DB, sql, params);
    }

    /** A one-value query on the target database. */
    Object targetValue(String sql, Object... params) throws SQLException {
        return value(TARGET_DB, sql, params);
    }

    private Object value(String db, String sql, Object... params) throws SQLException {
        try (Connection c = postgres.connect(db); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    @Override
    public void close() {
        producer.close();
        operations.close();
        kafka.close();
        postgres.close();
    }
}
