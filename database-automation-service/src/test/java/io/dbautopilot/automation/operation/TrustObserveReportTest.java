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
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trust {@code observe} end to end with the real broker and real PostgreSQL: a real dead-tuple condition on a target
 * in observe becomes an operation in state {@code would_run} with the exact statement, the autopilot report lists it,
 * and {@code pg_stat_statements} shows no statement at all by the automation's role on the target; switched to
 * {@code auto}, the same role's VACUUM does show up there (the check can fail).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class TrustObserveReportTest {

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
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String role = "observer_" + suffix;
    private final String password = "pw-" + UUID.randomUUID();

    @BeforeEach
    void open() throws Exception {
        support = new OperationsTestSupport(kafka, postgres);
        secret = Files.createTempFile("observe-target", ".pw");
        Files.writeString(secret, password + "\n");
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements",
                "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'",
                "GRANT CONNECT ON DATABASE " + OperationsTestSupport.TARGET_DB + " TO " + role,
                "GRANT USAGE ON SCHEMA public TO " + role, "GRANT pg_monitor TO " + role);
    }

    @AfterEach
    void close() throws Exception {
        support.close();
        Files.deleteIfExists(secret);
    }

    @Test
    void anObservedTargetGetsWouldRunWithTheStatementAReportAndNoStatementOnTheTarget() throws Exception {
        String id = "observe-" + suffix;
        Instant start = Instant.now().minusSeconds(1);
        writer.put(target(id, Trust.OBSERVE));
        await().atMost(Duration.ofSeconds(30)).until(() -> databases.exists(id) && databases.trust(id) == Trust.OBSERVE);

        String table = "observed_" + suffix;
        postgres.execute(OperationsTestSupport.TARGET_DB,
                "CREATE TABLE public." + table + " (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off)",
                "ALTER TABLE public." + table + " OWNER TO " + role,
                "INSERT INTO public." + table + " SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g",
                "DELETE FROM public." + table + " WHERE id % 4 <> 0");
        await().atMost(Duration.ofSeconds(30)).until(() -> dead(table) >= 15000);
        long deadBefore = dead(table);
        assertEquals(0L, statementsBy(role), "the role is new: nothing recorded for it yet");

        String eventId = UUID.randomUUID().toString();
        support.publish(eventId, OperationsTestSupport.anomaly(id, "dead_tuples", "public." + table, Severity.CRITICAL,
                "vacuum"));
        // the decision is processed: its event id recorded, the operation stored and its event published
        await().atMost(Duration.ofSeconds(60)).until(() -> support.stateValue(
                "SELECT 1 FROM automation.processed_event WHERE event_id = ?", eventId) != null
                && support.operationFor(eventId) != null);
        UUID op = support.operationFor(eventId);
        JsonNode wouldRun = support.last(op, "would_run");
        String statement = "VACUUM (ANALYZE) public." + table;
        assertEquals(statement, wouldRun.path("details").path("statement").asText(), wouldRun.toString());
        assertTrue(wouldRun.path("reason").asText().startsWith(OperationStore.WOULD_RUN), wouldRun.toString());
        assertEquals(List.of("would_run"), support.states(op));
        assertEquals("would_run", support.status(op));
        assertNull(support.stateValue("SELECT started_at FROM automation.operation WHERE id = ?", op), "never started");
        given().header("X-API-Key", OperationsTestSupport.VIEWER).get("/api/operations/" + op).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("would_run"))
                .body("result.statement", org.hamcrest.Matchers.equalTo(statement));

        JsonPath report = given().header("X-API-Key", OperationsTestSupport.VIEWER)
                .queryParam("from", start.toString()).queryParam("to", Instant.now().plusSeconds(1).toString())
                .get("/api/targets/" + id + "/autopilot-report").then().statusCode(200).extract().jsonPath();
        assertEquals("observe", report.getString("trust"));
        assertEquals(1, report.getInt("total"));
        assertEquals(Map.of("vacuum", 1), report.getMap("by_type"));
        assertEquals(1, report.getMap("by_rule").size());
        assertEquals(op.toString(), report.getString("decisions[0].operation_id"));
        assertEquals(statement, report.getString("decisions[0].statement"));
        assertEquals("public." + table, report.getString("decisions[0].object"));
        assertTrue(report.getString("decisions[0].reason").startsWith(OperationStore.WOULD_RUN));
        // a period before the decision lists nothing
        given().header("X-API-Key", OperationsTestSupport.VIEWER)
                .queryParam("from", start.minusSeconds(3600).toString()).queryParam("to", start.toString())
                .get("/api/targets/" + id + "/autopilot-report").then().statusCode(200)
                .body("total", org.hamcrest.Matchers.equalTo(0));
        given().header("X-API-Key", OperationsTestSupport.VIEWER).queryParam("from", "yesterday")
                .get("/api/targets/" + id + "/autopilot-report").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("'from'"));

        assertEquals(0L, statementsBy(role), "no statement by the automation's role on the target");
        assertEquals(0L, ((Number) support.targetValue(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = ?", role)).longValue(), "no session either");
        assertEquals(deadBefore, dead(table), "the dead tuples are still there");
        assertNull(support.targetValue("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = ?", table));

        // the same target in auto: the same role's VACUUM is seen in pg_stat_statements, so the check above can fail
        writer.put(target(id, Trust.AUTO));
        await().atMost(Duration.ofSeconds(30)).until(() -> databases.trust(id) == Trust.AUTO);
        String second = UUID.randomUUID().toString();
        support.publish(second, OperationsTestSupport.anomaly(id, "dead_tuples", "public." + table, Severity.CRITICAL,
                "vacuum"));
        await().atMost(Duration.ofSeconds(60)).until(() -> support.operationFor(second) != null);
        support.last(support.operationFor(second), "succeeded");
        assertTrue(statementsBy(role) > 0, "the role's statements are recorded once it runs");
        assertTrue(((Number) support.targetValue("""
                SELECT count(*) FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
                 WHERE r.rolname = ? AND s.query ILIKE 'VACUUM%'""", role)).longValue() > 0);
        writer.remove(id);
    }

    private long dead(String table) throws Exception {
        return ((Number) support.targetValue("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = ?", table))
                .longValue();
    }

    private long statementsBy(String rolname) throws Exception {
        return ((Number) support.targetValue("""
                SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
                 JOIN pg_database d ON d.oid = s.dbid WHERE r.rolname = ? AND d.datname = ?""",
                rolname, OperationsTestSupport.TARGET_DB)).longValue();
    }

    private TargetDefinition target(String id, Trust trust) {
        return new TargetDefinition(id, Engine.POSTGRESQL, postgres.uri(OperationsTestSupport.TARGET_DB), role,
                "file:" + secret, Map.of("env", "test"), null, TargetDefinition.Automation.DEFAULTS, trust, "api",
                null, null);
    }
}
