package io.dbautopilot.automation.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pg_dump and pg_basebackup backups of a real cluster through the operation engine and the API: catalog rows,
 * progress events from the tools' output, verification, a flipped byte detected as corrupt, the pre-migration
 * Java API, and errors for what cannot work (archive_mode off for pgBackRest, incremental on PostgreSQL 15).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = BackupTestResource.class, initArgs = @io.quarkus.test.common.ResourceArg(name = "triggers", value = "true"))
public class BackupEnginesTest {

    public static final String OPERATOR = "operator-secret-1";
    public static final String VIEWER = "viewer-secret-1";

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    BackupService backups;

    @Test
    void enginesAndTheirToolsAreListed() {
        given().header("X-API-Key", VIEWER).when().get("/api/backups/engines").then().statusCode(200)
                .body("engine", hasItems("pgbackrest", "pg_basebackup", "pg_dump"))
                .body("find { it.engine == 'pg_dump' }.available", equalTo(true))
                .body("find { it.engine == 'pgbackrest' }.version", containsString("pgBackRest"))
                .body("find { it.engine == 'pg_dump' }.database_engines", equalTo(List.of("postgresql")))
                .body("find { it.engine == 'mariadb_dump' }.database_engines", equalTo(List.of("mysql", "mariadb")))
                .body("find { it.engine == 'mariadb_backup' }.database_engines", equalTo(List.of("mysql", "mariadb")));
    }

