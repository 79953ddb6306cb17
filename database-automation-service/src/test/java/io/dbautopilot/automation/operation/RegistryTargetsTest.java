package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.Trust;
import io.dbautopilot.support.fleet.TargetWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Targets from the fleet registry ({@code autopilot.targets.v1}) against the real broker and real PostgreSQL: managed
 * without a restart, removed by a tombstone, refused naming the field, and held back by their trust level.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class RegistryTargetsTest {

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @Inject
    TargetWriter writer;

    @Inject
    ManagedDatabases databases;

    private OperationsTestSupport support;
    private Path secret;

    @BeforeEach
    void open() throws Exception {
        support = new OperationsTestSupport(kafka, postgres);
        secret = Files.createTempFile("registry-target", ".pw");
        Files.writeString(secret, postgres.password() + "\n");
    }

    @AfterEach
    void close() throws Exception {
        support.close();
        Files.deleteIfExists(secret);
    }

    @Test
    void aTargetRegisteredAtRuntimeIsRemediatedAndATombstoneStopsNewOperations() throws Exception {
        String id = "reg-" + suffix();
        writer.put(target(id, TargetDefinition.Automation.DEFAULTS, Trust.AUTO));
        await().atMost(Duration.ofSeconds(30)).until(() -> databases.exists(id));

        String table = "reg_" + suffix();
        postgres.execute(OperationsTestSupport.TARGET_DB,
                "CREATE TABLE public." + table + " (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off)",
                "INSERT INTO public." + table + " SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g",
                "DELETE FROM public." + table + " WHERE id % 4 <> 0");
        await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) support.targetValue(
                "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = ?", table)).longValue() >= 15000);
        String eventId = UUID.randomUUID().toString();
        support.publish(eventId, OperationsTestSupport.anomaly(id, "dead_tuples", "public." + table, Severity.CRITICAL,
                "vacuum"));
        await().atMost(Duration.ofSeconds(60)).until(() -> support.operationFor(eventId) != null);
        UUID op = support.operationFor(eventId);
        JsonNode succeeded = support.last(op, "succeeded");
        assertEquals(id, succeeded.path("target_id").asText());
        assertEquals(List.of("requested", "started", "succeeded"), support.states(op));
        assertEquals("operation " + op, support.stateValue(
                "SELECT outcome FROM automation.anomaly WHERE last_event_id = ?", eventId));
        given().header("X-API-Key", OperationsTestSupport.VIEWER).when().get("/api/databases").then().statusCode(200)
                .body("find { it.id == '" + id + "' }.status", equalTo("reachable"))
                .body("find { it.id == '" + id + "' }.source", equalTo("registry"));

        assertTrue(writer.remove(id));
        await().atMost(Duration.ofSeconds(30)).until(() -> !databases.exists(id));
        String after = UUID.randomUUID().toString();
        support.publish(after, OperationsTestSupport.anomaly(id, "dead_tuples", "public." + table, Severity.CRITICAL,
                "vacuum"));
        await().atMost(Duration.ofSeconds(60)).until(() -> support.stateValue(
                "SELECT outcome FROM automation.anomaly WHERE last_event_id = ?", after) != null);
        assertEquals("unknown target", support.stateValue(
                "SELECT outcome FROM automation.anomaly WHERE last_event_id = ?", after));
        assertNull(support.operationFor(after), "no operation for a removed target");
    }

    @Test
    void aRegistryTargetWithABadWindowIsListedUnavailableNamingTheField() {
        String id = "bad-" + suffix();
        writer.put(target(id, new TargetDefinition.Automation(List.of("0 1 * * * 3h", "0 25 * * * 1h"), null, null,
                null, null, null, null, null, null, null), Trust.AUTO));
        await().atMost(Duration.ofSeconds(30)).until(() -> databases.unavailable().containsKey(id));
        assertFalse(databases.exists(id));
        given().header("X-API-Key", OperationsTestSupport.VIEWER).when().get("/api/databases").then().statusCode(200)
                .body("find { it.id == '" + id + "' }.status", equalTo("unavailable"))
                .body("find { it.id == '" + id + "' }.error",
                        startsWith("unavailable: automation.maintenance_windows[1]: cron"));

        String sqlite = "sq-" + suffix();
        writer.put(new TargetDefinition(sqlite, Engine.SQLITE, "sqlite:///var/lib/app/app.db", null, null, Map.of(),
                null, null, Trust.AUTO, "api", null, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> databases.unavailable().containsKey(sqlite));
        assertEquals("url: SQLite database file /var/lib/app/app.db does not exist here (a SQLite target's file must be local to the automation-service instance that manages it)", databases.unavailable().get(sqlite));
        writer.remove(id);
        writer.remove(sqlite);
    }

    @Test
    void trustObserveRecordsTheDecisionAsWouldRunAndExecutesNothing() throws Exception {
        String id = "obs-" + suffix();
        writer.put(target(id, TargetDefinition.Automation.DEFAULTS, Trust.OBSERVE));
        await().atMost(Duration.ofSeconds(30)).until(() -> databases.exists(id));
        String table = "obs_" + suffix();
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE TABLE public." + table + " (id int)",
                "INSERT INTO public." + table + " SELECT generate_series(1, 100)");
        String eventId = UUID.randomUUID().toString();
        support.publish(eventId, OperationsTestSupport.anomaly(id, "table_not_analyzed", "public." + table,
                Severity.WARNING, "analyze"));
        await().atMost(Duration.ofSeconds(60)).until(() -> support.operationFor(eventId) != null);
        UUID op = support.operationFor(eventId);
        JsonNode wouldRun = support.last(op, "would_run");
        assertTrue(wouldRun.path("reason").asText().startsWith(OperationStore.WOULD_RUN), wouldRun.toString());
        assertTrue(wouldRun.path("details").path("would_run").asBoolean(), wouldRun.toString());
        assertEquals("ANALYZE public." + table, wouldRun.path("details").path("statement").asText());
        assertEquals(List.of("would_run"), support.states(op));
        assertEquals("would_run", support.status(op));
        assertNull(support.stateValue("SELECT started_at FROM automation.operation WHERE id = ?", op), "never started");
        assertNull(support.targetValue("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = ?", table),
                "nothing touched the target");
        writer.remove(id);
    }

    @Test
    void trustApproveMakesAnAutoOperationWaitForApproval() throws Exception {
        String id = "appr-" + suffix();
        writer.put(target(id, TargetDefinition.Automation.DEFAULTS, Trust.APPROVE));
        await().atMost(Duration.ofSeconds(30)).until(() -> databases.exists(id));
        String table = "appr_" + suffix();
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE TABLE public." + table + " (id int)");
        String eventId = UUID.randomUUID().toString();
        support.publish(eventId, OperationsTestSupport.anomaly(id, "table_not_analyzed", "public." + table,
                Severity.WARNING, "analyze"));
        await().atMost(Duration.ofSeconds(60)).until(() -> support.operationFor(eventId) != null);
        UUID op = support.operationFor(eventId);
        assertEquals("awaiting_approval", support.status(op));
        JsonNode requested = support.last(op, "requested");
        assertTrue(requested.path("reason").asText().contains("trust approve"), requested.toString());
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + op + "/approve")
                .then().statusCode(200).body("status", equalTo("pending"));
        support.last(op, "succeeded");
        writer.remove(id);
    }

    private TargetDefinition target(String id, TargetDefinition.Automation automation, Trust trust) {
        return new TargetDefinition(id, Engine.POSTGRESQL, postgres.uri(OperationsTestSupport.TARGET_DB), postgres.user(),
                "file:" + secret, Map.of("env", "test"), null, automation, trust, "api", null, null);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }
}
