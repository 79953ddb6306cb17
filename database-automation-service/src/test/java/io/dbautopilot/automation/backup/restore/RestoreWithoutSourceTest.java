package io.dbautopilot.automation.backup.restore;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.automation.backup.BackupCatalog;
import io.dbautopilot.automation.backup.BackupEnginesTest;
import io.dbautopilot.automation.backup.BackupTestResource;
import io.dbautopilot.automation.backup.OperationEvents;
import io.dbautopilot.localstack.kafka.KafkaBroker;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.dbautopilot.automation.backup.PgBackRestChainTest.dump;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restores and drills when they matter most, with the source cluster stopped: a pgBackRest and a pg_basebackup
 * backup of a real cluster, the cluster stopped with pg_ctl, then a point-in-time restore (pgBackRest, target time
 * from the server's clock between two batches of changes), a restore of each backup through {@code POST
 * /api/restores}, a re-verification and a drill of each; every restored database's data (pg_dump) equals the
 * source's at that point.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = BackupTestResource.class, initArgs = {
        @ResourceArg(name = "archiving", value = "true"),
        @ResourceArg(name = "drill-tables", value = "public.items"),
        @ResourceArg(name = "data-directory", value = "true")})
class RestoreWithoutSourceTest {

    static final String OPERATOR = BackupEnginesTest.OPERATOR;
    static final String VIEWER = BackupEnginesTest.VIEWER;

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    RestoreRequests restoreRequests;

    @Inject
    BackupCatalog catalog;