    @Test
    void logicalBackupWithPgDumpIsTakenVerifiedAndShownAsLastBackup() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE IF NOT EXISTS public.dumped (id int PRIMARY KEY, v text)",
                "INSERT INTO public.dumped SELECT g, md5(g::text) FROM generate_series(1, 5000) g ON CONFLICT DO NOTHING");
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            UUID op = request("{\"database\":\"demo\",\"engine\":\"pg_dump\",\"reason\":\"test\"}");
            List<JsonNode> seen = events.until(op, "succeeded");
            JsonNode done = seen.get(seen.size() - 1);
            String backupId = done.path("details").path("effect").path("backup_id").asText();
            assertEquals("completed", done.path("details").path("effect").path("backup_status").asText());
            assertTrue(seen.stream().anyMatch(e -> e.path("state").asText().equals("progress")
                    && e.path("details").path("backup_id").asText().equals(backupId)
                    && e.path("progress").isNumber()), "a progress event with the backup id and a fraction: " + seen);
            JsonPath b = given().header("X-API-Key", VIEWER).when().get("/api/backups/" + backupId).then()
                    .statusCode(200).extract().jsonPath();
            assertEquals("logical", b.getString("backup_type"));
            assertEquals("pg_dump", b.getString("engine"));
            assertEquals("completed", b.getString("status"));
            assertEquals("demo_target", b.getString("database_name"));
            assertTrue(b.getString("checksum").startsWith("sha256:"));
            assertTrue(b.getString("verification").contains("pg_restore --list"), b.getString("verification"));
            assertTrue(b.getLong("size_bytes") > 0);
            assertNotNull(b.getString("completed_at"));
            Path dump = Files.list(Path.of(b.getString("location"))).findFirst().orElseThrow();
            assertTrue(Files.size(dump) > 1000, "the dump holds the data");
            assertPrivate(Path.of(b.getString("location")));
            given().header("X-API-Key", VIEWER).when().get("/api/backups?database=demo&type=logical&status=completed")
                    .then().statusCode(200).body("backup_id", hasItems(backupId));
            given().header("X-API-Key", VIEWER).when().get("/api/databases").then().statusCode(200)
                    .body("find { it.id == 'demo' }.last_backup", org.hamcrest.Matchers.notNullValue());
        }
    }

    @Test
    void withoutAnEngineTheBackupUsesTheFirstThatFitsTheTargetAndSaysWhy() throws Exception {
        // 'careful' configures no engine; its cluster runs with archive_mode = off, so pgBackRest (installed or not)
        // is passed over with the reason and pg_basebackup takes the backup
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            UUID op = request("{\"database\":\"careful\",\"reason\":\"no engine named\"}");
            List<JsonNode> seen = events.until(op, "succeeded");
            JsonNode chose = seen.stream().filter(e -> e.path("details").has("engine_choice")).findFirst()
                    .orElseThrow(() -> new AssertionError("no progress event says which engine: " + seen));
            assertEquals("pg_basebackup", chose.path("details").path("engine").asText(), chose.toString());
            assertTrue(chose.path("details").path("engine_choice").asText().contains("pgbackrest: "),
                    chose.toString());
            assertTrue(chose.path("reason").asText().contains("pg_basebackup"), chose.toString());
            String backupId = seen.get(seen.size() - 1).path("details").path("effect").path("backup_id").asText();
            JsonPath b = given().header("X-API-Key", VIEWER).when().get("/api/backups/" + backupId).then()
                    .statusCode(200).extract().jsonPath();
            assertEquals("pg_basebackup", b.getString("engine"));
            assertEquals("full", b.getString("backup_type"));
            assertEquals("completed", b.getString("status"));
        }
    }

    @Test
    void theOverviewShowsTheLastBackupTheNextScheduledRunsAndTheRpo() throws Exception {
        // demo: a logical backup scheduled every 20 s; patient: an RPO of 30 s (BackupTestResource, triggers=true)
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            UUID op = request("{\"database\":\"demo\",\"engine\":\"pg_dump\"}");
            events.until(op, "succeeded");
        }
        java.time.Instant now = java.time.Instant.now();
        JsonPath demo = given().header("X-API-Key", VIEWER).when().get("/api/backups/overview?database=demo").then()
                .statusCode(200).body("size()", equalTo(1)).extract().jsonPath();
        assertEquals("demo", demo.getString("[0].database"));
        String newest = given().header("X-API-Key", VIEWER).when()
                .get("/api/backups?database=demo&status=completed").then().statusCode(200).extract().path("[0].backup_id");
        assertEquals(newest, demo.getString("[0].last_backup.backup_id"));
        assertTrue(demo.getLong("[0].last_backup_age_seconds") >= 0, demo.prettify());
        assertEquals("logical", demo.getString("[0].schedules[0].kind"));
        assertEquals("0/20 * * * * ?", demo.getString("[0].schedules[0].cron"));
        java.time.Instant next = java.time.Instant.parse(demo.getString("[0].next_backup_at"));
        assertTrue(!next.isBefore(now.minusSeconds(1)) && next.isBefore(now.plusSeconds(21)),
                "the next run of a 20-s schedule: " + next + " (now " + now + ")");
        given().header("X-API-Key", VIEWER).when().get("/api/backups/overview").then().statusCode(200)
                .body("find { it.database == 'patient' }.rpo_seconds", equalTo(30));
        given().header("X-API-Key", VIEWER).when().get("/api/backups/overview?database=nope").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("'nope'"));
        given().when().get("/api/backups/overview").then().statusCode(401);
    }

    @Test
    void flippedByteInABaseBackupIsDetectedAsCorrupt() throws Exception {
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            UUID op = request("{\"database\":\"demo\",\"engine\":\"pg_basebackup\",\"type\":\"full\"}");
            List<JsonNode> seen = events.until(op, "succeeded");
            String backupId = seen.get(seen.size() - 1).path("details").path("effect").path("backup_id").asText();
            JsonPath b = given().header("X-API-Key", VIEWER).when().get("/api/backups/" + backupId).then()
                    .statusCode(200).body("status", equalTo("completed")).body("backup_type", equalTo("full"))
                    .extract().jsonPath();
            assertTrue(b.getString("verification").contains("pg_verifybackup"), b.getString("verification"));
            assertNotNull(b.getString("lsn_start"));
            assertTrue(seen.stream().anyMatch(e -> e.path("state").asText().equals("progress")), "progress from pg_basebackup");

            assertPrivate(Path.of(b.getString("location")));
            // a clean re-verification succeeds
            UUID verify = verifyRequest(backupId);
            events.until(verify, "succeeded");

            Path tar = Path.of(b.getString("location")).resolve("base.tar.gz");
            flipByte(tar, Files.size(tar) / 2);
            UUID verify2 = verifyRequest(backupId);
            List<JsonNode> failed = events.until(verify2, "failed");
            assertTrue(failed.get(failed.size() - 1).path("reason").asText().contains("corrupt"), failed.toString());
            given().header("X-API-Key", VIEWER).when().get("/api/backups/" + backupId).then().statusCode(200)
                    .body("status", equalTo("corrupt")).body("error", containsString("checksum mismatch"));
            given().header("X-API-Key", VIEWER).when().get("/api/backups?status=corrupt").then().statusCode(200)
                    .body("backup_id", hasItems(backupId));
        }
    }

    @Test
    void preMigrationJavaApiReturnsTheCompletedRecord() {
        Backup b = backups.backupNow("demo", BackupType.LOGICAL, EngineKind.PG_DUMP, "before migration V7");
        assertEquals(BackupStatus.COMPLETED, b.status());
        assertEquals("before migration V7", b.reason());
        assertNotNull(b.verifiedAt());
        BackupService.BackupException e = assertThrows(BackupService.BackupException.class,
                () -> backups.backupNow("demo", BackupType.FULL, EngineKind.PGBACKREST, "needs archiving"));
        assertTrue(e.getMessage().contains("archive_mode is off"), e.getMessage());
        assertTrue(e.getMessage().contains("ALTER SYSTEM SET archive_mode = on"), e.getMessage());
    }

    @Test
    void whatCannotWorkIsRefusedSayingWhy() {
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"engine\":\"pg_basebackup\",\"type\":\"differential\"}")
                .when().post("/api/backups").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("engine pg_basebackup cannot take differential"));
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"nowhere\"}").when().post("/api/backups").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("'nowhere' is not a managed database"));
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"type\":\"weekly\"}").when().post("/api/backups").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("field 'type'"));
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\",\"engine\":\"barman\"}").when().post("/api/backups").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("field 'engine'"));
        given().header("X-API-Key", VIEWER).contentType(ContentType.JSON)
                .body("{\"database\":\"demo\"}").when().post("/api/backups").then().statusCode(403);
        given().header("X-API-Key", VIEWER).when().get("/api/backups/not-a-uuid").then().statusCode(400)
                .contentType("application/problem+json");
        given().header("X-API-Key", VIEWER).when().get("/api/backups/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        given().header("X-API-Key", VIEWER).when().get("/api/backups?status=lost").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("query parameter 'status'"));
        // incremental pg_basebackup needs PostgreSQL 17: the operation fails saying so
        UUID op = request("{\"database\":\"demo\",\"engine\":\"pg_basebackup\",\"type\":\"incremental\"}");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().header("X-API-Key", VIEWER)
                .when().get("/api/operations/" + op).then().body("status", equalTo("failed"))
                .body("error", containsString("PostgreSQL 17")));
    }

    @Test
    void staleAnomalyRpoBreachAndCronScheduleEachRunABackup() throws Exception {
        String eventId = "backup-stale-" + UUID.randomUUID();
        java.time.Instant now = java.time.Instant.now();
        io.dbautopilot.model.AnomalyEvent anomaly = new io.dbautopilot.model.AnomalyEvent("backup_stale:demo:" + eventId,
                "demo", "backup_stale", null, io.dbautopilot.model.Severity.WARNING,
                io.dbautopilot.model.AnomalyState.OPENED, 1, now, now, java.util.Map.of("value", 90000.0), "backup",
                "no successful backup for 25 h");
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(java.util.Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class,
                "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class))) {
            var record = new org.apache.kafka.clients.producer.ProducerRecord<>(io.dbautopilot.model.Topics.ANOMALIES,
                    "demo", io.dbautopilot.model.EventJson.newMapper().writeValueAsString(anomaly));
            java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
            record.headers().add("ce_specversion", "1.0".getBytes(utf8));
            record.headers().add("ce_id", eventId.getBytes(utf8));
            record.headers().add("ce_type", io.dbautopilot.model.EventTypes.ANOMALY_OPENED.getBytes(utf8));
            record.headers().add("ce_source", io.dbautopilot.model.EventSources.PERFORMANCE_SERVICE.getBytes(utf8));
            record.headers().add("ce_subject", "demo".getBytes(utf8));
            producer.send(record).get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            given().header("X-API-Key", VIEWER).when().get("/api/operations?database=demo&type=backup&limit=1000")
                    .then().statusCode(200)
                    .body("find { it.triggering_event_id == '" + eventId + "' }.status", equalTo("succeeded"))
                    .body("find { it.triggering_event_id == '" + eventId + "' }.rule", equalTo("backup-stale"))
                    .body("find { it.requested_by == 'schedule' }.type", equalTo("backup"));
            given().header("X-API-Key", VIEWER).when().get("/api/operations?database=patient&type=backup&limit=1000")
                    .then().statusCode(200).body("find { it.requested_by == 'rpo-check' }.type", equalTo("backup"));
        });
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            JsonNode rpo = events.first(e -> e.path("state").asText().equals("requested")
                    && e.path("reason").asText().startsWith("RPO breached on patient: no completed backup"));
            assertEquals("backup", rpo.path("type").asText());
            assertEquals("rpo-check", rpo.path("details").path("requested_by").asText());
            // the breach is its own signal: filterable on details.parameters.trigger, no reason parsing
            assertEquals("rpo_breached", rpo.path("details").path("parameters").path("trigger").asText(), rpo.toString());
            assertEquals(30, rpo.path("details").path("parameters").path("rpo_seconds").asLong(), rpo.toString());
            assertTrue(rpo.path("details").path("parameters").path("backup_age_seconds").isMissingNode(), rpo.toString());
            // 30 s after that backup completed: breached again, with the backup's age
            JsonNode aged = events.first(e -> e.path("state").asText().equals("requested")
                    && e.path("reason").asText().startsWith("RPO breached on patient: the newest completed backup is"));
            assertTrue(aged.path("details").path("parameters").path("backup_age_seconds").asLong() > 30, aged.toString());
            events.first(e -> e.path("state").asText().equals("requested")
                    && e.path("reason").asText().startsWith("scheduled logical backup (schedule-logical 0/20 * * * * ?)"));
        }
    }

    public static UUID request(String body) {
        String id = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body(body)
                .when().post("/api/backups").then().statusCode(202).body("type", equalTo("backup"))
                .extract().path("id");
        return UUID.fromString(id);
    }

    public static UUID verifyRequest(String backupId) {
        String id = given().header("X-API-Key", OPERATOR).when().post("/api/backups/" + backupId + "/verify").then()
                .statusCode(202).body("type", equalTo("backup_verify")).extract().path("id");
        return UUID.fromString(id);
    }

    /**
     * A backup directory, its parents up to the backup root and every file in it are private (0700 / 0600) whatever
     * the JVM's umask (0022 in the test runs: the tools alone leave rw-r--r-- files and rwxr-xr-x directories).
     */
    static void assertPrivate(Path location) throws Exception {
        List<Path> all;
        try (var walk = Files.walk(location)) {
            all = walk.toList();
        }
        assertTrue(all.stream().anyMatch(Files::isRegularFile), "files in " + location);
        for (Path p : all) {
            assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------",
                    java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
        for (Path p : List.of(location.getParent(), location.getParent().getParent())) {
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(p)), p.toString());
        }
    }

    static void flipByte(Path file, long position) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, position);
            one.flip();
            byte b = one.get();
            one.clear();
            one.put((byte) (b ^ 0xFF));
            one.flip();
            ch.write(one, position);
        }
    }
}
