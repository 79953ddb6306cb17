package io.dbautopilot.automation.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.automation.backup.OperationEvents;
import io.dbautopilot.automation.backup.engine.SqliteRowCounts;
import io.dbautopilot.automation.backup.engine.StoredFiles;
import io.dbautopilot.automation.backup.restore.RestoreRequests;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
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
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.sqlite.SQLiteConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The closed loop on real SQLite files with the real broker: the target and its capabilities in GET /api/databases;
 * sqlite_freelist_high → VACUUM with the freelist falling, deferred on a tmpfs too small for it; sqlite_wal_large →
 * wal_checkpoint(TRUNCATE) deferred while a reader holds the WAL, then truncating a WAL a writer grew; a manual
 * ANALYZE; sqlite_backup_stale → a verified backup; a VACUUM INTO backup while another thread writes, verified,
 * drilled into a scratch file that is removed, and a tampered copy found corrupt; a Flyway migration applied after its
 * verified pre-migration backup, undone and applied again, the oldest of its three copies expired by retention.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(SqliteFilesTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqliteClosedLoopTest {

    private static final String OPERATOR = "operator-secret-1";
    private static final String VIEWER = "viewer-secret-1";
    private static final ObjectMapper JSON = EventJson.newMapper();

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @Inject
    RestoreRequests restores;

    /** Read in {@link #open()}: an injected config property would be required by every other test's application. */
    private String directory;

    private KafkaProducer<String, String> producer;
    private OperationEvents events;
    private Path lite;

    @BeforeAll
    void open() {
        directory = ConfigProvider.getConfig().getValue("dbautopilot.test.sqlite.directory", String.class);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        events = new OperationEvents(kafka.bootstrapServers());
        lite = Path.of(directory, SqliteFilesTestResource.LITE);
    }

    @AfterAll
    void close() {
        producer.close();
        events.close();
    }

    @Test
    void theFileIsListedWithItsCapabilitiesAndAnObjectIsRefused() {
        given().header("X-API-Key", VIEWER).get("/api/databases").then().statusCode(200)
                .body("find { it.id == 'lite' }.status", equalTo("reachable"))
                .body("find { it.id == 'lite' }.engine", equalTo("sqlite"))
                .body("find { it.id == 'lite' }.database_name", equalTo(lite.toString()))
                .body("find { it.id == 'lite' }.capabilities.maintenance", equalTo("available: analyze, checkpoint, vacuum"))
                .body("find { it.id == 'lite' }.capabilities.backups", equalTo("available"))
                .body("find { it.id == 'lite' }.capabilities.migrations", equalTo("available"))
                .body("find { it.id == 'lite' }.capabilities.sessions", startsWith("unavailable: "));
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("database", "lite", "type", "vacuum", "object", "main.seed; DROP TABLE seed"))
                .post("/api/operations").then().statusCode(400)
                .body("detail", containsString("field 'object': SQLite vacuum acts on the whole database file"));
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("database", "demo", "type", "checkpoint"))
                .post("/api/operations").then().statusCode(400)
                .body("detail", containsString("checkpoint is unavailable for database 'demo'"));
    }

    @Test
    void aFragmentedFileIsVacuumedAndItsFreelistFalls() throws Exception {
        SqliteFilesTestResource.execute(lite, "CREATE TABLE frag (id integer PRIMARY KEY, pad blob)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                        + "INSERT INTO frag (pad) SELECT randomblob(1500) FROM n",
                "DELETE FROM frag WHERE id % 4 <> 0", "PRAGMA wal_checkpoint(TRUNCATE)");
        long before = pragma(lite, "freelist_count");
        assertTrue(before > 100, "the file has free pages: " + before);

        UUID op = operationFor(publish("lite", "sqlite_freelist_high", null));
        JsonNode effect = last(op, "succeeded").path("details").path("effect");
        assertEquals("VACUUM", effect.path("statement").asText());
        assertEquals(before, effect.path("freelist_count_before").asLong(), effect.toString());
        assertEquals(0, effect.path("freelist_count_after").asLong(), effect.toString());
        assertEquals(0, pragma(lite, "freelist_count"), "the effect is what the file shows");
        assertEquals(500L, value(lite, "SELECT count(*) FROM frag"), "no row lost");
    }

    @Test
    void aVacuumIsDeferredWhenTheFilesystemHasLessRoomThanTheFile() throws Exception {
        Path small = Path.of(directory, "tmpfs", SqliteFilesTestResource.SMALL);
        long size = Files.size(small);
        long free = Files.getFileStore(small).getUsableSpace();
        assertTrue(free < size && pragma(small, "freelist_count") > 0, "fragmented, and too little room: " + free
                + " free for " + size);

        UUID op = operationFor(publish("lite-small", "sqlite_freelist_high", null));
        JsonNode deferred = last(op, "deferred");
        String reason = deferred.path("reason").asText();
        assertTrue(reason.startsWith("precondition low_disk: ") && reason.contains(small.toString())
                && reason.contains("the file's " + size + " bytes"), reason);
        assertEquals(size, Files.size(small), "nothing ran");
        given().header("X-API-Key", OPERATOR).post("/api/operations/" + op + "/cancel").then().statusCode(200);
    }

    @Test
    void aCheckpointIsDeferredWhileAReaderHoldsTheWalThenTruncatesIt() throws Exception {
        try (Connection writer = new SQLiteConfig().createConnection("jdbc:sqlite:" + lite);
             Statement w = writer.createStatement()) {
            w.execute("PRAGMA wal_autocheckpoint=0"); // the application never checkpoints: the WAL grows
            w.execute("CREATE TABLE IF NOT EXISTS journal (id integer PRIMARY KEY, body blob)");
            for (int i = 0; i < 20; i++) {
                w.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) "
                        + "INSERT INTO journal (body) SELECT randomblob(2000) FROM n");
            }
            Path wal = Path.of(lite + "-wal");
            long grown = Files.size(wal);
            assertTrue(grown > 1_000_000, "the writer grew the WAL: " + grown);

            // 1. a reader inside a transaction keeps TRUNCATE from resetting the WAL: busy, reported and deferred
            try (Connection reader = new SQLiteConfig().createConnection("jdbc:sqlite:" + lite)) {
                reader.setAutoCommit(false);
                try (Statement r = reader.createStatement(); ResultSet rs = r.executeQuery("SELECT count(*) FROM journal")) {
                    rs.next();
                }
                w.execute("INSERT INTO journal (body) VALUES (randomblob(100))"); // a frame past the reader's snapshot
                UUID busy = operationFor(publish("lite", "sqlite_wal_large", null));
                JsonNode deferred = last(busy, "deferred");
                assertTrue(deferred.path("reason").asText().contains("was busy"), deferred.toString());
                assertTrue(Files.size(wal) > 0, "the WAL is still there");
                given().header("X-API-Key", OPERATOR).post("/api/operations/" + busy + "/cancel").then().statusCode(200);
                reader.rollback();
            }

            // 2. no reader: the WAL the writer (still connected) grew is truncated
            long before = Files.size(wal);
            UUID op = operationFor(publish("lite", "sqlite_wal_large", null));
            JsonNode effect = last(op, "succeeded").path("details").path("effect");
            assertEquals("PRAGMA wal_checkpoint(TRUNCATE)", effect.path("statement").asText());
            assertEquals(before, effect.path("wal_bytes_before").asLong(), effect.toString());
            assertEquals(0, effect.path("wal_bytes_after").asLong(), effect.toString());
            assertEquals(0, Files.size(wal), "the effect is what the file system shows");
        }
    }

    @Test
    void aManualAnalyzeFillsSqliteStat1() throws Exception {
        SqliteFilesTestResource.execute(lite, "CREATE TABLE IF NOT EXISTS people (id integer PRIMARY KEY, city text)",
                "CREATE INDEX IF NOT EXISTS people_city ON people (city)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
                        + "INSERT INTO people (city) SELECT 'city-' || (i % 10) FROM n");
        String id = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("database", "lite", "type", "analyze")).post("/api/operations").then().statusCode(201)
                .extract().path("id");
        JsonNode effect = last(UUID.fromString(id), "succeeded").path("details").path("effect");
        assertEquals("PRAGMA optimize; ANALYZE", effect.path("statement").asText());
        assertTrue(effect.path("sqlite_stat1_rows_after").asLong() > 0, effect.toString());
        assertTrue(value(lite, "SELECT count(*) FROM sqlite_stat1 WHERE idx = 'people_city'") > 0, "stats of the index");
    }

    @Test
    void aBackupWhileTheApplicationWritesIsVerifiedDrilledAndATamperedCopyIsCorrupt() throws Exception {
        SqliteFilesTestResource.execute(lite, "CREATE TABLE IF NOT EXISTS orders (id integer PRIMARY KEY, total real)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
                        + "INSERT INTO orders (total) SELECT i * 1.5 FROM n");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        Thread app = new Thread(() -> {
            try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + lite); Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout=5000");
                while (writing.get()) {
                    st.execute("INSERT INTO orders (total) VALUES (1)");
                    written.incrementAndGet();
                    Thread.sleep(20);
                }
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, "sqlite-app-writer");
        app.start();
        JsonPath backup;
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> written.get() > 5);
            backup = backup(Map.of("database", "lite"));
            assertTrue(written.get() > 5 && app.isAlive(), "the application wrote during the backup");
        } finally {
            writing.set(false);
            app.join(10_000);
        }
        assertEquals("completed", backup.getString("status"), backup.prettify());
        assertEquals("sqlite_vacuum_into", backup.getString("engine"));
        assertEquals("full", backup.getString("backup_type"));
        String verification = backup.getString("verification");
        assertTrue(verification.contains("integrity_check ok") && verification.contains("row counts equal for"),
                verification);
        Path dir = Path.of(backup.getString("location"));
        SqliteRowCounts.Recorded recorded = SqliteRowCounts.read(dir);
        // a writer committing every 20 ms leaves no VACUUM INTO without a commit in between: the fallback copy
        assertTrue(List.of("same_snapshot", "same_read_transaction").contains(recorded.comparable()), recorded.toString());
        assertTrue(recorded.tables().containsKey("seed"), recorded.toString());
        assertTrue(recorded.tables().get("orders") >= 1000, recorded.toString());

        // a restore drill: a scratch copy, integrity_check and row counts, removed afterwards
        UUID drill = restores.drill("lite", "test").orElseThrow().operation().id();
        JsonNode effect = last(drill, "succeeded").path("details").path("effect");
        JsonNode checks = effect.path("checks");
        assertEquals("ok", checks.path("integrity_check").asText(), effect.toString());
        assertTrue(checks.path("row_counts_equal").asBoolean(), effect.toString());
        assertFalse(Files.exists(Path.of(checks.path("restored_file").asText())), "the drill's scratch copy is removed");

        // a row deleted from the copy, its SHA-256 recorded again: only the row counts can tell
        Path copy = dir.resolve(SqliteFilesTestResource.LITE);
        SqliteFilesTestResource.execute(copy, "DELETE FROM seed");
        try (Connection c = postgres.connect("autopilot_state");
             PreparedStatement ps = c.prepareStatement("UPDATE automation.backup SET checksum = ? WHERE backup_id = ?")) {
            ps.setString(1, StoredFiles.sha256(dir));
            ps.setObject(2, UUID.fromString(backup.getString("backup_id")));
            assertEquals(1, ps.executeUpdate());
        }
        String verifyOp = given().header("X-API-Key", OPERATOR).post("/api/backups/" + backup.getString("backup_id")
                + "/verify").then().statusCode(202).extract().path("id");
        events.until(UUID.fromString(verifyOp), "failed");
        JsonPath corrupt = given().header("X-API-Key", OPERATOR).get("/api/backups/" + backup.getString("backup_id"))
                .then().statusCode(200).extract().jsonPath();
        assertEquals("corrupt", corrupt.getString("status"));
        assertTrue(corrupt.getString("verification").contains("row counts differ for 1 of")
                && corrupt.getString("verification").contains("seed (source 1, copy 0)"), corrupt.getString("verification"));
    }

    @Test
    void aStaleBackupAnomalyTakesAVerifiedCopy() throws Exception {
        UUID op = operationFor(publish("lite", "sqlite_backup_stale", null));
        String id = last(op, "succeeded").path("details").path("effect").path("backup_id").asText();
        given().header("X-API-Key", OPERATOR).get("/api/backups/" + id).then().statusCode(200)
                .body("status", equalTo("completed"))
                .body("engine", equalTo("sqlite_vacuum_into"))
                .body("verification", containsString("integrity_check ok"));
    }

    @Test
    void aFlywayMigrationIsAppliedAfterAVerifiedPreMigrationBackup() throws Exception {
        Path mig = Path.of(directory, SqliteFilesTestResource.MIGRATED);
        Files.writeString(Path.of(directory, "migrations", "V1__notes.sql"),
                "CREATE TABLE notes (id integer PRIMARY KEY, body text);\nCREATE INDEX notes_body ON notes (body);\n");
        Files.writeString(Path.of(directory, "migrations", "U1__notes.sql"),
                "-- undo of V1\nDROP INDEX notes_body;\nDROP TABLE notes;\n");
        given().header("X-API-Key", VIEWER).get("/api/migrations/lite-mig/validate").then().statusCode(200)
                .body("valid", equalTo(true));
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body("{}")
                .post("/api/migrations/lite-mig/dry-run").then().statusCode(200)
                .body("migrations.version", equalTo(List.of("1")));
        String id = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body("{\"mode\": \"auto\"}")
                .post("/api/migrations/lite-mig/apply").then().statusCode(202).extract().path("id");
        JsonNode effect = last(UUID.fromString(id), "succeeded").path("details").path("effect");
        assertEquals("1", effect.path("to_version").asText(), effect.toString());
        JsonNode backup = effect.path("backup");
        assertEquals("sqlite_vacuum_into", backup.path("method").asText(), effect.toString());
        assertTrue(backup.path("verification").asText().contains("integrity_check ok"), backup.toString());
        String firstBackup = backup.path("backup_id").asText();
        Path firstLocation = Path.of(given().header("X-API-Key", OPERATOR).get("/api/backups/" + firstBackup).then()
                .statusCode(200).body("status", equalTo("completed")).extract().<String>path("location"));
        assertTrue(Files.isDirectory(firstLocation), "the copy is stored: " + firstLocation);
        assertEquals(2L, value(mig, "SELECT count(*) FROM pragma_table_info('notes')"));
        assertEquals(1L, value(mig, "SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND success"));
        given().header("X-API-Key", VIEWER).get("/api/databases").then().statusCode(200)
                .body("find { it.id == 'lite-mig' }.schema_version", equalTo("1"));
        // undo with its U1 script, after a backup of its own: the table and its index are gone, the history says so,
        // and V1 is pending again (applied once more: the round trip)
        String undo = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body("{\"mode\": \"auto\"}")
                .post("/api/migrations/lite-mig/undo").then().statusCode(202).extract().path("id");
        JsonNode undone = last(UUID.fromString(undo), "succeeded").path("details").path("effect");
        assertEquals(1, undone.path("undone").size(), undone.toString());
        assertEquals("sqlite_vacuum_into", undone.path("backup").path("method").asText(), undone.toString());
        assertEquals(0L, value(mig, "SELECT count(*) FROM sqlite_schema WHERE name IN ('notes', 'notes_body')"));
        assertEquals(1L, value(mig, "SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND type = 'DELETE'"));
        String again = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body("{\"mode\": \"auto\"}")
                .post("/api/migrations/lite-mig/apply").then().statusCode(202).extract().path("id");
        assertEquals("1", last(UUID.fromString(again), "succeeded").path("details").path("effect").path("to_version")
                .asText());
        assertEquals(2L, value(mig, "SELECT count(*) FROM pragma_table_info('notes')"), "V1 applied again");
        // retention (retention-full 2 by default): the third copy of lite-mig (before the apply, the undo, the apply
        // again) expired the first in the catalog and removed it from disk
        given().header("X-API-Key", OPERATOR).get("/api/backups/" + firstBackup).then().statusCode(200)
                .body("status", equalTo("expired"));
        assertFalse(Files.exists(firstLocation), "the expired copy is removed: " + firstLocation);
    }

    // --- helpers ---

    private JsonPath backup(Map<String, Object> body) throws Exception {
        String response = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body(body)
                .post("/api/backups").then().statusCode(202).extract().asString();
        UUID op = UUID.fromString(JsonPath.from(response).getString("id"));
        JsonNode done = last(op, "succeeded");
        String id = done.path("details").path("effect").path("backup_id").asText();
        return given().header("X-API-Key", OPERATOR).get("/api/backups/" + id).then().statusCode(200).extract().jsonPath();
    }

    private String publish(String target, String rule, String object) throws Exception {
        String eventId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        AnomalyEvent event = new AnomalyEvent(rule + ":" + target + ":" + eventId, target, rule, object,
                Severity.WARNING, AnomalyState.OPENED, 1, now, now, Map.of("value", 1.0), "investigate", rule);
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
        await().atMost(Duration.ofSeconds(60)).until(() -> operationId(eventId) != null);
        return operationId(eventId);
    }

    private UUID operationId(String eventId) throws SQLException {
        try (Connection c = postgres.connect("autopilot_state");
             PreparedStatement ps = c.prepareStatement("SELECT id FROM automation.operation WHERE triggering_event_id = ?")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, UUID.class) : null;
            }
        }
    }

    /** The last event of {@code state} of an operation on autopilot.operations.v1. */
    private JsonNode last(UUID op, String state) throws Exception {
        List<JsonNode> mine = events.until(op, state);
        return mine.stream().filter(e -> e.path("state").asText().equals(state)).reduce((a, b) -> b).orElseThrow();
    }

    private static long pragma(Path file, String name) throws SQLException {
        return value(file, "PRAGMA " + name);
    }

    private static long value(Path file, String sql) throws SQLException {
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
