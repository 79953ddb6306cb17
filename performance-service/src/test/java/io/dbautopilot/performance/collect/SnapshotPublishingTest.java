package io.dbautopilot.performance.collect;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.model.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The one thread end to end: pg_stat_database of a real cluster → snapshot → CloudEvent on the real broker. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class SnapshotPublishingTest {

    private static final List<String> COMPARED = List.of("xact_commit", "xact_rollback", "blks_read", "blks_hit",
            "tup_returned", "tup_fetched", "tup_inserted", "tup_updated", "tup_deleted", "temp_files", "temp_bytes",
            "deadlocks", "conflicts");

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @Test
    void snapshotNumbersMatchPgStatDatabaseAndArriveAsCloudEventsKeyedByTarget() throws Exception {
        postgres.createDatabase("metrics_probe");
        try (Connection c = postgres.connect("metrics_probe"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS probe(id int, v text)");
            for (int i = 0; i < 25; i++) {
                st.execute("INSERT INTO probe VALUES (" + i + ", 'x')");
            }
            c.setAutoCommit(false);
            st.execute("INSERT INTO probe VALUES (-1, 'rolled back')");
            c.rollback();
        } // closing the backend flushes its statistics

        try (KafkaConsumer<String, String> consumer = consumer()) {
            for (int attempt = 0; attempt < 10; attempt++) {
                Map<String, Double> before = pgStatDatabase("metrics_probe");
                Instant after = Instant.now();
                ConsumerRecord<String, String> record = next(consumer, r -> "demo".equals(r.key())
                        && snapshotOf(r).collectedAt().isAfter(after.plusMillis(50)));
                Map<String, Double> afterRead = pgStatDatabase("metrics_probe");
                if (!before.equals(afterRead)) {
                    continue; // something (autovacuum) touched the database meanwhile: take a quieter window
                }
                MetricSnapshot snapshot = snapshotOf(record);
                for (String column : COMPARED) {
                    assertEquals(before.get(column),
                            snapshot.findValue("pg_stat_database_" + column, "datname", "metrics_probe").orElseThrow(),
                            "pg_stat_database_" + column);
                }
                assertTrue(before.get("xact_commit") >= 25, "our 25 commits are counted");
                assertTrue(before.get("xact_rollback") >= 1, "our rollback is counted");
                assertTrue(before.get("tup_inserted") >= 25, "our inserts are counted");
                assertTrue(snapshot.findValue("pg_database_size_bytes", "datname", "metrics_probe").orElseThrow() > 1_000_000);
                assertEquals(1.0, snapshot.findValue("pg_up").orElseThrow());
                assertTrue(snapshot.families().stream().anyMatch(f -> f.family().equals("database") && f.status() == FamilyStatus.RAN), snapshot.families().toString());
                assertTrue(snapshot.errors().isEmpty(), snapshot.errors().toString());

                assertEquals(EventTypes.SNAPSHOT_COLLECTED, header(record, "ce_type"));
                assertEquals("1.0", header(record, "ce_specversion"));
                assertEquals("demo", header(record, "ce_subject"));
                assertEquals("/db-autopilot/performance-service", header(record, "ce_source"));
                UUID.fromString(header(record, "ce_id"));
                assertNotNull(header(record, "ce_time"));
                List<String> problems = EventValidator.shared().validate(EventKind.METRIC_SNAPSHOT, record.value());
                assertTrue(problems.isEmpty(), problems.toString());
                return;
            }
            fail("pg_stat_database of metrics_probe never stayed still long enough to compare");
        }
    }

    @Test
    void anUnreachableTargetYieldsPgUpZeroWithTheErrorWithoutDelayingTheOthers() throws Exception {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            Instant now = Instant.now();
            MetricSnapshot offline = snapshotOf(next(consumer, r -> "offline".equals(r.key())
                    && snapshotOf(r).collectedAt().isAfter(now)));
            assertEquals(0.0, offline.findValue("pg_up").orElseThrow());
            assertTrue(offline.errors().get("connection").contains("Connection refused"), offline.errors().toString());
            MetricSnapshot demo = snapshotOf(next(consumer, r -> "demo".equals(r.key())
                    && snapshotOf(r).collectedAt().isAfter(now)));
            assertEquals(1.0, demo.findValue("pg_up").orElseThrow());
        }
    }

    private Map<String, Double> pgStatDatabase(String db) throws Exception {
        Map<String, Double> values = new HashMap<>();
        try (Connection c = postgres.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM pg_stat_database WHERE datname = '" + db + "'")) {
            assertTrue(rs.next());
            for (String column : COMPARED) {
                values.put(column, rs.getDouble(column));
            }
        }
        return values;
    }

    private KafkaConsumer<String, String> consumer() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(Topics.METRICS));
        return consumer;
    }

    private static ConsumerRecord<String, String> next(KafkaConsumer<String, String> consumer,
                                                       Predicate<ConsumerRecord<String, String>> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                if (wanted.test(r)) {
                    return r;
                }
            }
        }
        throw new AssertionError("no matching record on " + Topics.METRICS + " within 60 s");
    }

    private static MetricSnapshot snapshotOf(ConsumerRecord<String, String> record) {
        try {
            JsonNode node = EventJson.newMapper().readTree(record.value());
            return EventJson.newMapper().treeToValue(node, MetricSnapshot.class);
        } catch (Exception e) {
            throw new AssertionError("not a metric snapshot: " + record.value(), e);
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        assertNotNull(h, "header " + name);
        String value = new String(h.value(), StandardCharsets.UTF_8);
        assertFalse(value.isBlank());
        return value;
    }
}
