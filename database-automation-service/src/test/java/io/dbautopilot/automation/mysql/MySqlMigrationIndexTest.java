package io.dbautopilot.automation.mysql;

import io.dbautopilot.automation.backup.OperationEvents;
import com.fasterxml.jackson.databind.JsonNode;
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
import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.RecommendationState;
import io.dbautopilot.model.Risk;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Migrations and index changes on a real MariaDB with the real broker: a dry run that changes nothing, a Flyway
 * migration applied after its verified mariadb-dump pre-migration backup and undone, a failing migration reported
 * with what MySQL's non-transactional DDL left behind; an index created from a missing_index recommendation after
 * approval, a duplicate index dropped on its anomaly, and a primary key, a foreign key's index and an index that is no
 * longer a duplicate refused at execution, a hostile index name dead-lettered; validate naming an edited applied
 * script and the failed version; a migration deferred by the health gate while a transaction is open too long.
 */
@QuarkusTest
@TestProfile(MySqlTestProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(MariaDbTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MySqlMigrationIndexTest {

    private static final String OPERATOR = "operator-secret-1";

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    MariaDbServer maria;

    private OperationEvents events;
    private KafkaProducer<String, String> producer;

    @BeforeAll
    void open() {
        events = new OperationEvents(kafka.bootstrapServers());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterAll
    void close() {
        events.close();
        producer.close();
    }

    @Test
    @Order(1)
    void aDryRunChangesNothingThenAMigrationIsAppliedAfterItsBackupAndUndone() throws Exception {
        Files.writeString(MySqlTestProfile.MIGRATIONS.resolve("V1__items.sql"), """
                -- a comment; with a semicolon
                CREATE TABLE mig_items (id int PRIMARY KEY, name varchar(40)) ENGINE=InnoDB;
                INSERT INTO mig_items VALUES (1, 'a;b'), (2, 'it''s');
                """);
        Files.writeString(MySqlTestProfile.MIGRATIONS.resolve("U1__items.sql"), """
                # undo: the table goes
                DROP TABLE `mig_items`;
                """);
        JsonPath dry = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body(Map.of())
                .post("/api/migrations/maria/dry-run").then().statusCode(200).extract().jsonPath();
        assertNull(dry.get("current_version"), dry.prettify());
        assertEquals(List.of("1"), dry.getList("migrations.version"), dry.prettify());
        assertTrue(dry.getString("migrations[0].sql").contains("CREATE TABLE mig_items"), dry.prettify());
        assertEquals(List.of(), dry.getList("lint"));
        assertEquals(0L, count("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'maria_app'"),
                "the dry run created nothing");

        JsonNode applied = succeeded(given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("reason", "test")).post("/api/migrations/maria/apply"));
        JsonNode effect = applied.path("details").path("effect");
        assertEquals("1", effect.path("to_version").asText(), effect.toString());
        JsonNode backup = effect.path("backup");
        assertEquals("mariadb-dump", backup.path("method").asText(), effect.toString());
        assertTrue(backup.path("verification").asText().contains("CHECKSUM TABLE equal for"), backup.toString());
        assertEquals("completed", given().header("X-API-Key", OPERATOR).get("/api/backups/"
                + backup.path("backup_id").asText()).then().statusCode(200).extract().path("status"));
        assertTrue(Files.isRegularFile(java.nio.file.Path.of(backup.path("location").asText())), backup.toString());
        assertEquals(2L, count("SELECT COUNT(*) FROM maria_app.mig_items WHERE name IN ('a;b', 'it''s')"));

        JsonNode undone = succeeded(given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("mode", "auto")).post("/api/migrations/maria/undo"));
        assertEquals(1, undone.path("details").path("effect").path("undone").size(), undone.toString());
        assertEquals("mariadb-dump", undone.path("details").path("effect").path("backup").path("method").asText());
        assertEquals(0L, count("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'maria_app' "
                + "AND TABLE_NAME = 'mig_items'"), "the undo script dropped the table");
        given().header("X-API-Key", OPERATOR).get("/api/migrations").then().statusCode(200)
                .body("find { it.database_name == 'maria' && it.version == '1' }.status", org.hamcrest.Matchers.equalTo("undone"));
    }

    @Test
    @Order(2)
    void aFailingMigrationIsReportedWithWhatItLeftBehind() throws Exception {
        Files.writeString(MySqlTestProfile.MIGRATIONS.resolve("V2__broken.sql"), """
                CREATE TABLE mig_half (id int PRIMARY KEY) ENGINE=InnoDB;
                ALTER TABLE mig_no_such_table ADD COLUMN x int;
                """);
        String body = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body(Map.of())
                .post("/api/migrations/maria/apply").then().statusCode(202).extract().asString();
        JsonNode failed = ended(UUID.fromString(JsonPath.from(body).getString("id")), "failed");
        String reason = failed.path("reason").asText() + " " + failed.toString();
        JsonNode effect = failed.path("details").path("effect");
        assertEquals("2", effect.path("failed_version").asText(), failed.toString());
        assertFalse(effect.path("ddl_transactional").asBoolean(true), failed.toString());
        assertTrue(reason.contains("not transactional"), reason);
        assertTrue(effect.path("left_behind").asText().contains("stay applied"), failed.toString());
        // what MySQL left: V1 applied again, V2's first statement committed, V2 recorded as failed by Flyway
        assertEquals(1L, count("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'maria_app' "
                + "AND TABLE_NAME = 'mig_half'"), "the statement before the failing one stays");
        assertEquals(0L, count("SELECT success FROM maria_app.flyway_schema_history WHERE version = '2'"));
        assertEquals(2L, count("SELECT COUNT(*) FROM maria_app.mig_items"), "the undone V1 applied again: round trip");
        assertEquals("1", effect.path("to_version").asText(), failed.toString());
        given().header("X-API-Key", OPERATOR).get("/api/migrations").then().statusCode(200)
                .body("find { it.database_name == 'maria' && it.version == '2' }.status", org.hamcrest.Matchers.equalTo("failed"));
    }

    @Test
    @Order(3)
    void anIndexIsCreatedFromARecommendationAfterApproval() throws Exception {
        mariaExecute("CREATE TABLE ix_orders (id int PRIMARY KEY, customer int, placed date) ENGINE=InnoDB",
                "INSERT INTO ix_orders SELECT seq, seq % 50, '2026-01-01' FROM seq_1_to_2000");
        String eventId = UUID.randomUUID().toString();
        RecommendationEvent event = new RecommendationEvent("missing_index:maria:ix_orders", "maria", maria.database(),
                maria.database() + ".ix_orders", "missing_index", RecommendationState.RAISED, Instant.now(),
                Map.of("columns", List.of("CUSTOMER", "placed")), null, "fewer full scans", Risk.LOW, false,
                "missing index on ix_orders");
        send(Topics.RECOMMENDATIONS, "maria", EventJson.newMapper().writeValueAsString(event), eventId,
                EventTypes.RECOMMENDATION_RAISED);
        UUID op = operationFor(eventId);
        await().atMost(Duration.ofSeconds(30)).until(() -> "awaiting_approval".equals(status(op)));
        assertEquals(0L, count("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                + "AND TABLE_NAME = 'ix_orders' AND INDEX_NAME <> 'PRIMARY'"), "nothing built before the approval");
        given().header("X-API-Key", OPERATOR).post("/api/operations/" + op + "/approve").then().statusCode(200);
        JsonNode effect = ended(op, "succeeded").path("details").path("effect");
        assertEquals("ALTER TABLE `" + maria.database() + "`.`ix_orders` ADD INDEX `ix_orders_customer_placed_idx` "
                + "(`customer`, `placed`), ALGORITHM=INPLACE, LOCK=NONE", effect.path("statement").asText());
        assertTrue(effect.path("index_exists").asBoolean(), effect.toString());
        assertEquals(2L, count("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                + "AND TABLE_NAME = 'ix_orders' AND INDEX_NAME = 'ix_orders_customer_placed_idx'"));
    }

    @Test
    @Order(4)
    void aDuplicateIndexIsDroppedAndKeysOthersNeedAreRefused() throws Exception {
        mariaExecute("CREATE TABLE ix_parent (id int PRIMARY KEY, a int, b int, KEY ix_a (a), KEY ix_ab (a, b)) "
                        + "ENGINE=InnoDB",
                "CREATE TABLE ix_child (id int PRIMARY KEY, parent_id int, KEY ix_parent_ref (parent_id), "
                        + "CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES ix_parent (id)) ENGINE=InnoDB");
        String db = maria.database();

        // the duplicate: ix_a's columns lead ix_ab; the policy drops it at once
        JsonNode effect = ended(duplicateIndex(db + ".ix_parent.ix_a"), "succeeded")
                .path("details").path("effect");
        assertEquals("ALTER TABLE `" + db + "`.`ix_parent` DROP INDEX `ix_a`, ALGORITHM=INPLACE, LOCK=NONE",
                effect.path("statement").asText());
        assertEquals("ix_ab", effect.path("rechecked").path("duplicate_of").asText(), effect.toString());
        assertEquals(List.of("ix_ab", "PRIMARY"), indexes("ix_parent"), "only the duplicate went");

        // re-checked when they run, refused, nothing dropped: the primary key, an index a foreign key needs, and
        // ix_ab, which no other index duplicates any more
        JsonNode pk = ended(duplicateIndex(db + ".ix_parent.PRIMARY"), "failed");
        assertTrue(pk.path("reason").asText().contains("primary key"), pk.toString());
        JsonNode fk = ended(duplicateIndex(db + ".ix_child.ix_parent_ref"), "failed");
        assertTrue(fk.path("reason").asText().contains("foreign key fk_child_parent"), fk.toString());
        JsonNode single = ended(duplicateIndex(db + ".ix_parent.ix_ab"), "failed");
        assertTrue(single.path("reason").asText().contains("no longer a duplicate"), single.toString());
        assertEquals(List.of("ix_ab", "PRIMARY"), indexes("ix_parent"));
        assertEquals(List.of("ix_parent_ref", "PRIMARY"), indexes("ix_child"));

        // a hostile index name never becomes an operation: dead-lettered with the reason
        try (KafkaConsumer<String, String> dlq = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            dlq.subscribe(List.of(Topics.ANOMALIES_DLQ));
            String eventId = publishDuplicate(db + ".ix_parent.ix_ab`; DROP TABLE ix_parent; -- ");
            String reason = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (reason == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : dlq.poll(Duration.ofMillis(500))) {
                    if (eventId.equals(header(r, "ce_id"))) {
                        reason = header(r, "dead-letter-reason");
                    }
                }
            }
            assertNotNull(reason, "event " + eventId + " was not dead-lettered");
            assertTrue(reason.contains("schema.table.index"), reason);
            assertNull(stateValue("SELECT id FROM automation.operation WHERE triggering_event_id = ?", eventId));
        }
        assertEquals(List.of("ix_ab", "PRIMARY"), indexes("ix_parent"));
    }

    @Test
    @Order(5)
    void validateReportsAnEditedAppliedScriptAndTheFailedVersion() throws Exception {
        // after the runs above: V1 applied (again), V2 failed in Flyway's history
        java.nio.file.Path v1 = MySqlTestProfile.MIGRATIONS.resolve("V1__items.sql");
        String original = Files.readString(v1, StandardCharsets.UTF_8);
        Files.writeString(v1, original + "-- edited after it was applied\nSELECT 1;\n", StandardCharsets.UTF_8);
        try {
            JsonPath report = given().header("X-API-Key", OPERATOR).get("/api/migrations/maria/validate").then()
                    .statusCode(200).extract().jsonPath();
            assertFalse(report.getBoolean("valid"), report.prettify());
            Map<String, Object> mismatch = report.getMap("checksum_mismatches.find { it.version == '1' }");
            assertNotNull(mismatch, report.prettify());
            assertTrue(String.valueOf(mismatch.get("file")).endsWith("V1__items.sql"), mismatch.toString());
            assertNotNull(mismatch.get("applied_checksum"), mismatch.toString());
            assertFalse(mismatch.get("applied_checksum").equals(mismatch.get("resolved_checksum")), mismatch.toString());
            assertTrue(report.getList("errors").stream().anyMatch(e -> String.valueOf(e).startsWith("version 2 ")),
                    "the failed V2 is reported: " + report.prettify());
            assertTrue(report.getString("what_to_do").contains("never repairs"), report.prettify());
        } finally {
            Files.writeString(v1, original, StandardCharsets.UTF_8);
        }
        JsonPath restored = given().header("X-API-Key", OPERATOR).get("/api/migrations/maria/validate").then()
                .statusCode(200).extract().jsonPath();
        assertTrue(restored.getList("checksum_mismatches").isEmpty(), restored.prettify());
    }

    @Test
    @Order(6)
    void aLongTransactionDefersAMigrationWithTheReasonAndNothingRunsThenItDoes() throws Exception {
        Files.writeString(MySqlTestProfile.CAREFUL_MIGRATIONS.resolve("V1__gated.sql"),
                "CREATE TABLE gated (id int PRIMARY KEY) ENGINE=InnoDB;\n");
        mariaExecute("CREATE TABLE IF NOT EXISTS gate_held (id int PRIMARY KEY) ENGINE=InnoDB");
        try (Connection holder = mariaConnection()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("INSERT INTO gate_held VALUES (1)");
            }
            // maria-careful's long-transaction-limit is 1 s
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM information_schema.INNODB_TRX "
                    + "WHERE trx_started < NOW() - INTERVAL 2 SECOND") > 0);
            String body = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body(Map.of())
                    .post("/api/migrations/maria-careful/apply").then().statusCode(202).extract().asString();
            UUID op = UUID.fromString(JsonPath.from(body).getString("id"));
            JsonNode deferred = events.first(e -> e.path("operation_id").asText().equals(op.toString())
                    && e.path("state").asText().equals("deferred"));
            assertTrue(deferred.path("reason").asText().contains("precondition long_running_transaction"),
                    deferred.toString());
            assertEquals(0L, count("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = "
                    + "'maria_careful_app'"), "nothing ran: no backup restore, no Flyway history, no table");
            given().header("X-API-Key", OPERATOR).post("/api/operations/" + op + "/cancel").then().statusCode(200);
            holder.rollback();
        }
        // the transaction gone, the same apply runs
        JsonNode applied = succeeded(given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of()).post("/api/migrations/maria-careful/apply"));
        assertEquals("1", applied.path("details").path("effect").path("to_version").asText(), applied.toString());
        assertEquals(1L, count("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'maria_careful_app' "
                + "AND TABLE_NAME = 'gated'"));
    }

    /** Publishes a mysql_duplicate_index anomaly on {@code object} and returns its operation. */
    private UUID duplicateIndex(String object) throws Exception {
        return operationFor(publishDuplicate(object));
    }

    private String publishDuplicate(String object) throws Exception {
        String eventId = UUID.randomUUID().toString();
        AnomalyEvent anomaly = new AnomalyEvent("mysql_duplicate_index:maria:" + eventId, "maria",
                "mysql_duplicate_index", object, Severity.INFO, AnomalyState.OPENED, 1, Instant.now(), Instant.now(),
                Map.of("value", 1.0), "drop_index", "duplicate index");
        send(Topics.ANOMALIES, "maria", EventJson.newMapper().writeValueAsString(anomaly), eventId,
                EventTypes.ANOMALY_OPENED);
        return eventId;
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        org.apache.kafka.common.header.Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    // --- helpers ---

    private JsonNode succeeded(io.restassured.response.Response response) throws Exception {
        String body = response.then().statusCode(202).extract().asString();
        UUID op = UUID.fromString(JsonPath.from(body).getString("id"));
        JsonNode done = ended(op, "succeeded");
        assertFalse(events.of(op).toString().contains(maria.password()), "the password is never in an event");
        return done;
    }

    /** The operation's terminal event (succeeded, failed or cancelled), which must be in {@code state}. */
    private JsonNode ended(UUID op, String state) throws Exception {
        JsonNode end = events.first(e -> e.path("operation_id").asText().equals(op.toString())
                && List.of("succeeded", "failed", "cancelled").contains(e.path("state").asText()));
        assertEquals(state, end.path("state").asText(), end.toString());
        return end;
    }

    private void send(String topic, String key, String json, String eventId, String type) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, json);
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_subject", key.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get(10, TimeUnit.SECONDS);
    }

    private UUID operationFor(String eventId) throws SQLException {
        await().atMost(Duration.ofSeconds(60)).until(() -> stateValue(
                "SELECT id FROM automation.operation WHERE triggering_event_id = ?", eventId) != null);
        UUID id = (UUID) stateValue("SELECT id FROM automation.operation WHERE triggering_event_id = ?", eventId);
        assertNotNull(id);
        return id;
    }

    private String status(UUID op) throws SQLException {
        return (String) stateValue("SELECT status FROM automation.operation WHERE id = ?", op);
    }

    private List<String> indexes(String table) throws SQLException {
        try (Connection c = mariaConnection(); PreparedStatement ps = c.prepareStatement("SELECT DISTINCT INDEX_NAME "
                + "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY 1")) {
            ps.setString(1, table);
            List<String> out = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    private Connection mariaConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + maria.host() + ":" + maria.port() + "/" + maria.database(),
                maria.user(), maria.password());
    }

    private void mariaExecute(String... statements) throws SQLException {
        try (Connection c = mariaConnection(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = mariaConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Object stateValue(String sql, Object param) throws SQLException {
        try (Connection c = postgres.connect("autopilot_state"); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }
}
