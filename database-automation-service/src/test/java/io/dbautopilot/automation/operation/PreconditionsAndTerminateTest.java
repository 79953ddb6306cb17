package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Preconditions of heavy maintenance against a real PostgreSQL cluster (a real throttled {@code pg_basebackup},
 * a configured disk capacity smaller than the databases) and the manual {@code terminate} of one backend.
 */
@QuarkusTest
@TestProfile(PreconditionsAndTerminateTest.ShortDefer.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class PreconditionsAndTerminateTest {

    /** Deferred operations are retried after 2 s; database {@code tight} has a disk smaller than its databases. */
    public static class ShortDefer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "autopilot.operations.defer-delay", "2s",
                    "autopilot.databases.tight.url",
                    "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/demo_target",
                    "autopilot.databases.tight.username", "${dbautopilot.test.postgres.user}",
                    "autopilot.databases.tight.password", "${dbautopilot.test.postgres.password}",
                    "autopilot.databases.tight.disk-capacity-bytes", "1048576",
                    "autopilot.databases.tight.min-free-disk-bytes", "1024",
                    "autopilot.databases.lagging.url",
                    "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/demo_target",
                    "autopilot.databases.lagging.username", "${dbautopilot.test.postgres.user}",
                    "autopilot.databases.lagging.password", "${dbautopilot.test.postgres.password}",
                    "autopilot.databases.lagging.replication-lag-limit-bytes", "1000");
        }
    }

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    @Test
    void aBaseBackupInProgressDefersAVacuumWhichRunsOnceTheBackupIsGone() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE IF NOT EXISTS public.backup_t (id int)",
                "INSERT INTO public.backup_t SELECT generate_series(1, 1000)");
        Path dir = Files.createTempDirectory("basebackup-");
        Path target = dir.resolve("data");
        Process backup = new ProcessBuilder(io.dbautopilot.localstack.postgres.PostgresBinaries.locate().tool("pg_basebackup").toString(),
                "-h", postgres.host(), "-p", Integer.toString(postgres.port()), "-U", postgres.user(),
                "-D", target.toString(), "-X", "none", "-c", "fast", "--max-rate=32k", "--no-sync")
                .redirectErrorStream(true).redirectOutput(dir.resolve("pg_basebackup.log").toFile()).start();
        String id;
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                assertTrue(backup.isAlive(), () -> "pg_basebackup ended: " + log(dir));
                return ((Number) targetValue("SELECT count(*) FROM pg_stat_progress_basebackup")).longValue() == 1;
            });
            int walsender = ((Number) targetValue("SELECT pid FROM pg_stat_progress_basebackup")).intValue();
            id = given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                    .body("{\"database\":\"demo\",\"type\":\"vacuum\",\"object\":\"public.backup_t\"}")
                    .when().post("/api/operations").then().statusCode(201).extract().path("id");
            await().atMost(Duration.ofSeconds(60)).until(() -> "deferred".equals(field(id, "status")));
            String reason = field(id, "reason");
            assertTrue(reason.startsWith("precondition backup_in_progress: a base backup (pid " + walsender + ", phase "),
                    reason);
            assertTrue(backup.isAlive(), "the throttled backup is still running");
        } finally {
            backup.destroy();
            if (!backup.waitFor(20, TimeUnit.SECONDS)) {
                backup.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) targetValue("SELECT count(*) FROM pg_stat_progress_basebackup")).longValue() == 0);
        // the deferred vacuum is retried after the defer delay and now runs
        await().atMost(Duration.ofSeconds(60)).until(() -> List.of("succeeded", "failed", "cancelled")
                .contains(field(id, "status")));
        assertEquals("succeeded", field(id, "status"), "error: " + field(id, "error"));
        try (OperationsTestSupport support = new OperationsTestSupport(kafka, postgres)) {
            UUID uuid = UUID.fromString(id);
            support.eventsUntil(uuid, "succeeded");
            List<String> states = support.states(uuid);
            assertTrue(states.contains("deferred"), states.toString());
            boolean recorded = false;
            for (var r : support.events(uuid)) {
                recorded |= OperationsTestSupport.data(r).path("reason").asText().contains("backup_in_progress");
            }
            assertTrue(recorded, "the deferred event names the base backup");
        }
    }

    @Test
    void lowDiskOnADatabaseWithAConfiguredCapacityDefersHeavyMaintenance() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE IF NOT EXISTS public.tight_t (id int)");
        String id = given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                .body("{\"database\":\"tight\",\"type\":\"vacuum\",\"object\":\"public.tight_t\"}")
                .when().post("/api/operations").then().statusCode(201).extract().path("id");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> "deferred".equals(field(id, "status")));
            String reason = field(id, "reason");
            assertTrue(reason.startsWith("precondition low_disk: about -"), reason);
            assertTrue(reason.contains("(capacity 1048576 - database sizes), under the minimum of 1024"), reason);
            long sizes = ((Number) targetValue("SELECT sum(pg_database_size(oid))::bigint FROM pg_database")).longValue();
            assertTrue(sizes > 1048576, "the databases are larger than the configured capacity: " + sizes);
        } finally {
            given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + id + "/cancel")
                    .then().statusCode(200);
        }
    }

    @Test
    void terminateEndsOneIdleClientBackendAndRecordsItsPid() throws Exception {
        try (Connection idle = postgres.connect("demo_target");
             OperationsTestSupport support = new OperationsTestSupport(kafka, postgres)) {
            int pid = ((Number) OperationsTestSupport.value(idle, "SELECT pg_backend_pid()")).intValue();
            assertEquals(1L, count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid));
            String id = given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                    .body("{\"database\":\"demo\",\"type\":\"terminate\",\"object\":\"" + pid + "\"}")
                    .when().post("/api/operations").then().statusCode(201).extract().path("id");
            JsonNode succeeded = support.last(UUID.fromString(id), "succeeded");
            JsonNode effect = succeeded.path("details").path("effect");
            assertEquals(pid, effect.path("pid").asInt(), succeeded.toString());
            assertTrue(effect.path("backend_gone").asBoolean(), succeeded.toString());
            assertEquals("terminate", succeeded.path("type").asText());
            assertEquals(0L, count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid), "the session is gone");
            Map<String, Object> result = given().header("X-API-Key", OperationsTestSupport.OPERATOR)
                    .get("/api/operations/" + id).then().statusCode(200).extract().path("result");
            assertNotNull(result);
            assertEquals(pid, ((Number) result.get("pid")).intValue(), result.toString());
        }
    }

    @Test
    void terminateOfAPidThatIsNotAClientBackendOfTheDatabaseIsRejected() throws Exception {
        int checkpointer = ((Number) OperationsTestSupport.value(postgres.connect("demo_target"),
                "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")).intValue();
        try (Connection other = postgres.connect("autopilot_state")) {
            int otherDb = ((Number) OperationsTestSupport.value(other, "SELECT pg_backend_pid()")).intValue();
            long before = stateCount();
            for (int pid : new int[] {checkpointer, otherDb}) {
                given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                        .body("{\"database\":\"demo\",\"type\":\"terminate\",\"object\":\"" + pid + "\"}")
                        .when().post("/api/operations").then().statusCode(400).contentType("application/problem+json")
                        .body("detail", containsString("pid " + pid + " is not a client backend of database 'demo'"));
            }
            assertEquals(before, stateCount(), "no operation was recorded");
            assertEquals(1L, count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + otherDb), "still connected");
            assertEquals(1L, count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + checkpointer));
        }
    }

    @Test
    void replicationLagOfARealStandbyDefersHeavyMaintenance() throws Exception {
        postgres.execute("demo_target", "CREATE TABLE IF NOT EXISTS public.lag_t (id int, pad text)");
        java.nio.file.Path base = Files.createTempDirectory("standby-");
        java.nio.file.Path data = base.resolve("data");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var bin = io.dbautopilot.localstack.postgres.PostgresBinaries.locate();
        boolean root = "root".equals(System.getProperty("user.name"));
        sh(base, root, "chown", "-R", "postgres:postgres", base.toString());
        String id = null;
        try {
            sh(base, root, bin.tool("pg_basebackup").toString(), "-h", postgres.host(), "-p", Integer.toString(postgres.port()),
                    "-U", postgres.user(), "-D", data.toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync");
            sh(base, root, bin.tool("pg_ctl").toString(), "-D", data.toString(), "-l", base.resolve("standby.log").toString(),
                    "-w", "-t", "60", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                            + base + " -c hot_standby=on -c wal_receiver_status_interval=1s", "start");
            await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) targetValue(
                    "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND replay_lsn IS NOT NULL"))
                    .longValue() == 1);
            try (Connection standby = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port
                    + "/demo_target", postgres.user(), postgres.password())) {
                assertEquals(true, OperationsTestSupport.value(standby, "SELECT pg_is_in_recovery()"));
                OperationsTestSupport.value(standby, "SELECT pg_wal_replay_pause()::text");
            }
            postgres.execute("demo_target", "INSERT INTO public.lag_t SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g");
            await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) targetValue(
                    "SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::bigint FROM pg_stat_replication"))
                    .longValue() > 1000);
            String opId = given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                    .body("{\"database\":\"lagging\",\"type\":\"vacuum\",\"object\":\"public.lag_t\"}")
                    .when().post("/api/operations").then().statusCode(201).extract().path("id");
            id = opId;
            await().atMost(Duration.ofSeconds(60)).until(() -> "deferred".equals(field(opId, "status")));
            String reason = field(opId, "reason");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "precondition replication_lag: standby (\\S+) is (\\d+) bytes behind, over the limit of 1000").matcher(reason);
            assertTrue(m.matches(), reason);
            assertTrue(Long.parseLong(m.group(2)) > 1000, reason);
        } finally {
            if (id != null) {
                given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + id + "/cancel");
            }
            try {
                sh(base, root, bin.tool("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "30", "stop", "-m", "immediate");
            } catch (AssertionError | Exception e) {
                // not started
            }
            try (var files = Files.walk(base)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** Runs a command (as the postgres OS user when this JVM runs as root) and fails with its output. */
    private static void sh(Path dir, boolean root, String... command) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        if (root && !command[0].equals("chown")) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        if (!root && command[0].equals("chown")) {
            return;
        }
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), cmd + ": " + out);
    }

    private Object targetValue(String sql) throws Exception {
        try (Connection c = postgres.connect("demo_target")) {
            return OperationsTestSupport.value(c, sql);
        }
    }

    private long stateCount() throws Exception {
        try (Connection c = postgres.connect("autopilot_state")) {
            return ((Number) OperationsTestSupport.value(c, "SELECT count(*) FROM automation.operation")).longValue();
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = postgres.connect("demo_target")) {
            return ((Number) OperationsTestSupport.value(c, sql)).longValue();
        }
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("pg_basebackup.log"));
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String field(String id, String name) {
        return given().header("X-API-Key", OperationsTestSupport.OPERATOR).get("/api/operations/" + id).then()
                .statusCode(200).extract().path(name);
    }
}
