package io.dbautopilot.automation.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backup triggers and schedules not covered elsewhere, on real clusters: WAL written past
 * {@code wal-trigger-bytes} requests a backup whose reason and parameters name the bytes; the {@code schedule-drill}
 * cron runs drills that publish {@code rto_ms}; and a running backup cancelled through the operations API ends
 * cancelled (its backup failed, never completed, partial files removed) and frees the database for the next one.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = BackupTestResource.class, initArgs = {
        @ResourceArg(name = "archiving", value = "true"),
        @ResourceArg(name = "autopilot.backup.check-interval", value = "2s"),
        @ResourceArg(name = "autopilot.backup.databases.vault.wal-trigger-bytes", value = "16777216"),
        @ResourceArg(name = "autopilot.backup.databases.vault.schedule-drill", value = "0/15 * * * * ?")})
class BackupTriggersTest {

    static final String OPERATOR = BackupEnginesTest.OPERATOR;
    static final String VIEWER = BackupEnginesTest.VIEWER;
    static final long WAL_TRIGGER = 16777216;

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    @Test
    void walVolumeTriggersABackupAndTheDrillScheduleRunsDrills() throws Exception {
        var pg = BackupTestResource.archiving;
        pg.execute("vault", "CREATE TABLE filler (id int, v text)");
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            UUID first = BackupEnginesTest.request("{\"database\":\"vault\",\"engine\":\"pg_basebackup\"}");
            List<JsonNode> done = events.until(first, "succeeded");
            String base = done.get(done.size() - 1).path("details").path("effect").path("backup_id").asText();

            // the drill schedule (every 15 s) restores the newest physical backup, checks it and publishes its RTO
            JsonNode drill = events.first(e -> e.path("type").asText().equals("restore_drill")
                    && e.path("state").asText().equals("succeeded")
                    && e.path("details").path("requested_by").asText().equals("schedule"));
            JsonNode effect = drill.path("details").path("effect");
            assertEquals(base, effect.path("backup_id").asText(), drill.toString());
            assertTrue(effect.path("rto_ms").asLong() > 0, drill.toString());
            assertTrue(effect.path("checks").path("database_opens").asBoolean(), drill.toString());

            // ~40 MB of WAL since the backup's stop LSN (threshold 16 MiB) → a backup requested by the WAL check
            pg.execute("vault", "INSERT INTO filler SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 150000) g");
            JsonNode requested = events.first(e -> e.path("type").asText().equals("backup")
                    && e.path("state").asText().equals("requested")
                    && e.path("details").path("requested_by").asText().equals("wal-check"));
            JsonNode parameters = requested.path("details").path("parameters");
            assertEquals("wal_volume", parameters.path("trigger").asText(), requested.toString());
            long written = parameters.path("wal_bytes").asLong();
            assertTrue(written > WAL_TRIGGER, requested.toString());
            assertEquals(WAL_TRIGGER, parameters.path("wal_trigger_bytes").asLong());
            assertTrue(requested.path("reason").asText().contains("is " + written + " bytes (wal-trigger-bytes "
                    + WAL_TRIGGER + ")"), requested.path("reason").asText());
            UUID walOp = UUID.fromString(requested.path("operation_id").asText());
            List<JsonNode> walDone = events.until(walOp, "succeeded");
            String walBackup = walDone.get(walDone.size() - 1).path("details").path("effect").path("backup_id").asText();
            given().header("X-API-Key", VIEWER).when().get("/api/backups/" + walBackup).then().statusCode(200)
                    .body("status", equalTo("completed"));
        }
    }

    @Test
    void cancellingARunningBackupFailsItRemovesItsFilesAndFreesTheDatabase() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE IF NOT EXISTS public.cancel_lock (id int)");
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers());
             Connection lock = postgres.connect("demo_target")) {
            // pg_dump waits for its ACCESS SHARE lock behind our ACCESS EXCLUSIVE one: a backup that keeps running
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("LOCK TABLE public.cancel_lock IN ACCESS EXCLUSIVE MODE");
            }
            UUID op = BackupEnginesTest.request("{\"database\":\"demo\",\"engine\":\"pg_dump\",\"reason\":\"cancel test\"}");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                    waitingDumps() > 0);
            JsonPath running = given().header("X-API-Key", VIEWER).when().get("/api/backups?database=demo&status=running")
                    .then().statusCode(200).extract().jsonPath();
            String backupId = running.getString("find { it.operation_id == '" + op + "' }.backup_id");
            String location = running.getString("find { it.operation_id == '" + op + "' }.location");
            assertTrue(Files.isDirectory(Path.of(location)), "the dump is being written to " + location);

            given().header("X-API-Key", OPERATOR).when().post("/api/operations/" + op + "/cancel").then().statusCode(202);
            List<JsonNode> seen = events.until(op, "cancelled");
            assertFalse(seen.stream().anyMatch(e -> e.path("state").asText().equals("succeeded")), seen.toString());
            JsonPath b = given().header("X-API-Key", VIEWER).when().get("/api/backups/" + backupId).then().statusCode(200)
                    .extract().jsonPath();
            assertEquals("failed", b.getString("status"), b.prettify());
            assertFalse(Files.exists(Path.of(location)), "partial dump removed: " + location);
            await().atMost(Duration.ofSeconds(30)).until(() -> waitingDumps() == 0);
            lock.rollback();

            // the database's heavy slot is free again: the next backup runs and completes
            UUID next = BackupEnginesTest.request("{\"database\":\"demo\",\"engine\":\"pg_dump\",\"reason\":\"after cancel\"}");
            List<JsonNode> done = events.until(next, "succeeded");
            String nextId = done.get(done.size() - 1).path("details").path("effect").path("backup_id").asText();
            assertNotEquals(backupId, nextId);
            given().header("X-API-Key", VIEWER).when().get("/api/backups/" + nextId).then().body("status", equalTo("completed"));
        }
    }

    /** pg_dump sessions waiting for a lock on the demo cluster. */
    private long waitingDumps() throws Exception {
        try (Connection c = postgres.connect("demo_target"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name IN ('pg_dump', '"
                     + io.dbautopilot.automation.backup.engine.BackupTarget.TOOL_APPLICATION_NAME + "') "
                     + "AND wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
