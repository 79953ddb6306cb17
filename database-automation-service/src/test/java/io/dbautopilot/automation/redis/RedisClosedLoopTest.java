package io.dbautopilot.automation.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.automation.backup.OperationEvents;
import io.dbautopilot.automation.backup.engine.RedisBackupRecord;
import io.dbautopilot.automation.backup.restore.RestoreRequests;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.localstack.quarkus.RedisTestResource;
import io.dbautopilot.localstack.redis.RedisServer;
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
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.core.Vertx;
import io.vertx.redis.client.RedisOptions;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The automation side of a real redis-server with the real broker: {@code /api/databases} shows the Redis target with
 * its capabilities (migrations unavailable: every migration endpoint answers 409, no operation is created); a redis_rdb
 * backup is verified, drilled into a scratch redis-server with the same key count and sampled keys, expired by the
 * next one (retention 1) with its files removed, and a flipped byte is found corrupt; redis_fragmentation →
 * MEMORY PURGE with the fragmentation ratio verified; redis_clients_near_max → (approval) CLIENT KILL of idle clients,
 * an active client and a subscriber spared.
 */
@QuarkusTest
@TestProfile(RedisTestProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(RedisTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClosedLoopTest {

    private static final String OPERATOR = "operator-secret-1";
    private static final String VIEWER = "viewer-secret-1";
    private static final ObjectMapper JSON = EventJson.newMapper();

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    RedisServer redis;

    @Inject
    Vertx vertx;

    @Inject
    RestoreRequests restores;

    private KafkaProducer<String, String> producer;
    private OperationEvents events;

    @BeforeAll
    void open() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        events = new OperationEvents(kafka.bootstrapServers());
    }

    @AfterAll
    void close() {
        producer.close();
        events.close();
    }

    @Test
    @Order(1)
    void databasesShowRedisAndItsCapabilitiesAndMigrationsAreUnavailable() {
        given().header("X-API-Key", VIEWER).get("/api/databases").then().statusCode(200)
                .body("find { it.id == 'cache' }.status", equalTo("reachable"))
                .body("find { it.id == 'cache' }.engine", equalTo("redis"))
                .body("find { it.id == 'cache' }.database_name", equalTo("db0"))
                .body("find { it.id == 'cache' }.server_version", startsWith("7."))
                .body("find { it.id == 'cache' }.capabilities.maintenance", equalTo("available: memory_purge"))
                .body("find { it.id == 'cache' }.capabilities.sessions", equalTo("available: terminate_idle"))
                .body("find { it.id == 'cache' }.capabilities.backups", equalTo("available"))
                .body("find { it.id == 'cache' }.capabilities.migrations", startsWith("unavailable: migrations do not "
                        + "apply to engine redis"))
                .body("find { it.id == 'cache' }.capabilities.index_changes", startsWith("unavailable:"))
                .body("find { it.id == 'cache-down' }.status", equalTo("unreachable"))
                .body("find { it.id == 'cache-down' }.engine", equalTo("redis"));
        // every migration endpoint answers "unavailable" (409 problem+json), none fails or creates an operation
        for (var request : List.<java.util.function.Supplier<io.restassured.response.Response>>of(
                () -> given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body(Map.of())
                        .post("/api/migrations/cache/apply"),
                () -> given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body(Map.of())
                        .post("/api/migrations/cache/undo"),
                () -> given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON).body(Map.of())
                        .post("/api/migrations/cache/dry-run"),
                () -> given().header("X-API-Key", VIEWER).get("/api/migrations/cache/validate"),
                () -> given().header("X-API-Key", VIEWER).queryParam("database", "cache").get("/api/migrations"))) {
            request.get().then().statusCode(409).contentType(startsWith("application/problem+json"))
                    .body("detail", containsString("migrations of 'cache' are unavailable: migrations do not apply "
                            + "to engine redis"));
        }
        try {
            assertEquals(0L, stateValue("SELECT count(*) FROM automation.operation WHERE type IN ('migrate', "
                    + "'migrate_undo') AND target_id = ?", "cache"), "no migration operation for a Redis target");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("database", "cache", "type", "vacuum", "object", "public.t"))
                .post("/api/operations").then().statusCode(400)
                .body("detail", containsString("engine redis has no vacuum operation"));
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("database", "demo", "type", "memory_purge"))
                .post("/api/operations").then().statusCode(400)
                .body("detail", containsString("engine postgresql has no memory_purge operation yet (redis only)"));
        given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("database", "cache", "engine", "pg_dump")).post("/api/backups").then().statusCode(400)
                .body("detail", containsString("does not back up redis"));
        JsonPath engines = given().header("X-API-Key", OPERATOR).get("/api/backups/engines").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(true, engines.get("find { it.engine == 'redis_rdb' }.available"), engines.prettify());
    }

    @Test
    @Order(2)
    void aBackupIsVerifiedAndDrilledWithTheSameKeyCountAndACorruptCopyIsFound() throws Exception {
        send("FLUSHALL");
        send("EVAL", "for i=1,500 do redis.call('SET','str:'..i,'v'..i) end "
                + "for i=1,50 do redis.call('HSET','hash:'..i,'f','v','g','w') end "
                + "for i=1,20 do redis.call('RPUSH','list:'..i,'a','b','c') end "
                + "for i=1,10 do redis.call('SADD','set:'..i,'x','y') end "
                + "for i=1,10 do redis.call('SET','ttl:'..i,'t','EX',3600) end", "0");
        try (RedisSession s = session()) {
            s.send("SELECT", "2");
            for (int i = 0; i < 5; i++) {
                s.send("SET", "other-db:" + i, "x");
            }
        }
        long keys = totalKeys();
        assertEquals(595, keys);

        String response = given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("database", "cache")).post("/api/backups").then().statusCode(202).extract().asString();
        UUID op = UUID.fromString(JsonPath.from(response).getString("id"));
        List<JsonNode> mine = events.until(op, "succeeded");
        assertFalse(mine.toString().contains(redis.password()), "the password is never in an event");
        String backupId = last(mine, "succeeded").path("details").path("effect").path("backup_id").asText();
        JsonPath backup = given().header("X-API-Key", OPERATOR).get("/api/backups/" + backupId).then().statusCode(200)
                .extract().jsonPath();
        assertEquals("redis_rdb", backup.getString("engine"), backup.prettify());
        assertEquals("full", backup.getString("backup_type"));
        assertEquals("completed", backup.getString("status"), backup.prettify());
        assertTrue(backup.getString("verification").contains("595 keys restored, 595 recorded"),
                backup.getString("verification"));
        Path location = Path.of(backup.getString("location"));
        RedisBackupRecord recorded = RedisBackupRecord.read(location);
        assertEquals(595, recorded.keys(), "redis-check-rdb read every key of every database");
        assertEquals(10, recorded.expires());
        assertEquals(595, recorded.sourceKeys());
        assertEquals(20, recorded.sample().size(), recorded.toString());
        assertTrue(recorded.sample().stream().noneMatch(k -> k.key().startsWith("ttl:")), "no expiring key sampled");

        // the drill: a scratch redis-server loads the copy; the same key count and sampled keys; removed afterwards
        send("SET", "written-after-the-backup", "1");
        RestoreRequests.Requested drill = restores.drill("cache", "test").orElseThrow();
        JsonNode effect = last(events.until(drill.operation().id(), "succeeded"), "succeeded").path("details")
                .path("effect");
        JsonNode checks = effect.path("checks");
        assertEquals(595, checks.path("keys_restored").asLong(), effect.toString());
        assertEquals(595, checks.path("keys_recorded").asLong(), effect.toString());
        assertTrue(checks.path("key_count_equal").asBoolean(), effect.toString());
        assertTrue(checks.path("sample_keys_equal").asBoolean(), effect.toString());
        assertEquals(20, checks.path("sample_keys_checked").asInt(), effect.toString());
        assertTrue(effect.path("rto_ms").asLong() > 0, effect.toString());
        Path drillHome = Path.of("target/test-backups/cache/restores", drill.restore().restoreId().toString());
        assertFalse(Files.exists(drillHome), "the drill's scratch server and files are removed: " + drillHome);

        // retention (the profile keeps one full): a second backup expires the first and removes its files
        String second = JsonPath.from(given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("database", "cache")).post("/api/backups").then().statusCode(202).extract().asString())
                .getString("id");
        String secondId = last(events.until(UUID.fromString(second), "succeeded"), "succeeded").path("details")
                .path("effect").path("backup_id").asText();
        JsonPath kept = given().header("X-API-Key", OPERATOR).get("/api/backups/" + secondId).then().statusCode(200)
                .extract().jsonPath();
        assertEquals("completed", kept.getString("status"), kept.prettify());
        assertTrue(kept.getString("verification").contains("596 keys restored, 596 recorded"), kept.getString("verification"));
        given().header("X-API-Key", OPERATOR).get("/api/backups/" + backupId).then().statusCode(200)
                .body("status", equalTo("expired"));
        assertFalse(Files.exists(location), "the expired backup's files are removed: " + location);
        backupId = secondId;
        location = Path.of(kept.getString("location"));

        // one flipped byte in the stored snapshot: the verification marks the backup corrupt
        Path rdb = location.resolve("dump.rdb");
        byte[] bytes = Files.readAllBytes(rdb);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(rdb, bytes);
        String verify = given().header("X-API-Key", OPERATOR).post("/api/backups/" + backupId + "/verify").then()
                .statusCode(202).extract().asString();
        JsonNode failed = last(events.until(UUID.fromString(JsonPath.from(verify).getString("id")), "failed"), "failed");
        assertEquals("corrupt", failed.path("details").path("effect").path("backup_status").asText(), failed.toString());
        send("FLUSHALL");
    }

    @Test
    @Order(3)
    void fragmentationIsPurgedAndTheRatioFalls() throws Exception {
        send("FLUSHALL");
        send("CONFIG", "SET", "activedefrag", "no");
        send("EVAL", "for i=1,ARGV[1] do redis.call('SET','frag:'..i,string.rep('z',ARGV[2])) end", "0", "200000",
                "500");
        // a contiguous range: whole pages become free, held by the allocator until purged (or decayed)
        send("EVAL", "for i=1,ARGV[1] do redis.call('DEL','frag:'..i) end", "0", "150000");
        double ratio = Double.parseDouble(info("memory").get("mem_fragmentation_ratio"));
        assertTrue(ratio > 1.5, "fragmented: " + ratio);

        String eventId = publish("cache", "redis_fragmentation");
        UUID op = operationFor(eventId);
        JsonNode effect = last(events.until(op, "succeeded"), "succeeded").path("details").path("effect");
        assertEquals("MEMORY PURGE", effect.path("statement").asText(), effect.toString());
        double before = effect.path("mem_fragmentation_ratio_before").asDouble();
        double after = effect.path("mem_fragmentation_ratio_after").asDouble();
        assertTrue(after < before, effect.toString());
        assertTrue(effect.path("used_memory_rss_after").asLong() < effect.path("used_memory_rss_before").asLong(),
                effect.toString());
        assertTrue(Double.parseDouble(info("memory").get("mem_fragmentation_ratio")) <= before,
                "the server shows the lower ratio");
        assertEquals(50000, totalKeys(), "MEMORY PURGE removes no key");
        send("FLUSHALL");
    }

    @Test
    @Order(4)
    void idleClientsAreKilledAfterApprovalAndAnActiveClientAndASubscriberAreSpared() throws Exception {
        RedisSession idle1 = session();
        RedisSession idle2 = session();
        RedisSession active = session();
        RedisSession subscriber = session();
        AtomicBoolean stop = new AtomicBoolean();
        Thread pinger = new Thread(() -> {
            while (!stop.get()) {
                try {
                    active.send("PING");
                    Thread.sleep(200);
                } catch (RuntimeException | InterruptedException e) {
                    return;
                }
            }
        });
        try {
            long id1 = idle1.clientId();
            long id2 = idle2.clientId();
            long activeId = active.clientId();
            long subscriberId = subscriber.clientId();
            subscriber.send("SUBSCRIBE", "news");
            pinger.start();
            // the test policy's limit is 2 s
            await().atMost(Duration.ofSeconds(30)).until(() -> idle(id1) >= 3 && idle(id2) >= 3 && idle(subscriberId) >= 3);

            String eventId = publish("cache", "redis_clients_near_max");
            UUID op = operationFor(eventId);
            await().atMost(Duration.ofSeconds(30)).until(() -> "awaiting_approval".equals(status(op)));
            assertTrue(idle(id1) >= 0 && idle(id2) >= 0, "nothing is killed before the approval");
            given().header("X-API-Key", OPERATOR).post("/api/operations/" + op + "/approve").then().statusCode(200);

            JsonNode effect = last(events.until(op, "succeeded"), "succeeded").path("details").path("effect");
            List<Long> killed = new ArrayList<>();
            List<Long> listed = new ArrayList<>();
            for (JsonNode c : effect.path("clients")) {
                listed.add(c.path("id").asLong());
                if (c.path("killed").asBoolean()) {
                    killed.add(c.path("id").asLong());
                }
            }
            assertTrue(killed.contains(id1) && killed.contains(id2), "both idle clients killed: " + effect);
            assertFalse(listed.contains(activeId), "the active client is not touched: " + effect);
            assertFalse(listed.contains(subscriberId), "the subscriber is not touched: " + effect);
            assertEquals(0, effect.path("clients_still_connected").asInt(), effect.toString());
            assertEquals(2, effect.path("limit_seconds").asInt());
            assertEquals(-1, idle(id1), "client " + id1 + " gone");
            assertEquals(-1, idle(id2), "client " + id2 + " gone");
            assertTrue(idle(activeId) >= 0, "the active client is still connected");
            assertTrue(idle(subscriberId) >= 0, "the subscriber is still connected");
        } finally {
            stop.set(true);
            pinger.join(5000);
            for (RedisSession s : List.of(idle1, idle2, active, subscriber)) {
                s.close();
            }
        }
    }

    // --- helpers ---

    /** A connection of "the application" (not named db-autopilot-*, which the executor never kills). */
    private RedisSession session() {
        return RedisConnections.open(vertx, new RedisOptions().setConnectionString("redis://" + redis.host() + ":"
                + redis.port() + "/0").setPassword(redis.password()), Duration.ofSeconds(60), "app");
    }

    /** One command on a fresh connection (an idle test connection would itself be an idle client). */
    private String send(String command, Object... args) {
        try (RedisSession s = session()) {
            var r = s.send(command, args);
            return r == null ? null : r.toString();
        }
    }

    private Map<String, String> info(String section) {
        try (RedisSession s = session()) {
            return s.info(section);
        }
    }

    private long totalKeys() {
        try (RedisSession s = session()) {
            return s.totalKeys();
        }
    }

    /** Seconds a client has been idle, -1 when it is not connected. */
    private long idle(long clientId) {
        String line = send("CLIENT", "LIST", "ID", clientId);
        for (String part : line.trim().split(" ")) {
            if (part.startsWith("idle=")) {
                return Long.parseLong(part.substring(5));
            }
        }
        return -1;
    }

    private String publish(String target, String rule) throws Exception {
        String eventId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        AnomalyEvent event = new AnomalyEvent(rule + ":" + target + ":" + eventId, target, rule, null,
                Severity.WARNING, AnomalyState.OPENED, 1, now, now, Map.of("value", 1.0), "investigate", rule);
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, target,
                JSON.writeValueAsString(event));
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

    private Object stateValue(String sql, Object... params) throws SQLException {
        try (Connection c = postgres.connect("autopilot_state"); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
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
