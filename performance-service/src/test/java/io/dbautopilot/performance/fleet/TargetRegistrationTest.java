package io.dbautopilot.performance.fleet;

import io.agroal.api.AgroalDataSource;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.Topics;
import io.dbautopilot.performance.collect.CollectionScheduler;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.fleet.TargetStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Targets registered, replaced and removed through {@code /api/targets} are collected (or not) without a restart. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class TargetRegistrationTest {

    @Inject
    TargetStore store;

    @Inject
    TargetRegistry registry;

    @Inject
    CollectionScheduler scheduler;

    @Inject
    AgroalDataSource state;

    private static String pg(String key) {
        return ConfigProvider.getConfig().getValue("dbautopilot.test.postgres." + key, String.class);
    }

    private static String url(String database) {
        return "postgresql://" + pg("host") + ":" + pg("port") + "/" + database;
    }

    private static Path passwordFile(String password) throws Exception {
        Path file = Files.createTempFile("target-password", ".txt");
        Files.writeString(file, password + "\n");
        file.toFile().deleteOnExit();
        return file;
    }

    private static String definition(String id, String credentialsRef) {
        return """
                {"id": "%s", "engine": "postgresql", "url": "%s", "username": "%s", "credentials_ref": "%s",
                 "labels": {"env": "test", "team": "fleet"},
                 "collection": {"interval": "1s", "include_databases": ["demo_target"], "disabled_families": ["broken_probe"]}}
                """.formatted(id, url("demo_target"), pg("user"), credentialsRef);
    }

    private static RequestSpecification json(String body) {
        return RestAssured.given().contentType(ContentType.JSON).body(body);
    }

    @Test
    void aTargetRegisteredThroughTheApiIsCollectedAndStopsWhenRemoved() throws Exception {
        String ref = "file:" + passwordFile(pg("password"));
        Instant before = Instant.now();
        json(definition("api-db", ref)).post("/api/targets").then().statusCode(201)
                .header("Location", "/api/targets/api-db")
                .body("target.id", equalTo("api-db"))
                .body("target.source", equalTo("api"));
        assertEquals("api", store.get("api-db").orElseThrow().definition().source());
        assertEquals("anonymous", store.get("api-db").orElseThrow().definition().updatedBy());

        // collected within one interval (1 s) of being taken on, with no restart
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> RestAssured.get("/api/targets/api-db/snapshot")
                .then().statusCode(200).body("target_id", equalTo("api-db"))
                .body("points.find { it.name == 'pg_up' }.value", equalTo(1.0f)));
        RestAssured.get("/api/targets").then().statusCode(200)
                .body("find { it.id == 'api-db' }.owner", notNullValue())
                .body("find { it.id == 'api-db' }.engine", equalTo("postgresql"))
                .body("find { it.id == 'api-db' }.labels.team", equalTo("fleet"))
                .body("find { it.id == 'api-db' }.reachable", equalTo(true))
                .body("find { it.id == 'demo' }.source", equalTo("properties"));
        assertTrue(lastCycle("api-db").isAfter(before));

        // a second POST of the same id is a conflict; a PUT replaces it
        json(definition("api-db", ref)).post("/api/targets").then().statusCode(409)
                .contentType("application/problem+json");
        json(definition("api-db", ref).replace("\"fleet\"", "\"payments\"")).put("/api/targets/api-db").then()
                .statusCode(200).body("target.labels.team", equalTo("payments"));
        await().atMost(Duration.ofSeconds(30)).until(() -> registry.get("api-db").isPresent() && scheduler.scheduled("api-db"));

        RestAssured.delete("/api/targets/api-db").then().statusCode(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> registry.get("api-db").isEmpty() && !scheduler.scheduled("api-db"));
        Instant stopped = Instant.now();
        // the cycles that would have run since: demo (also 1 s) has run at least three more
        Instant demoBefore = lastCycle("demo");
        await().atMost(Duration.ofSeconds(30)).until(() -> lastCycle("demo").isAfter(stopped.plusSeconds(3))
                && lastCycle("demo").isAfter(demoBefore));
        assertTrue(lastCycle("api-db").isBefore(stopped), "api-db collected after its removal");
        RestAssured.get("/api/targets/api-db").then().statusCode(404);
        RestAssured.delete("/api/targets/api-db").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void putCreatesWithThePathsIdAndCheckReportsTheServerVersion() throws Exception {
        String ref = "file:" + passwordFile(pg("password"));
        String body = definition("checked-db", ref).replace("\"id\": \"checked-db\",", "");
        json(body).queryParam("check", true).put("/api/targets/checked-db").then().statusCode(201)
                .header("Location", "/api/targets/checked-db")
                .body("check.ok", equalTo(true))
                .body("check.server_version", notNullValue())
                .body("target.id", equalTo("checked-db"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> RestAssured.get("/api/targets/checked-db/snapshot")
                .then().statusCode(200));
        RestAssured.delete("/api/targets/checked-db").then().statusCode(204);
    }

    @Test
    void everyEngineIsCollectedAndWhatItLacksIsShownAsUnavailable() {
        json("""
                {"id": "shop-cache", "engine": "redis", "url": "redis://127.0.0.1:1/0"}""")
                .post("/api/targets").then().statusCode(201);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> RestAssured.get("/api/targets/shop-cache").then()
                .statusCode(200).body("engine", equalTo("redis"))
                .body("capabilities.collection", equalTo("available"))
                .body("capabilities.detection", equalTo("available"))
                .body("capabilities.advice", equalTo("unavailable: engine redis has no advisors yet")));
        await().atMost(Duration.ofSeconds(30)).until(() -> scheduler.scheduled("shop-cache"));
        // nothing listens on port 1: collected as down, not refused
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> RestAssured.get("/api/targets/shop-cache/snapshot")
                .then().statusCode(200).body("points.find { it.name == 'redis_up' }.value", equalTo(0.0f)));
        RestAssured.delete("/api/targets/shop-cache").then().statusCode(204);
    }

    @Test
    void badRegistrationsAre400NamingTheFieldAndWriteNothing() throws Exception {
        String good = definition("bad-db", "file:" + passwordFile(pg("password")));
        Map<TopicPartition, Long> offsets = endOffsets();
        List<String> ids = ids();

        bad(json("{\"id\": \"bad-db\", \"engine\": "), "body");
        bad(json(good.replace("\"postgresql\"", "\"oracle\"")), "engine");
        bad(json(good.replace(url("demo_target"), "postgresql://")), "url");
        bad(json(good.replace(url("demo_target"), "postgresql://monitor:s3cret@db:5432/x")), "url");
        bad(json(good.replaceFirst("\"credentials_ref\": \"[^\"]+\"", "\"credentials_ref\": \"env:NO_SUCH_VARIABLE_42\"")),
                "credentials_ref");
        bad(json(good.replace("\"broken_probe\"", "\"no_such_family\"")), "collection.disabled_families[0]");
        bad(json(good.replace("\"labels\"", "\"lables\"")), "lables");
        // refused credentials (the test cluster trusts local users, so: a role it does not know): the check fails
        // naming credentials_ref, nothing registered
        bad(json(good.replaceFirst("\"credentials_ref\": \"[^\"]+\"", "\"credentials_ref\": \"file:"
                + passwordFile("not-the-password") + "\"").replace("\"username\": \"" + pg("user") + "\"",
                "\"username\": \"no_such_role\"")).queryParam("check", true), "credentials_ref");
        bad(json(good.replace(url("demo_target"), "postgresql://127.0.0.1:1/nowhere")).queryParam("check", true), "url");
        json(good).put("/api/targets/other-id").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("id"));

        assertEquals(offsets, endOffsets(), "the registry topic was written");
        assertEquals(ids, ids());
    }

    /** Posts (or sends as given) and expects a 400 problem naming {@code field} (any field when null). */
    private static void bad(RequestSpecification request, String field) {
        bad(request.post("/api/targets"), field);
    }

    private static void bad(io.restassured.response.Response response, String field) {
        var then = response.then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("status", equalTo(400))
                .body("detail", containsString("invalid target"));
        if (field != null) {
            then.body("errors.field", hasItem(field));
        }
        String text = response.asString();
        assertFalse(text.contains("not-the-password"), "a secret in the answer: " + text);
        assertFalse(text.contains("s3cret"), "a secret in the answer: " + text);
        assertFalse(text.contains("\tat "), "a stack in the answer: " + text);
    }

    private List<String> ids() {
        return store.all().stream().map(RegisteredTarget::id).toList();
    }

    private static Map<TopicPartition, Long> endOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers",
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class)))) {
            var partitions = admin.describeTopics(List.of(Topics.TARGETS)).allTopicNames().get()
                    .get(Topics.TARGETS).partitions().stream()
                    .map(p -> new TopicPartition(Topics.TARGETS, p.partition()))
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(partitions).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }

    private Instant lastCycle(String target) throws Exception {
        try (Connection c = state.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT last_cycle_at FROM performance.target_status WHERE target_id = ?")) {
            ps.setString(1, target);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Instant.EPOCH;
                }
                Timestamp ts = rs.getTimestamp(1);
                return ts.toInstant();
            }
        }
    }
}
