package io.dbautopilot.automation.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.automation.backup.restore.RestoreRequests;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pgBackRest end to end on a real cluster with archive_mode on: the service creates the stanza and sets
 * archive_command; full → rows added → incremental → rows changed → differential; each restored into a scratch
 * cluster on a free port whose data (pg_dump) equals what the database held at that point; a flipped byte in the
 * repository is found by verify; retention (2 fulls) expires the oldest chain whole; a drill publishes its RTO.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = BackupTestResource.class, initArgs = @ResourceArg(name = "archiving", value = "true"))
public class PgBackRestChainTest {

    static final String OPERATOR = BackupEnginesTest.OPERATOR;
    static final String VIEWER = BackupEnginesTest.VIEWER;

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    RestoreRequests restoreRequests;

    @Test
    void fullIncrementalDifferentialRestoreVerifyRetentionAndDrill() throws Exception {
        var pg = BackupTestResource.archiving;
        pg.execute("vault", "CREATE TABLE items (id int PRIMARY KEY, v text)",
                "INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
        Map<String, String> expected = new LinkedHashMap<>();
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            expected.put(backup(events, "full", "full", null), dump(pg.port()));

            pg.execute("vault", "INSERT INTO items SELECT g, 'second ' || g FROM generate_series(20001, 25000) g");
            String full = expected.keySet().iterator().next();
            String incr = backup(events, "incremental", "incremental", full);
            expected.put(incr, dump(pg.port()));

            pg.execute("vault", "UPDATE items SET v = 'changed' WHERE id % 7 = 0", "DELETE FROM items WHERE id % 11 = 0",
                    "INSERT INTO items SELECT g, 'third' FROM generate_series(25001, 26000) g");
            String diff = backup(events, "differential", "differential", full);
            expected.put(diff, dump(pg.port()));
            assertEquals(3, new java.util.HashSet<>(expected.values()).size(), "the three points differ");

            for (Map.Entry<String, String> e : expected.entrySet()) {
                String restoreId = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                        .body("{\"backup_id\":\"" + e.getKey() + "\",\"keep_running\":true}").when().post("/api/restores").then()
                        .statusCode(202).body("restore.status", equalTo("pending")).extract().path("restore.restore_id");
                JsonPath r = awaitRestore(restoreId);
                assertEquals("succeeded", r.getString("status"), r.prettify());
                assertTrue(r.getLong("rto_millis") > 0);
                int port = r.getInt("port");
                assertNotEquals(pg.port(), port, "restored on a new port");
                assertFalse(r.getString("data_directory").contains(pg.dataDirectory().toString()));
                assertEquals(e.getValue(), dump(port), "restored data of backup " + e.getKey() + " equals the source at that point");
                given().header("X-API-Key", OPERATOR).when().delete("/api/restores/" + restoreId).then().statusCode(200)
                        .body("status", equalTo("removed"));
                assertFalse(Files.exists(Path.of(r.getString("data_directory"))), "restore removed");
            }

            // a restore over the running target is refused
            given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                    .body("{\"backup_id\":\"" + full + "\",\"data_directory\":\"" + pg.dataDirectory() + "\",\"force\":true}")
                    .when().post("/api/restores").then().statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("never goes over a running target"));

            // drill of the latest backup: restored, checked, removed, RTO published
            UUID drillOp = restoreRequests.drill("vault", "test").orElseThrow().operation().id();
            List<JsonNode> drill = events.until(drillOp, "succeeded");
            JsonNode effect = drill.get(drill.size() - 1).path("details").path("effect");
            assertTrue(effect.path("rto_ms").asLong() > 0, effect.toString());
            assertEquals(true, effect.path("checks").path("database_opens").asBoolean());
            assertEquals(diff, effect.path("backup_id").asText());

            // flipped byte in the differential backup's repository files → verify marks it corrupt
            JsonPath d = given().header("X-API-Key", VIEWER).when().get("/api/backups/" + diff).then().extract().jsonPath();
            Path setDir = Path.of(d.getString("location"), "backup", "vault", d.getString("label"), "pg_data");
            Path victim;
            try (var files = Files.walk(setDir)) {
                victim = files.filter(p -> p.toString().endsWith(".zst")).filter(p -> p.toFile().length() > 200)
                        .findFirst().orElseThrow();
            }
            BackupEnginesTest.flipByte(victim, victim.toFile().length() / 2);
            UUID verify = BackupEnginesTest.verifyRequest(diff);
            events.until(verify, "failed");
            given().header("X-API-Key", VIEWER).when().get("/api/backups/" + diff).then()
                    .body("status", equalTo("corrupt")).body("error", containsString("invalid"));

            // retention: two more fulls → the first chain (full, incremental, differential) is expired whole
            String full2 = backup(events, "full", "full", null);
            String full3 = backup(events, "full", "full", null);
            for (String gone : List.of(full, incr, diff)) {
                JsonPath g = given().header("X-API-Key", VIEWER).when().get("/api/backups/" + gone).then().extract().jsonPath();
                assertEquals("expired", g.getString("status"), gone);
                assertFalse(Files.exists(Path.of(g.getString("location"), "backup", "vault", g.getString("label"))),
                        "removed from the repository: " + g.getString("label"));
            }
            for (String kept : List.of(full2, full3)) {
                given().header("X-API-Key", VIEWER).when().get("/api/backups/" + kept).then().body("status", equalTo("completed"));
            }
        }
    }

    /** Requests a backup through the API and waits for it; returns the backup id after checking type and parent. */
    private String backup(OperationEvents events, String type, String expectedType, String parent) throws Exception {
        UUID op = BackupEnginesTest.request("{\"database\":\"vault\",\"type\":\"" + type + "\"}");
        List<JsonNode> seen = events.until(op, "succeeded");
        String id = seen.get(seen.size() - 1).path("details").path("effect").path("backup_id").asText();
        JsonPath b = given().header("X-API-Key", VIEWER).when().get("/api/backups/" + id).then().statusCode(200)
                .body("engine", equalTo("pgbackrest")).body("status", equalTo("completed"))
                .body("backup_type", equalTo(expectedType)).extract().jsonPath();
        if (parent == null) {
            assertNull(b.getString("parent_id"));
        } else {
            assertEquals(parent, b.getString("parent_id"));
        }
        assertTrue(b.getString("verification").contains("valid"), b.getString("verification"));
        assertTrue(b.getString("wal_start").matches("[0-9A-F]{24}"), b.getString("wal_start"));
        return id;
    }

    private static JsonPath awaitRestore(String id) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            last[0] = given().header("X-API-Key", VIEWER).when().get("/api/restores/" + id).then().statusCode(200)
                    .extract().jsonPath();
            String s = last[0].getString("status");
            return "succeeded".equals(s) || "failed".equals(s);
        });
        return last[0];
    }

    /** pg_dump of the items table's data on a server of this machine. */
    public static String dump(int port) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PostgresBinaries.locate().tool("pg_dump").toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(port), "-U", "postgres", "--data-only", "--table=public.items", "vault"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PGPASSWORD", "postgres");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        // pg_dump 15.14+ wraps its output in restrict / unrestrict meta-commands with a random key: not data
        return out.lines().filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }
}
