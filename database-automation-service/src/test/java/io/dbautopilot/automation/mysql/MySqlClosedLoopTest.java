package io.dbautopilot.automation.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.mariadb.MariaDbServer;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.MariaDbTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The closed loop on a real MariaDB with the real broker: mysql_* anomaly events → policy → OPTIMIZE TABLE / KILL /
 * KILL QUERY (after approval) with their effects verified and published on autopilot.operations.v1; hostile names
 * dead-lettered or refused with 400; the engine's capabilities and an unreachable target in GET /api/databases.
 */
@QuarkusTest
@TestProfile(MySqlTestProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(MariaDbTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlClosedLoopTest {

    private static final String OPERATOR = "operator-secret-1";
    private static final String VIEWER = "viewer-secret-1";
    private static final ObjectMapper JSON = EventJson.newMapper();

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    MariaDbServer maria;

    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> operations;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();
    private final ExecutorService sessions = Executors.newCachedThreadPool();

    @BeforeAll
    void open() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        operations = consumer(Topics.OPERATIONS);
    }

    @AfterAll
    void close() {
        producer.close();
        operations.close();
        sessions.shutdownNow();
    }

    @Test
    void aFragmentedTableIsOptimizedAndDataFreeFalls() throws Exception {
        mariaExecute(
                "CREATE TABLE frag (id int PRIMARY KEY, pad varchar(2000)) ENGINE=InnoDB",
                "INSERT INTO frag SELECT seq, REPEAT('x', 1500) FROM seq_1_to_8000",
                "DELETE FROM frag WHERE id % 10 <> 0");
        long before = dataFree("frag");
        assertTrue(before > 0, "the table has free space inside its tablespace: " + before);

        String eventId = publish("maria", "mysql_table_fragmentation", maria.database() + ".frag", Severity.WARNING);
        JsonNode effect = last(operationFor(eventId), "succeeded").path("details").path("effect");
        assertEquals("OPTIMIZE TABLE `" + maria.database() + "`.`frag`", effect.path("statement").asText());
        assertEquals(before, effect.path("data_free_before").asLong(), effect.toString());
        assertTrue(effect.path("data_free_after").asLong() < before, effect.toString());
        assertEquals(effect.path("data_free_after").asLong(), dataFree("frag"), "the effect is what the server shows");
        assertEquals(800L, ((Number) mariaValue("SELECT COUNT(*) FROM frag")).longValue(), "no row lost");
    }

    @Test
    void anOptimizeIsDeferredWhileATransactionIsOpenPastTheLongTransactionLimit() throws Exception {
        mariaExecute("CREATE TABLE careful (id int PRIMARY KEY, pad varchar(200)) ENGINE=InnoDB",
                "CREATE TABLE careful_held (id int PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO careful SELECT seq, REPEAT('y', 100) FROM seq_1_to_1000");
        try (Connection holder = mariaConnection()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("INSERT INTO careful_held VALUES (1)");
            }
            // maria-careful's long-transaction-limit is 1 s
            await().atMost(Duration.ofSeconds(30)).until(() -> mariaValue("SELECT 1 FROM information_schema.INNODB_TRX "
                    + "WHERE trx_started < NOW() - INTERVAL 2 SECOND") != null);
            String eventId = publish("maria-careful", "mysql_table_fragmentation", maria.database() + ".careful",
                    Severity.WARNING);
            UUID op = operationFor(eventId);
            await().atMost(Duration.ofSeconds(60)).until(() -> "deferred".equals(status(op)));
            String reason = (String) stateValue("SELECT reason FROM automation.operation WHERE id = ?", op);
            assertTrue(reason.contains("precondition long_running_transaction"), reason);
            assertTrue(last(op, "deferred").path("reason").asText().contains("long_running_transaction"),
                    "the deferral is published with its reason");
            given().header("X-API-Key", OPERATOR).post("/api/operations/" + op + "/cancel").then().statusCode(200);
            holder.rollback();
        }
    }

    @Test
    void anOptimizeBlockedByAMetadataLockIsRetriedThenDeferred() throws Exception {
        mariaExecute("CREATE TABLE blocked (id int PRIMARY KEY, pad varchar(200)) ENGINE=InnoDB",
                "INSERT INTO blocked SELECT seq, REPEAT('z', 100) FROM seq_1_to_1000");
        try (Connection holder = mariaConnection()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.executeQuery("SELECT COUNT(*) FROM blocked").close(); // a shared metadata lock until the commit
            }
            // OPTIMIZE TABLE reports the lock wait timeout (maria's lock-timeout: 1 s) as a result row, not an error
            String eventId = publish("maria", "mysql_table_fragmentation", maria.database() + ".blocked",
                    Severity.WARNING);
            UUID op = operationFor(eventId);
            JsonNode deferred = last(op, "deferred");
            assertTrue(deferred.path("reason").asText().contains("lock wait timeout on " + maria.database() + ".blocked"),
                    deferred.toString());
            assertTrue(states(op).contains("progress"), "each lock wait was retried with a progress event: " + states(op));
            assertEquals("deferred", status(op));
            given().header("X-API-Key", OPERATOR).post("/api/operations/" + op + "/cancel").then().statusCode(200);
            holder.rollback();
        }
        assertEquals(1000L, ((Number) mariaValue("SELECT COUNT(*) FROM blocked")).longValue(), "nothing lost");
    }

    @Test
    void anOptimizePastTheStatementTimeLimitFailsSayingSoAndLosesNothing() throws Exception {
        mariaExecute("CREATE TABLE hurried (id int PRIMARY KEY, pad varchar(500)) ENGINE=InnoDB",
                "INSERT INTO hurried SELECT seq, REPEAT('h', 400) FROM seq_1_to_200000");
        // maria-hurried's statement-timeout is 300 ms: OPTIMIZE rebuilds 80 MB, and reports the interruption as a row
        String eventId = publish("maria-hurried", "mysql_table_fragmentation", maria.database() + ".hurried",
                Severity.WARNING);
        JsonNode failed = last(operationFor(eventId), "failed");
        assertTrue(failed.path("reason").asText().contains("statement time limit"), failed.toString());
        assertEquals(200_000L, ((Number) mariaValue("SELECT COUNT(*) FROM hurried")).longValue(), "nothing lost");
    }

    @Test
    void aSessionSleepingInATransactionPastTheLimitIsKilledAndRecorded() throws Exception {
        mariaExecute("CREATE TABLE held (id int PRIMARY KEY) ENGINE=InnoDB");
        try (Connection sleeper = mariaConnection()) {
            sleeper.setAutoCommit(false);
            long id;
            try (Statement st = sleeper.createStatement()) {
                st.execute("INSERT INTO held VALUES (1)");
                ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()");
                rs.next();
                id = rs.getLong(1);
            }
            // the test policy's limit is 2 s: wait until the session sleeps inside its transaction past it
            await().atMost(Duration.ofSeconds(30)).until(() -> mariaValue("SELECT 1 FROM information_schema.PROCESSLIST "
                    + "WHERE ID = ? AND COMMAND = 'Sleep' AND TIME >= 3", id) != null);
            long trxStarted = ((Number) mariaValue("SELECT CAST(UNIX_TIMESTAMP() - TIMESTAMPDIFF(SECOND, trx_started, "
                    + "NOW()) AS SIGNED) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?", id)).longValue();
            String eventId = publish("maria", "mysql_sleeping_in_transaction", id + "." + trxStarted + "." + maria.user(),
                    Severity.WARNING);
            UUID op = operationFor(eventId);
            JsonNode effect = last(op, "succeeded").path("details").path("effect");
            boolean killed = false;
            for (JsonNode s : effect.path("sessions")) {
                if (s.path("id").asLong() == id) {
                    killed = s.path("killed").asBoolean() && s.path("started").asLong() == trxStarted
                            && s.path("user").asText().equals(maria.user());
                }
            }
            assertTrue(killed, "session " + id + " killed and recorded with its user and transaction start: " + effect);
            assertEquals(0, effect.path("sessions_still_over_limit").asInt());
            assertNull(mariaValue("SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?", id), "session gone");
            assertThrows(SQLException.class, sleeper::commit, "the killed session's transaction is gone");
            assertNull(mariaValue("SELECT id FROM held"), "its insert was rolled back");
            assertEquals("succeeded", given().header("X-API-Key", VIEWER).get("/api/operations/" + op)
                    .then().statusCode(200).extract().path("status"));
        }
    }

    /**
     * The KILL QUERY is bound to the session the anomaly named: approved after that statement ended and another one
     * took its place (the same session id and user, a later start) while a second session also runs past the limit,
     * nothing is killed and the operation records why; approved while the named statement still runs, it is killed
     * and the other session's statement is not; approved after the named session ended, nothing is killed either.
     */
    @Test
    void aRunawayQueryWaitsForApprovalThenOnlyTheNamedOneIsKilled() throws Exception {
        try (Connection runner = mariaConnection(); Connection other = mariaConnection()) {
            long id = connectionId(runner);
            long otherId = connectionId(other);
            CompletableFuture<Long> first = sleep(runner, 120);
            long firstStart = queryStart(id, 4);
            String stale = publish("maria", "mysql_long_running_query", id + "." + firstStart + "." + maria.user(),
                    Severity.WARNING);
            UUID staleOp = operationFor(stale);
            await().atMost(Duration.ofSeconds(30)).until(() -> "awaiting_approval".equals(status(staleOp)));
            // waiting for approval: the operation engine polled (its claim loop skips it) and the query still runs
            assertFalse(first.isDone(), "nothing is killed before the approval");
            last(staleOp, "requested");
            assertEquals(List.of("requested"), states(staleOp), "requested and waiting, nothing started");

            // the named statement ends; the same session runs a new one and another session runs one, both past the limit
            mariaExecute("KILL QUERY " + id);
            first.get(30, TimeUnit.SECONDS);
            CompletableFuture<Long> second = sleep(runner, 120);
            CompletableFuture<Long> bystander = sleep(other, 120);
            long secondStart = queryStart(id, 3);
            queryStart(otherId, 3);
            assertTrue(secondStart - firstStart > 2, "a later statement: " + firstStart + " then " + secondStart);

            given().header("X-API-Key", OPERATOR).post("/api/operations/" + staleOp + "/approve").then().statusCode(200);
            JsonNode effect = last(staleOp, "succeeded").path("details").path("effect");
            assertEquals(1, effect.path("sessions").size(), "only the named session is considered: " + effect);
            JsonNode named = effect.path("sessions").get(0);
            assertEquals(id, named.path("id").asLong());
            assertFalse(named.path("query_killed").asBoolean(), effect.toString());
            assertTrue(named.path("skipped").asText().contains("runs another statement"), effect.toString());
            assertFalse(second.isDone(), "the statement that took the named one's place runs on");
            assertFalse(bystander.isDone(), "another session's statement over the limit runs on");

            String current = publish("maria", "mysql_long_running_query", id + "." + secondStart + "." + maria.user(),
                    Severity.WARNING);
            UUID op = operationFor(current);
            await().atMost(Duration.ofSeconds(30)).until(() -> "awaiting_approval".equals(status(op)));
            given().header("X-API-Key", OPERATOR).post("/api/operations/" + op + "/approve").then().statusCode(200);
            effect = last(op, "succeeded").path("details").path("effect");
            assertEquals(1, effect.path("sessions").size(), effect.toString());
            assertTrue(effect.path("sessions").get(0).path("query_killed").asBoolean(), effect.toString());
            assertEquals(0, effect.path("sessions_still_over_limit").asInt(), effect.toString());
            // an interrupted SLEEP() returns 1 or fails with 1317 (interrupted); either way it ended, the session stays
            long ended = second.get(30, TimeUnit.SECONDS);
            assertTrue(ended == 1L || ended == -1317L, "SLEEP(120) interrupted: " + ended);
            try (Statement st = runner.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "KILL QUERY leaves the session usable");
            }
            assertFalse(bystander.isDone(), "the other session's statement was not killed");

            // an anomaly naming the other session, approved after that session ended: nothing to kill, and it says so
            long otherStart = queryStart(otherId, 3);
            String gone = publish("maria", "mysql_long_running_query", otherId + "." + otherStart + "." + maria.user(),
                    Severity.WARNING);
            UUID goneOp = operationFor(gone);
            await().atMost(Duration.ofSeconds(30)).until(() -> "awaiting_approval".equals(status(goneOp)));
            mariaExecute("KILL CONNECTION " + otherId);
            bystander.get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> mariaValue(
                    "SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?", otherId) == null);
            given().header("X-API-Key", OPERATOR).post("/api/operations/" + goneOp + "/approve").then().statusCode(200);
            effect = last(goneOp, "succeeded").path("details").path("effect");
            assertFalse(effect.path("sessions").get(0).path("query_killed").asBoolean(), effect.toString());
            assertTrue(effect.path("sessions").get(0).path("skipped").asText().contains("session " + otherId + " ended"),
                    effect.toString());
        }
    }

    @Test
    void hostileNamesAreDeadLetteredOrRefusedAndNothingRuns() throws Exception {
        mariaExecute("CREATE TABLE victim (id int PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO victim VALUES (1)");
        String hostile = maria.database() + ".victim`; DROP TABLE victim; -- ";
        try (KafkaConsumer<String, String> dlq = consumer(Topics.ANOMALIES_DLQ)) {
            String eventId = publish("maria", "mysql_table_fragmentation", hostile, Severity.CRITICAL);
            ConsumerRecord<String, String> dead = deadLettered(dlq, eventId);
            String reason = header(dead, "dead-letter-reason");
            assertTrue(reason.contains("is not a MySQL table name"), reason);
            assertNull(stateValue("SELECT id FROM automation.operation WHERE triggering_event_id = ?", eventId));
        }
        given().header("X-API-Key", OPERATOR).contentType("application/json")
                .body(Map.of("database", "maria", "type", "optimize", "object", hostile))
                .post("/api/operations").then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("detail", containsString("field 'object'"));
        given().header("X-API-Key", OPERATOR).contentType("application/json")
                .body(Map.of("database", "maria", "type", "optimize", "object", maria.database() + ".no_such_table"))
                .post("/api/operations").then().statusCode(400)
                .body("detail", containsString("information_schema"));
        given().header("X-API-Key", OPERATOR).contentType("application/json")
                .body(Map.of("database", "maria", "type", "vacuum", "object", maria.database() + ".victim"))
                .post("/api/operations").then().statusCode(400)
                .body("detail", containsString("engine mariadb has no vacuum operation"));
        assertEquals(1L, ((Number) mariaValue("SELECT COUNT(*) FROM victim")).longValue(), "the table is untouched");

        // a plain manual ANALYZE TABLE through the API runs and is verified by the server's status
        String id = given().header("X-API-Key", OPERATOR).contentType("application/json")
                .body(Map.of("database", "maria", "type", "analyze", "object", maria.database() + ".victim"))
                .post("/api/operations").then().statusCode(201).extract().path("id");
        JsonNode effect = last(UUID.fromString(id), "succeeded").path("details").path("effect");
        assertEquals("ANALYZE TABLE `" + maria.database() + "`.`victim`", effect.path("statement").asText());
    }

    @Test
    void databasesShowTheEngineItsCapabilitiesAndAnUnreachableTarget() {
        given().header("X-API-Key", VIEWER).get("/api/databases").then().statusCode(200)
                .body("find { it.id == 'maria' }.status", equalTo("reachable"))
                .body("find { it.id == 'maria' }.engine", equalTo("mariadb"))
                .body("find { it.id == 'maria' }.server_version", containsString("MariaDB"))
                .body("find { it.id == 'maria' }.capabilities.maintenance", equalTo("available: analyze, optimize"))
                .body("find { it.id == 'maria' }.capabilities.sessions",
                        equalTo("available: cancel_query, terminate_idle"))
                .body("find { it.id == 'maria' }.capabilities.backups", equalTo("available"))
                .body("find { it.id == 'maria' }.capabilities.migrations", equalTo("available"))
                .body("find { it.id == 'maria' }.capabilities.index_changes", equalTo("available"))
                .body("find { it.id == 'maria-down' }.status", equalTo("unreachable"))
                .body("find { it.id == 'maria-down' }.engine", equalTo("mysql"))
                .body("find { it.id == 'demo' }.capabilities.backups", equalTo("available"));
    }

    // --- helpers ---

    private String publish(String target, String rule, String object, Severity severity) throws Exception {
        String eventId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        AnomalyEvent event = new AnomalyEvent(rule + ":" + target + ":" + object + ":" + eventId, target, rule, object,
                severity, AnomalyState.OPENED, 1, now, now, Map.of("value", 1.0), "investigate", rule + " on " + object);
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, target, JSON.writeValueAsString(event));
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", EventTypes.ANOMALY_OPENED.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", target.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(10, TimeUnit.SECONDS);
        return eventId;
    }

    private UUID operationFor(String eventId) throws SQLException {
        await().atMost(Duration.ofSeconds(60)).until(() -> stateValue(
                "SELECT id FROM automation.operation WHERE triggering_event_id = ?", eventId) != null);
        return (UUID) stateValue("SELECT id FROM automation.operation WHERE triggering_event_id = ?", eventId);
    }

    private String status(UUID op) throws SQLException {
        return (String) stateValue("SELECT status FROM automation.operation WHERE id = ?", op);
    }

    private List<String> states(UUID op) throws Exception {
        operations.poll(Duration.ofMillis(500)).forEach(seen::add);
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : seen) {
            if (JSON.readTree(r.value()).path("operation_id").asText().equals(op.toString())) {
                out.add(header(r, "ce_type").replace("io.dbautopilot.operation.", "").replace(".v1", ""));
            }
        }
        return out;
    }

    /** The last event of {@code state} for an operation, read from autopilot.operations.v1 (fails with what came). */
    private JsonNode last(UUID op, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            operations.poll(Duration.ofMillis(300)).forEach(seen::add);
            JsonNode found = null;
            for (ConsumerRecord<String, String> r : seen) {
                JsonNode data = JSON.readTree(r.value());
                if (data.path("operation_id").asText().equals(op.toString())
                        && header(r, "ce_type").equals("io.dbautopilot.operation." + state + ".v1")) {
                    found = data;
                }
            }
            if (found != null) {
                return found;
            }
        }
        throw new AssertionError("no " + state + " event for operation " + op + "; got " + states(op) + ", reason "
                + stateValue("SELECT reason FROM automation.operation WHERE id = ?", op));
    }

    private static ConsumerRecord<String, String> deadLettered(KafkaConsumer<String, String> dlq, String eventId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : dlq.poll(Duration.ofMillis(500))) {
                if (eventId.equals(header(r, "ce_id"))) {
                    return r;
                }
            }
        }
        throw new AssertionError("event " + eventId + " was not dead-lettered");
    }

    private KafkaConsumer<String, String> consumer(String topic) {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        c.subscribe(List.of(topic));
        return c;
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private Connection mariaConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + maria.host() + ":" + maria.port() + "/" + maria.database(),
                maria.user(), maria.password());
    }

    private static long connectionId(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs SELECT SLEEP(seconds) on the session in the background: 1 when interrupted, -1317 when killed. */
    private CompletableFuture<Long> sleep(Connection c, int seconds) {
        return CompletableFuture.supplyAsync(() -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT SLEEP(" + seconds + ")")) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                return -(long) e.getErrorCode(); // 1317: query execution was interrupted
            }
        }, sessions);
    }

    /** Waits until session {@code id} runs a statement for {@code seconds}; its start in epoch seconds, server clock. */
    private long queryStart(long id, int seconds) throws SQLException {
        await().atMost(Duration.ofSeconds(30)).until(() -> mariaValue("SELECT 1 FROM information_schema.PROCESSLIST "
                + "WHERE ID = ? AND COMMAND = 'Query' AND TIME >= ?", id, seconds) != null);
        return ((Number) mariaValue("SELECT CAST(UNIX_TIMESTAMP() - TIME AS SIGNED) FROM information_schema.PROCESSLIST "
                + "WHERE ID = ?", id)).longValue();
    }

    private long dataFree(String table) throws SQLException {
        return ((Number) mariaValue("SELECT DATA_FREE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                + "AND TABLE_NAME = ?", table)).longValue();
    }

    private void mariaExecute(String... statements) throws SQLException {
        try (Connection c = mariaConnection(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private Object mariaValue(String sql, Object... params) throws SQLException {
        try (Connection c = mariaConnection()) {
            return value(c, sql, params);
        }
    }

    private Object stateValue(String sql, Object... params) throws SQLException {
        try (Connection c = postgres.connect("autopilot_state")) {
            return value(c, sql, params);
        }
    }

    private static Object value(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }
}
