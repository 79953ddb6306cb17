package io.dbautopilot.performance.collect;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.performance.detect.rules.ShippedRulesProfile;
import io.dbautopilot.model.OperationState;
import io.dbautopilot.performance.operations.OperationEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped {@code backup_stale} and {@code backup_failed} rules on the backups the automation service publishes on
 * {@code autopilot.operations.v1} (real broker, a real target registered for this test only, the shipped rules file
 * unchanged): a last successful
 * backup 26 h old opens {@code backup_stale} (warning, suggested action backup, which the automation policy
 * {@code backup-stale} turns into a backup: BackupEnginesTest), a failed backup opens {@code backup_failed}, and a
 * fresh successful backup resolves both; a target none of whose backups finished gets no backup points.
 */
@QuarkusTest
@TestProfile(ShippedRulesProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class BackupStaleTest {


    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    @Test
    void anOldLastBackupOpensBackupStaleAFailureOpensBackupFailedAndAFreshBackupResolvesBoth() throws Exception {
        String target = "backups-" + UUID.randomUUID().toString().substring(0, 8);
        Path password = Files.createTempFile("backup-stale-password", ".txt");
        password.toFile().deleteOnExit();
        Files.writeString(password, postgres.password());
        RestAssured.given().contentType(ContentType.JSON).body("""
                {"id": "%s", "engine": "postgresql", "url": "%s", "username": "%s", "credentials_ref": "file:%s",
                 "collection": {"interval": "2s", "include_databases": ["demo_target"]}}
                """.formatted(target, postgres.uri("demo_target"), postgres.user(), password))
                .post("/api/targets").then().statusCode(201);
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            // no backup of the target finished: collected, but without backup points
            await().atMost(Duration.ofSeconds(60)).until(() -> snapshot(target) != null);
            assertTrue(points(target, "autopilot_backup_last_success_timestamp_seconds").isEmpty());

            Instant old = Instant.now().minus(26, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
            events.publish(OperationEvents.backup(target, OperationState.SUCCEEDED, old));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertEquals(List.of((double) old.getEpochSecond()),
                            points(target, "autopilot_backup_last_success_timestamp_seconds")));
            JsonPath stale = awaitAnomaly(target, "backup_stale", "open");
            assertEquals("warning", stale.getString("[0].severity"));
            assertEquals("backup", stale.getString("[0].suggested_action"));
            assertTrue(stale.getDouble("[0].value") > 26 * 3600 - 60, "the age the rule saw: " + stale.prettify());

            events.publish(OperationEvents.backup(target, OperationState.FAILED, Instant.now()));
            awaitAnomaly(target, "backup_failed", "open");

            events.publish(OperationEvents.backup(target, OperationState.SUCCEEDED, Instant.now()));
            awaitAnomaly(target, "backup_stale", "resolved");
            awaitAnomaly(target, "backup_failed", "resolved");
        } finally {
            RestAssured.delete("/api/targets/{id}", target);
        }
    }

    private static JsonPath snapshot(String target) {
        var response = RestAssured.get("/api/targets/{id}/snapshot", target);
        return response.statusCode() == 200 ? response.jsonPath() : null;
    }

    /** The values of the points named {@code name} in the target's latest snapshot (parsed as doubles). */
    private static List<Double> points(String target, String name) throws Exception {
        var response = RestAssured.get("/api/targets/{id}/snapshot", target);
        if (response.statusCode() != 200) {
            return List.of();
        }
        List<Double> values = new java.util.ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.asString()).path("points").forEach(p -> {
            if (name.equals(p.path("name").asText())) {
                values.add(p.path("value").asDouble());
            }
        });
        return values;
    }

    private static JsonPath awaitAnomaly(String target, String rule, String state) {
        JsonPath[] found = new JsonPath[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonPath list = RestAssured.given().queryParam("target", target).queryParam("state", state)
                    .get("/api/anomalies").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> matching = list.getList("findAll { it.rule == '" + rule + "' }");
            if (matching.isEmpty()) {
                return false;
            }
            found[0] = new JsonPath(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(matching));
            return true;
        });
        return found[0];
    }
}
