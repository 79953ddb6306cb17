package io.dbautopilot.automation.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.automation.backup.OperationEvents;
import io.dbautopilot.automation.backup.engine.BackupTarget;
import io.dbautopilot.automation.backup.engine.MariaDbBackupEngine;
import io.dbautopilot.automation.backup.engine.StoredFiles;
import io.dbautopilot.automation.backup.engine.TableChecksums;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.mariadb.MariaDbServer;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.MariaDbTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.Engine;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backups of a real MariaDB target through the backup capability, with the real broker: mariadb-backup full +
 * incremental each restored into a scratch server with equal {@code CHECKSUM TABLE}s (and a restore of the chain with
 * its RTO), a flipped byte in the full's files detected as corrupt (verifying the full and the incremental built on it),
 * a mariadb-dump backup restored likewise, a flipped byte and a changed row in a dump detected as corrupt
 * (catalog and event), the engines listed as available, mismatched engines refused, the same-host rule of
 * mariadb-backup, and the password never in an event.
 */
@QuarkusTest
@TestProfile(MySqlTestProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(MariaDbTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlBackupTest {

    private static final String OPERATOR = "operator-secret-1";

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    MariaDbServer maria;

    private OperationEvents events;

    @BeforeAll
    void open() throws Exception {
        events = new OperationEvents(kafka.bootstrapServers());
        mariaExecute(
                "CREATE TABLE bk_items (id int PRIMARY KEY, name varchar(40), payload blob) ENGINE=InnoDB",
                "INSERT INTO bk_items SELECT seq, CONCAT('widget-', seq), RANDOM_BYTES(64) FROM seq_1_to_2000",
                "CREATE TABLE bk_notes (id int PRIMARY KEY, body text) ENGINE=Aria",
                "INSERT INTO bk_notes SELECT seq, REPEAT('note ', seq % 20) FROM seq_1_to_300");
    }

    @AfterAll
    void close() {
        events.close();
    }

    @Test
    void physicalFullAndIncrementalRestoreWithEqualChecksums() throws Exception {
        JsonPath full = backup(Map.of("database", "maria", "type", "full", "engine", "mariadb_backup"));
        assertEquals("full", full.getString("backup_type"));
        assertEquals("completed", full.getString("status"), full.prettify());
        assertTrue(full.getString("verification").contains("CHECKSUM TABLE equal for"), full.getString("verification"));

        mariaExecute("UPDATE bk_items SET name = CONCAT(name, '-v2') WHERE id % 7 = 0",
                "INSERT INTO bk_items SELECT seq, 'late', NULL FROM seq_2001_to_2500", "DELETE FROM bk_notes WHERE id < 50");
        JsonPath inc = backup(Map.of("database", "maria", "type", "incremental", "engine", "mariadb_backup"));
        assertEquals("incremental", inc.getString("backup_type"));
        assertEquals(full.getString("backup_id"), inc.getString("parent_id"), "the incremental builds on the full");
        assertEquals("completed", inc.getString("status"), inc.prettify());
        assertTrue(inc.getString("verification").contains("CHECKSUM TABLE equal for"), inc.getString("verification"));

        TableChecksums.Recorded atFull = TableChecksums.read(Path.of(full.getString("location")));
        TableChecksums.Recorded atInc = TableChecksums.read(Path.of(inc.getString("location")));
        assertNotEquals(atFull.tables().get("bk_items"), atInc.tables().get("bk_items"),
                "the incremental's restore must carry the changes made after the full");
        assertEquals(List.of(), atInc.changedDuringBackup(), "nothing wrote during the backup");

        // a restore of the chain (full, then incremental, prepared) with its RTO, published on the broker
        String body = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("backup_id", inc.getString("backup_id")))
                .post("/api/restores").then().statusCode(202).extract().asString();
        UUID op = UUID.fromString(JsonPath.from(body).getString("operation_id"));
        JsonNode done = last(events.until(op, "succeeded"), "succeeded");
        JsonNode effect = done.path("details").path("effect");
        assertTrue(effect.path("rto_ms").asLong() > 0, effect.toString());
        assertTrue(effect.path("checks").path("checksums_equal").asBoolean(), effect.toString());
        assertEquals(2, effect.path("checks").path("chain_length").asInt(), effect.toString());
        assertEquals(atInc.tables().size(), effect.path("checks").path("tables_compared").asInt());

        // refused before anything runs: a port, a data directory, keep_running for a scratch restore
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("backup_id", inc.getString("backup_id"), "keep_running", true))
                .post("/api/restores").then().statusCode(400).body("detail", containsString("keep_running"));

        // a corrupted physical backup: one flipped byte in the full's largest data file (the InnoDB data). Verifying
        // the incremental checks its whole chain: the full it builds on is found changed and both are unusable
        Path ibd;
        try (var files = Files.walk(Path.of(full.getString("location")).resolve("data"))) {
            ibd = files.filter(Files::isRegularFile).max(java.util.Comparator.comparingLong(f -> f.toFile().length()))
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(ibd);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(ibd, bytes);
        JsonPath corruptInc = verify(inc.getString("backup_id"));
        assertEquals("corrupt", corruptInc.getString("status"));
        assertTrue(corruptInc.getString("verification").contains("checksum mismatch: the files of backup "
                + full.getString("backup_id") + " changed"), corruptInc.getString("verification"));
        JsonPath corruptFull = verify(full.getString("backup_id"));
        assertEquals("corrupt", corruptFull.getString("status"));
        assertTrue(corruptFull.getString("verification").contains("checksum mismatch"),
                corruptFull.getString("verification"));
    }

    @Test
    void logicalBackupRestoresAndCorruptionIsDetected() throws Exception {
        JsonPath dump = backup(Map.of("database", "maria", "engine", "mariadb_dump"));
        assertEquals("logical", dump.getString("backup_type"));
        assertEquals("completed", dump.getString("status"), dump.prettify());
        assertTrue(dump.getString("verification").contains("CHECKSUM TABLE equal for"), dump.getString("verification"));
        Path dir = Path.of(dump.getString("location"));
        Path file;
        try (var files = Files.list(dir)) {
            file = files.filter(p -> p.toString().endsWith(".sql")).findFirst().orElseThrow();
        }
        String original = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(original.contains("widget-1"), "a plain SQL dump");

        // 1. one flipped byte: the files' SHA-256 no longer matches
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
        JsonPath flipped = verify(dump.getString("backup_id"));
        assertEquals("corrupt", flipped.getString("status"));
        assertTrue(flipped.getString("verification").contains("checksum mismatch"), flipped.getString("verification"));

        // 2. a changed row with the recorded SHA-256 updated too: only the restore's CHECKSUM TABLE can tell
        Files.writeString(file, original.replace("'widget-1'", "'widgex-1'"), StandardCharsets.UTF_8);
        try (Connection c = postgres.connect("autopilot_state");
             PreparedStatement ps = c.prepareStatement("UPDATE automation.backup SET checksum = ? WHERE backup_id = ?")) {
            ps.setString(1, StoredFiles.sha256(dir));
            ps.setObject(2, UUID.fromString(dump.getString("backup_id")));
            assertEquals(1, ps.executeUpdate());
        }
        JsonPath changed = verify(dump.getString("backup_id"));
        assertEquals("corrupt", changed.getString("status"));
        assertTrue(changed.getString("verification").contains("CHECKSUM TABLE differs for 1 of"),
                changed.getString("verification"));
        assertTrue(changed.getString("verification").contains("bk_items"), changed.getString("verification"));
    }

    @Test
    void enginesAreListedAndMismatchesRefused() throws Exception {
        JsonPath engines = given().header("X-API-Key", OPERATOR).get("/api/backups/engines").then().statusCode(200)
                .extract().jsonPath();
        for (String engine : List.of("mariadb_dump", "mariadb_backup")) {
            Map<String, Object> e = engines.getMap("find { it.engine == '" + engine + "' }");
            assertEquals(true, e.get("available"), e.toString());
            assertTrue(((List<?>) e.get("database_engines")).containsAll(List.of("mysql", "mariadb")), e.toString());
        }
        assertTrue(engines.getList("findAll { it.engine == null }").isEmpty(), "every database engine is served");
        assertEquals("available", given().header("X-API-Key", OPERATOR).get("/api/databases").then().statusCode(200)
                .extract().jsonPath().getString("find { it.id == 'maria' }.capabilities.backups"));

        post(Map.of("database", "maria", "engine", "pg_dump")).then().statusCode(400)
                .body("detail", containsString("pg_dump does not back up mariadb"));
        post(Map.of("database", "demo", "engine", "mariadb_dump")).then().statusCode(400)
                .body("detail", containsString("mariadb_dump does not back up postgresql"));
        post(Map.of("database", "maria", "type", "logical", "engine", "mariadb_backup")).then().statusCode(400)
                .body("detail", containsString("mariadb_backup: full, incremental"));

        // mariadb-backup copies the data directory: another host, or a directory that is not here, is refused
        BackupTarget remote = target("192.0.2.10", "/var/lib/mysql");
        assertTrue(MariaDbBackupEngine.sameHost(remote).orElseThrow().contains("runs on 192.0.2.10, not on this host"));
        BackupTarget elsewhere = target("127.0.0.1", "/nonexistent/mysql");
        assertTrue(MariaDbBackupEngine.sameHost(elsewhere).orElseThrow().contains("datadir /nonexistent/mysql"));
        assertFalse(MariaDbBackupEngine.sameHost(target("127.0.0.1", System.getProperty("java.io.tmpdir"))).isPresent());

    }

    @Test
    void theCanarySkipsAMySqlTargetSayingWhy() throws Exception {
        // maria-down has canary=on; the scheduler (every 10 s) records a skipped run instead of failing to plant
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> canaryRun() != null);
        String[] run = canaryRun();
        assertEquals("skipped", run[0], run[1]);
        assertTrue(run[1].contains("unavailable: the canary plants dead tuples") && run[1].contains("engine mysql"), run[1]);
    }

    private String[] canaryRun() throws Exception {
        try (Connection c = postgres.connect("autopilot_state");
             PreparedStatement ps = c.prepareStatement("SELECT status, reason FROM automation.canary_run "
                     + "WHERE target_id = 'maria-down' ORDER BY started_at LIMIT 1");
             var rs = ps.executeQuery()) {
            return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
        }
    }

    private void mariaExecute(String... statements) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(maria.jdbcUrl(), maria.user(), maria.password());
             java.sql.Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private BackupTarget target(String host, String datadir) {
        return new BackupTarget("x", host, 3306, "db", Optional.of("u"), Optional.of("p"), 101100, datadir, null, null,
                null, Path.of("/nonexistent"), Optional.empty(), "x", Optional.empty(), false, 1, Optional.empty(),
                () -> null, Map.of(), Engine.MARIADB);
    }

    private io.restassured.response.Response post(Map<String, Object> body) {
        return given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body(body).post("/api/backups");
    }

    /** Requests a backup, waits for its operation to end, returns the catalog record. */
    private JsonPath backup(Map<String, Object> body) throws Exception {
        String response = post(body).then().statusCode(202).extract().asString();
        UUID op = UUID.fromString(JsonPath.from(response).getString("id"));
        List<JsonNode> mine = events.until(op, "succeeded");
        JsonNode done = last(mine, "succeeded");
        assertFalse(mine.toString().contains(maria.password()), "the password is never in an event");
        String id = done.path("details").path("effect").path("backup_id").asText();
        return given().header("X-API-Key", OPERATOR).get("/api/backups/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Verifies a stored backup again; expects the operation to fail (corrupt) and returns the catalog record. */
    private JsonPath verify(String backupId) throws Exception {
        String response = given().header("X-API-Key", OPERATOR).post("/api/backups/" + backupId + "/verify").then()
                .statusCode(202).extract().asString();
        UUID op = UUID.fromString(JsonPath.from(response).getString("id"));
        JsonNode failed = last(events.until(op, "failed"), "failed");
        assertEquals("corrupt", failed.path("details").path("effect").path("backup_status").asText(), failed.toString());
        return given().header("X-API-Key", OPERATOR).get("/api/backups/" + backupId).then().statusCode(200)
                .extract().jsonPath();
    }

    private static JsonNode last(List<JsonNode> events, String state) {
        JsonNode found = null;
        for (JsonNode e : events) {
            if (e.path("state").asText().equals(state)) {
                found = e;
            }
        }
        assertTrue(found != null, "no " + state + " event among " + events);
        return found;
    }
}