    @Test
    void pointInTimeRestoresAndDrillsOfBothEnginesWorkWithTheSourceStopped() throws Exception {
        var pg = BackupTestResource.archiving;
        pg.execute("vault", "CREATE TABLE items (id int PRIMARY KEY, v text)",
                "INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 5000) g");
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            String pgbr = backup(events, "{\"database\":\"vault\",\"type\":\"full\",\"engine\":\"pgbackrest\"}", "pgbackrest");
            String base = backup(events, "{\"database\":\"vault\",\"type\":\"full\",\"engine\":\"pg_basebackup\"}",
                    "pg_basebackup");
            String atBackups = dump(pg.port());

            // T1 from the server's clock between two batches of committed changes
            pg.execute("vault", "INSERT INTO items SELECT g, 'second ' || g FROM generate_series(5001, 6000) g");
            String atT1 = dump(pg.port());
            Instant t1 = Instant.parse(query(pg, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                    + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
            pg.execute("vault", "UPDATE items SET v = 'after T1' WHERE id % 3 = 0",
                    "INSERT INTO items SELECT g, 'third' FROM generate_series(6001, 7000) g");
            String afterT1 = dump(pg.port());
            assertEquals(3, new java.util.HashSet<>(List.of(atBackups, atT1, afterT1)).size(), "the three points differ");
            // force a WAL switch and wait until the archive holds the segment with the changes after T1
            String segment = query(pg, "SELECT pg_walfile_name(pg_switch_wal())");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                String archived = query(pg, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver");
                return archived.compareTo(segment) >= 0;
            });

            pg.stop(); // pg_ctl stop -m fast: from here on the source is unreachable
            assertFalse(pg.running());
            Instant stopped = Instant.now();
            assertThrows(SQLException.class, () -> pg.connect("vault").close());

            // point in time: only 'database' and 'target_time' → the newest pgBackRest backup completed before T1
            JsonPath pitr = restore("{\"database\":\"vault\",\"target_time\":\"" + t1 + "\",\"keep_running\":true}");
            assertEquals(pgbr, pitr.getString("backup_id"));
            assertEquals("succeeded", pitr.getString("status"), pitr.prettify());
            assertEquals(atT1, dump(pitr.getInt("port")), "restored to T1 " + t1 + ": exactly the data committed by then");
            assertEquals(6000, pitr.getLong("checks.row_counts.'public.items'"));
            remove(pitr);

            // each backup restored by id, with the source down
            for (String id : List.of(pgbr, base)) {
                JsonPath r = restore("{\"backup_id\":\"" + id + "\",\"keep_running\":true}");
                assertEquals("succeeded", r.getString("status"), r.prettify());
                assertTrue(r.getLong("rto_millis") > 0);
                assertNotEquals(pg.port(), r.getInt("port"));
                assertEquals(15, r.getInt("checks.server_major"));
                assertEquals(atBackups, dump(r.getInt("port")), "restored data of backup " + id);
                assertTrue(serverOf(Path.of(r.getString("data_directory"))).isPresent(), "keep_running: still running");
                remove(r);
            }

            // without keep_running the restored copy is stopped once checked: no postmaster for its directory,
            // its port free, its files kept until DELETE
            JsonPath stoppedCopy = restore("{\"backup_id\":\"" + base + "\"}");
            assertEquals("succeeded", stoppedCopy.getString("status"), stoppedCopy.prettify());
            Path copy = Path.of(stoppedCopy.getString("data_directory"));
            assertTrue(Files.exists(copy.resolve("PG_VERSION")), "the restored copy is kept on disk");
            assertFalse(Files.exists(copy.resolve("postmaster.pid")), "no postmaster.pid in " + copy);
            assertEquals(java.util.Optional.empty(), serverOf(copy), "no postgres process serves " + copy);
            assertTrue(ScratchCluster.portFree(stoppedCopy.getInt("port")), "port " + stoppedCopy.getInt("port") + " free");
            remove(stoppedCopy);

            // the configured data directory is known offline: a restore over it is refused while the source is down
            given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                    .body("{\"backup_id\":\"" + base + "\",\"data_directory\":\"" + pg.dataDirectory() + "\",\"force\":true}")
                    .when().post("/api/restores").then().statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("never goes over a running target"));

            // re-verification reads the stored files and the repository only
            for (String id : List.of(pgbr, base)) {
                events.until(BackupEnginesTest.verifyRequest(id), "succeeded");
                JsonPath b = given().header("X-API-Key", VIEWER).when().get("/api/backups/" + id).then()
                        .body("status", equalTo("completed")).extract().jsonPath();
                assertTrue(Instant.parse(b.getString("verified_at")).isAfter(stopped), b.prettify());
                assertTrue(b.getString("verification").matches("pgbackrest verify: valid.*|checksum ok; pg_verifybackup.*"),
                        b.getString("verification"));
            }

            // drills: the newest physical backup (pg_basebackup) and the pgBackRest one; each publishes its RTO
            UUID latestDrill = restoreRequests.drill("vault", "test").orElseThrow().operation().id();
            UUID pgbrDrill = restoreRequests.request(catalog.find(UUID.fromString(pgbr)).orElseThrow(), "drill", null,
                    null, null, false, "test", "drill of the pgBackRest backup").operation().id();
            for (UUID[] drill : new UUID[][] {{latestDrill, UUID.fromString(base)}, {pgbrDrill, UUID.fromString(pgbr)}}) {
                List<JsonNode> seen = events.until(drill[0], "succeeded");
                JsonNode effect = seen.get(seen.size() - 1).path("details").path("effect");
                assertEquals(drill[1].toString(), effect.path("backup_id").asText());
                assertTrue(effect.path("rto_ms").asLong() > 0, effect.toString());
                assertTrue(effect.path("checks").path("database_opens").asBoolean(), effect.toString());
                assertEquals(5000, effect.path("checks").path("row_counts").path("public.items").asLong(), effect.toString());
                JsonPath r = given().header("X-API-Key", VIEWER).when()
                        .get("/api/restores/" + effect.path("restore_id").asText()).then().statusCode(200)
                        .body("kind", equalTo("drill")).extract().jsonPath();
                assertFalse(Files.exists(Path.of(r.getString("data_directory"))), "drill removed its cluster");
            }
        }
    }

    /** Requests a backup through the API, waits for it and returns its id. */
    private static String backup(OperationEvents events, String body, String engine) throws Exception {
        UUID op = BackupEnginesTest.request(body);
        List<JsonNode> seen = events.until(op, "succeeded");
        String id = seen.get(seen.size() - 1).path("details").path("effect").path("backup_id").asText();
        given().header("X-API-Key", VIEWER).when().get("/api/backups/" + id).then().statusCode(200)
                .body("engine", equalTo(engine)).body("status", equalTo("completed"));
        return id;
    }

    /** Requests a restore and waits until it finished. */
    private static JsonPath restore(String body) {
        String id = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body(body).when()
                .post("/api/restores").then().statusCode(202).extract().path("restore.restore_id");
        JsonPath[] last = new JsonPath[1];
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            last[0] = given().header("X-API-Key", VIEWER).when().get("/api/restores/" + id).then().statusCode(200)
                    .extract().jsonPath();
            String s = last[0].getString("status");
            return "succeeded".equals(s) || "failed".equals(s);
        });
        return last[0];
    }

    /** A running postgres whose command line names {@code dataDir} ({@code postgres -D <dir>}), from /proc. */
    static java.util.Optional<Long> serverOf(Path dataDir) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains("postgres")
                && c.contains(" -D " + dataDir)).orElse(false)).map(ProcessHandle::pid).findFirst();
    }

    private static void remove(JsonPath r) {
        given().header("X-API-Key", OPERATOR).when().delete("/api/restores/" + r.getString("restore_id")).then()
                .statusCode(200).body("status", equalTo("removed"));
        assertFalse(Files.exists(Path.of(r.getString("data_directory"))), "restore removed");
    }

    private static String query(io.dbautopilot.localstack.postgres.PostgresServer pg, String sql) throws SQLException {
        try (Connection c = pg.connect("vault"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
