package io.dbautopilot.performance.collect.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.mariadb.MariaDbServer;
import io.dbautopilot.localstack.mariadb.ThrowawayMariaDb;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.MariaDbTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.model.Topics;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.performance.detect.AnomalyEvents;
import io.dbautopilot.performance.detect.rules.MetricCatalog;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real MariaDB 10.11 registered through {@code POST /api/targets} is collected with mysqld_exporter's names (every
 * schema of the server, published on {@code autopilot.metrics.v1}), scored, and, when it goes away, reported down
 * ({@code mysql_up = 0}, a {@code mysql_down} anomaly) until it recovers by itself.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "options",
        value = MariaDbTarget.SERVER_OPTIONS))
class MariaDbCollectionTest {

    static final String TARGET = "maria";

    @InjectInfra
    MariaDbServer mariadb;

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    LatestSnapshots latest;

    @Inject
    MetricCatalog catalog;

    @Inject
    StatementsFamily statements;

    @Inject
    MySqlConnections connections;

    @Inject
    TargetsConfig config;

    @BeforeEach
    void registered() throws Exception {
        MariaDbTarget.register(TARGET, mariadb).statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(201)))
                .body("check.ok", equalTo(true))
                .body("check.server_version", containsString("MariaDB"));
    }

    @Test
    void everySchemaIsCollectedWithMysqldExporterNamesAndPublished() throws Exception {
        MariaDbTarget.execute(mariadb, "CREATE DATABASE IF NOT EXISTS shop_two",
                "CREATE TABLE IF NOT EXISTS shop_two.orders(id int PRIMARY KEY, note varchar(100))",
                "INSERT IGNORE INTO shop_two.orders VALUES (1, 'a'), (2, 'b')",
                "CREATE TABLE IF NOT EXISTS collect_items(id int PRIMARY KEY, v int)",
                "INSERT IGNORE INTO collect_items VALUES (1, 1)", "ANALYZE TABLE shop_two.orders");
        Instant since = Instant.now();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            MetricSnapshot snapshot = next(consumer, s -> s.collectedAt().isAfter(since)
                    && s.findValue("mysql_info_schema_table_rows", "table", "orders").isPresent()
                    && s.findValue("mysql_perf_schema_events_statements_total").isPresent());
            assertEquals(1.0, snapshot.findValue("mysql_up").orElseThrow());
            assertTrue(snapshot.findValue("mysql_global_status_threads_connected").orElseThrow() >= 1);
            assertEquals(200.0, snapshot.findValue("mysql_global_variables_max_connections").orElseThrow(),
                    "the throwaway server runs with --max-connections=200");
            assertTrue(snapshot.findValue("mysql_global_status_uptime").orElseThrow() > 0);
            assertTrue(snapshot.findValue("mysql_global_status_innodb_buffer_pool_pages_dirty").isPresent());
            assertTrue(snapshot.findValue("mysql_global_status_innodb_history_list_length").isPresent());
            assertTrue(snapshot.findValue("mysql_binlog_size_bytes").orElseThrow() > 0, "the server runs with --log-bin");
            // the redo log: its size and how far it was written
            assertTrue(snapshot.findValue("mysql_global_variables_innodb_log_file_size").orElseThrow() > 0);
            assertTrue(snapshot.findValue("mysql_global_status_innodb_lsn_current").orElseThrow() > 0);
            for (String counter : List.of("threads_running", "aborted_clients", "aborted_connects",
                    "innodb_row_lock_waits", "innodb_deadlocks", "innodb_os_log_written")) {
                assertTrue(snapshot.findValue("mysql_global_status_" + counter).isPresent(), counter);
            }
            assertEquals(0.0, snapshot.findValue("mysql_slave_status_configured").orElseThrow());
            assertEquals(2.0, snapshot.findValue("mysql_info_schema_table_rows", "table", "orders").orElseThrow());
            Set<String> schemas = new TreeSet<>();
            snapshot.points().stream().filter(p -> p.name().equals("mysql_info_schema_schema_tables"))
                    .forEach(p -> schemas.add(p.labels().get("schema")));
            assertTrue(schemas.containsAll(List.of(mariadb.database(), "shop_two")), schemas.toString());
            assertTrue(snapshot.points().stream().noneMatch(p -> "mysql".equals(p.labels().get("schema"))),
                    "system schemas are not user schemas");
            // the families ran (none failed), each with its outcome in the snapshot
            snapshot.families().forEach(f -> assertEquals(io.dbautopilot.model.FamilyStatus.RAN, f.status(), f.toString()));
            Set<String> names = new TreeSet<>();
            snapshot.points().forEach(p -> names.add(p.name()));
            assertEquals(List.of(), names.stream().filter(n -> !catalog.contains(n)).toList(),
                    "emitted but not in metrics-catalog.txt");
        }
        RestAssured.get("/api/targets/" + TARGET).then().statusCode(200)
                .body("engine", equalTo("mariadb"))
                .body("reachable", equalTo(true))
                .body("databases", hasItems(mariadb.database(), "shop_two"))
                .body("capabilities.collection", equalTo("available"))
                .body("capabilities.detection", equalTo("available"))
                .body("capabilities.health", equalTo("available"))
                .body("capabilities.advice", equalTo("unavailable: engine mariadb has no advisors yet"));
    }

    /**
     * A monitoring user with SELECT on its database only (no PROCESS, BINLOG MONITOR, SLAVE MONITOR, nothing on
     * performance_schema): the families it cannot read are {@code unavailable} with the reason in the snapshot, not
     * errors of every cycle; the rest is collected. A statement whose mean is above 100 ms counts as slow.
     */
    @Test
    void whatTheUserMayNotReadIsUnavailableWithItsReasonAndSlowStatementsAreCounted() throws Exception {
        String limited = "maria-limited";
        String password = "limited-" + UUID.randomUUID().toString().replace("-", "");
        java.nio.file.Path file = java.nio.file.Files.createTempFile("mariadb-limited", ".txt");
        java.nio.file.Files.writeString(file, password + "\n");
        file.toFile().deleteOnExit();
        MariaDbTarget.execute(mariadb, "CREATE USER IF NOT EXISTS 'autopilot_limited'@'%' IDENTIFIED BY '" + password + "'",
                "ALTER USER 'autopilot_limited'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT SELECT ON `" + mariadb.database() + "`.* TO 'autopilot_limited'@'%'",
                "SELECT SLEEP(0.15)", "SELECT SLEEP(0.15)");
        try (KafkaConsumer<String, String> consumer = consumer()) {
            RestAssured.given().contentType(io.restassured.http.ContentType.JSON).body("""
                    {"engine": "mariadb", "url": "%s", "username": "autopilot_limited", "credentials_ref": "file:%s",
                     "collection": %s}""".formatted(mariadb.url(), file, MariaDbTarget.COLLECTION))
                    .queryParam("check", true).put("/api/targets/" + limited).then()
                    .statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(201))).body("check.ok", equalTo(true));
            MetricSnapshot snapshot = next(consumer, limited, s -> s.findValue("mysql_up").orElse(0) == 1
                    && s.families().stream().anyMatch(f -> f.family().equals("replication")));
            Map<String, io.dbautopilot.model.FamilyResult> families = new java.util.HashMap<>();
            snapshot.families().forEach(f -> families.put(f.family(), f));
            Map<String, String> unavailable = Map.of(
                    "processlist", "PROCESS privilege",
                    "binlog", "BINLOG MONITOR",
                    "replication", "cannot read the replication status",
                    "statements", "performance_schema");
            unavailable.forEach((family, reason) -> {
                io.dbautopilot.model.FamilyResult f = families.get(family);
                assertEquals(io.dbautopilot.model.FamilyStatus.UNAVAILABLE, f == null ? null : f.status(),
                        family + ": " + f);
                assertTrue(f.detail().contains(reason), family + ": " + f.detail());
            });
            assertEquals(Map.of(), snapshot.errors(), "nothing the user may not read is an error of the cycle");
            for (String family : List.of("global_status", "global_variables", "tables", "indexes")) {
                assertEquals(io.dbautopilot.model.FamilyStatus.RAN, families.get(family).status(), families.toString());
            }
            assertTrue(snapshot.findValue("mysql_global_status_threads_connected").orElseThrow() >= 1);

            // the full-privileged target sees the two SLEEP(0.15) calls: a digest with a mean above 100 ms
            MetricSnapshot full = next(consumer, TARGET, s -> s.findValue("mysql_perf_schema_events_statements_slow_count")
                    .isPresent());
            assertTrue(full.findValue("mysql_perf_schema_events_statements_slow_count").orElseThrow() >= 1,
                    "slow digests: " + full.findValue("mysql_perf_schema_events_statements_slow_count"));
            assertTrue(full.points().stream().anyMatch(p -> p.name().equals("mysql_perf_schema_events_statements_mean_seconds")
                    && String.valueOf(p.labels().get("digest_text")).contains("SLEEP") && p.value() > 0.1),
                    "the SLEEP digest with its mean");
        } finally {
            RestAssured.delete("/api/targets/" + limited);
        }
    }

    /**
     * Top N of the statement digests with N = 2: digest A (8 calls of 0.3 s: the largest total, the second mean),
     * B (one call of 1.2 s: the largest mean, the second total) and C (2 calls of 0.15 s: third by both) - A and B
     * are reported with their counters and mean, C is not (the interval ranking needs a second reading: none yet).
     */
    @Test
    void theTopTwoDigestsByTotalAndByMeanAreReported() throws Exception {
        MariaDbTarget.execute(mariadb, "TRUNCATE TABLE performance_schema.events_statements_summary_by_digest");
        // the aliases make this test's digests its own: a plain SELECT SLEEP(?) is shared with other tests' sessions
        Map<String, Integer> calls = Map.of("SELECT SLEEP(0.3) AS topn_a", 8, "SELECT SLEEP(1.2) AS topn_b", 1,
                "SELECT SLEEP(0.15) AS topn_c", 2);
        try (java.sql.Connection c = MariaDbTarget.connect(mariadb, mariadb.database());
             java.sql.Statement st = c.createStatement()) {
            for (Map.Entry<String, Integer> e : calls.entrySet()) {
                for (int i = 0; i < e.getValue(); i++) {
                    st.execute(e.getKey());
                }
            }
        }
        // each workload digest by its alias, with its number of calls
        Map<String, String> byAlias = new java.util.HashMap<>();
        Map<String, Long> callsByAlias = new java.util.HashMap<>();
        try (java.sql.Connection c = MariaDbTarget.connect(mariadb, mariadb.database());
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT COUNT_STAR, DIGEST, DIGEST_TEXT FROM "
                     + "performance_schema.events_statements_summary_by_digest WHERE DIGEST_TEXT LIKE '%topn\\_%'")) {
            while (rs.next()) {
                String alias = rs.getString(3).replaceAll("(?s).*(topn_[abc]).*", "$1");
                byAlias.put(alias, rs.getString(2));
                callsByAlias.put(alias, rs.getLong(1));
            }
        }
        assertEquals(Map.of("topn_a", 8L, "topn_b", 1L, "topn_c", 2L), callsByAlias, "the three digests: " + byAlias);
        String a = byAlias.get("topn_a");
        String b = byAlias.get("topn_b");
        String cDigest = byAlias.get("topn_c");

        TargetsConfig.Collection two = topN(config.collection(), 2);
        MySqlProbe probe = new MySqlProbe("10.11", "MariaDB", true, false, 1000, 1, List.of(mariadb.database()));
        MySqlContext context = new MySqlContext(TARGET, probe, List.of(mariadb.database()),
                new io.dbautopilot.performance.collect.DatabaseFilter(List.of(), List.of()), Instant.now(),
                new io.dbautopilot.performance.collect.CounterHistory(), two);
        List<io.dbautopilot.model.MetricPoint> points = statements.collect(context, connections.pool(TARGET))
                .await().atMost(Duration.ofSeconds(30));
        Set<String> reported = new TreeSet<>();
        points.stream().filter(p -> p.name().equals("mysql_perf_schema_events_statements_total"))
                .forEach(p -> reported.add(p.labels().get("digest")));
        assertTrue(reported.contains(a), "A (largest total) reported: " + reported);
        assertTrue(reported.contains(b), "B (largest mean) reported: " + reported);
        assertTrue(!reported.contains(cDigest), "C (third by total and by mean) not reported: " + reported);
        assertTrue(reported.size() <= 4, "at most 2 by total and 2 by mean: " + reported);
        double meanB = points.stream().filter(p -> p.name().equals("mysql_perf_schema_events_statements_mean_seconds")
                && b.equals(p.labels().get("digest"))).findFirst().orElseThrow().value();
        assertTrue(meanB >= 1.2 && meanB < 2, "B's mean: " + meanB);
        assertTrue(points.stream().anyMatch(p -> p.name().equals("mysql_perf_schema_events_statements_digests")
                && p.value() >= 3), "all digests are counted, reported or not");
    }

    /** The collection settings with another {@code statements-top-n}. */
    private static TargetsConfig.Collection topN(TargetsConfig.Collection real, int n) {
        return (TargetsConfig.Collection) java.lang.reflect.Proxy.newProxyInstance(
                TargetsConfig.Collection.class.getClassLoader(), new Class<?>[] {TargetsConfig.Collection.class},
                (proxy, method, args) -> method.getName().equals("statementsTopN") ? n : method.invoke(real, args));
    }

    @Test
    void aDuplicateIndexCostsSchemaIntegrityPointsWithItsEvidence() throws Exception {
        MariaDbTarget.execute(mariadb, "DROP TABLE IF EXISTS health_dup",
                "CREATE TABLE health_dup(id int PRIMARY KEY, a int, b int, KEY health_dup_a (a), KEY health_dup_ab (a, b))");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode report = EventJson.newMapper().readTree(RestAssured.get("/api/targets/" + TARGET + "/health")
                    .then().statusCode(200).extract().asString());
            JsonNode schema = null;
            for (JsonNode c : report.get("categories")) {
                if (c.get("category").asText().equals("schema_integrity")) {
                    schema = c;
                }
            }
            assertEquals("scored", schema.get("status").asText(), schema.toString());
            JsonNode dup = null;
            for (JsonNode check : schema.get("checks")) {
                if (check.get("name").asText().equals("duplicate_indexes")) {
                    dup = check;
                }
            }
            assertTrue(dup.get("points_lost").asInt() >= 5, dup.toString());
            assertEquals("lost", dup.get("status").asText(), dup.toString());
            assertTrue(dup.get("evidence").asDouble() >= 1, "the duplicate count is the evidence: " + dup);
            assertTrue(dup.hasNonNull("threshold"), dup.toString());
            assertTrue(report.get("score").asInt() > 0, report.toString());
            // every category is computed for MySQL, and every lost point carries its evidence and threshold
            Set<String> categories = new TreeSet<>();
            for (JsonNode c : report.get("categories")) {
                categories.add(c.get("category").asText());
                for (JsonNode check : c.path("checks")) {
                    if (check.path("points_lost").asInt() > 0) {
                        assertTrue(check.hasNonNull("evidence") && check.hasNonNull("threshold"),
                                "a lost point without its evidence: " + check);
                    }
                }
            }
            assertTrue(categories.containsAll(List.of("connectivity", "connection_pool", "query_performance",
                    "schema_integrity", "transactions", "storage", "backup_status")), categories.toString());
        });
        MariaDbTarget.execute(mariadb, "DROP TABLE health_dup");
    }

    @Test
    void anUnreachableServerIsDownWithAnAnomalyAndRecoversByItself() throws Exception {
        ThrowawayMariaDb server = (ThrowawayMariaDb) mariadb;
        try (AnomalyEvents events = new AnomalyEvents(kafka.bootstrapServers());
             KafkaConsumer<String, String> consumer = consumer()) {
            next(consumer, s -> s.findValue("mysql_up").orElse(0) == 1);
            // a cycle that began while the server was shutting down dates the anomaly: take the time before the stop
            Instant stopping = Instant.now();
            server.stop();
            Instant stopped = Instant.now();
            MetricSnapshot down = next(consumer, s -> s.collectedAt().isAfter(stopped)
                    && s.findValue("mysql_up").orElse(1) == 0);
            assertTrue(down.errors().containsKey("connection"), down.errors().toString());
            AnomalyEvents.Received opened = events.await(60, "mysql_down opened", r -> TARGET.equals(r.key())
                    && r.event().detector().equals("mysql_down") && r.event().state() == AnomalyState.OPENED
                    && r.event().occurredAt().isAfter(stopping));
            assertEquals(0.0, opened.event().evidence().get("mysql_up"));
            RestAssured.get("/api/targets/" + TARGET).then().body("reachable", equalTo(false));

            server.restart(); // nothing else is done: the collector reconnects on its next cycle
            Instant restarted = Instant.now();
            next(consumer, s -> s.collectedAt().isAfter(restarted) && s.findValue("mysql_up").orElse(0) == 1);
            events.await(60, "mysql_down resolved", r -> TARGET.equals(r.key())
                    && r.event().fingerprint().equals(opened.event().fingerprint())
                    && r.event().state() == AnomalyState.RESOLVED);
            RestAssured.get("/api/targets/" + TARGET).then().body("reachable", equalTo(true));
        } finally {
            server.restart();
        }
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

    /** The next snapshot of the MariaDB target on the topic matching {@code wanted} (within 60 s). */
    private static MetricSnapshot next(KafkaConsumer<String, String> consumer, Predicate<MetricSnapshot> wanted)
            throws Exception {
        return next(consumer, TARGET, wanted);
    }

    /** The next snapshot of {@code target} on the topic matching {@code wanted} (within 60 s). */
    private static MetricSnapshot next(KafkaConsumer<String, String> consumer, String target,
            Predicate<MetricSnapshot> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                if (target.equals(r.key())) {
                    MetricSnapshot s = EventJson.newMapper().readValue(r.value(), MetricSnapshot.class);
                    if (wanted.test(s)) {
                        return s;
                    }
                }
            }
        }
        throw new AssertionError("no matching snapshot of " + target + " on " + Topics.METRICS + " within 60 s");
    }
}
